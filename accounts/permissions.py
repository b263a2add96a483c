"""Who may do what: the permission matrix, as data, in one place.

This is a promise, not the mechanism (that is ``accounts.scopes`` and the services). One
parametrised test (tests/security/test_permission_matrix.py) builds the world described below,
plays every cell through the real web pages and API, and checks the answer matches; the README's
table is rendered from here (``manage.py permission_matrix``) and a test keeps it in sync.

The world: organisation O (verified) and organisation P (verified); region X is
"Jihomoravský kraj", region Y "Hlavní město Praha". The coordinators are scoped to region X, to
the category "legal" and to organisation O respectively.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: dict[str, str] = {
    "anonymous": "anonymous",
    "volunteer": "volunteer",
    "in_need": "person in need",
    "staff_pending": "staff of O, pending",
    "staff_approved": "staff of O, approved",
    "staff_other": "staff of P",
    "coordinator_unscoped": "coordinator, no scope",
    "coordinator_region": "coordinator of region X",
    "coordinator_category": "coordinator of “legal”",
    "coordinator_organisation": "coordinator of O",
    "platform": "platform coordinator",
    "admin_staff": "admin staff (no role)",
    "superuser": "superuser",
}

OBJECTS: dict[str, str] = {
    "own_post": "own post (need, clothes, region Y)",
    "other_post": "someone else's offer (clothes, region X)",
    "sensitive_x": "sensitive need (psychological aid, region X)",
    "sensitive_o": "sensitive need of O (legal aid, region Y)",
    "match": "match: volunteer's offer ↔ person in need's need (region X)",
    "match_o": "match: an offer ↔ O's need (region Y)",
    "report": "open report about someone else's offer (region X)",
    "notification": "the volunteer's notification",
    "membership": "request to join O",
}

ACTIONS: dict[str, str] = {
    "view": "view",
    "view_exact": "view exact location",
    "edit": "edit",
    "change_status": "change status",
    "hide": "hide",
    "block": "block the owner",
    "export": "in bulk downloads (GeoJSON API)",
    "approve": "approve",
    "answer": "answer",
    "see_contacts": "see the other side's contacts",
    "dismiss": "dismiss",
    "mark_read": "mark read",
}

_COORDINATORS_OF_X = {"coordinator_region", "platform", "superuser"}
_COORDINATORS_OF_O = {"coordinator_organisation", "platform", "superuser"}
_SIGNED_IN = set(ROLES) - {"anonymous"}
_VERIFIED_STAFF = {"staff_approved", "staff_other"}


@dataclass(frozen=True)
class Cell:
    object: str
    action: str
    allowed: frozenset[str]


def _cells(object_: str, **actions: set[str]) -> list[Cell]:
    return [Cell(object_, action, frozenset(roles)) for action, roles in actions.items()]


MATRIX: list[Cell] = [
    *_cells(
        "own_post",
        view=_SIGNED_IN,
        view_exact=_SIGNED_IN,
        edit=_SIGNED_IN,
        change_status=_SIGNED_IN,
        hide={"platform", "superuser"},
        export=_SIGNED_IN,
    ),
    *_cells(
        "other_post",
        view=set(ROLES),
        view_exact=_COORDINATORS_OF_X,
        edit=_COORDINATORS_OF_X,
        change_status=_COORDINATORS_OF_X,
        hide=_COORDINATORS_OF_X,
        block=_COORDINATORS_OF_X,
        export=set(ROLES),
    ),
    *_cells(
        "sensitive_x",
        view=_VERIFIED_STAFF | _COORDINATORS_OF_X,
        view_exact=_COORDINATORS_OF_X,
        edit=_COORDINATORS_OF_X,
        change_status=_COORDINATORS_OF_X,
        hide=_COORDINATORS_OF_X,
        block=_COORDINATORS_OF_X,
        export=_VERIFIED_STAFF | _COORDINATORS_OF_X,
    ),
    *_cells(
        "sensitive_o",
        view=_VERIFIED_STAFF | _COORDINATORS_OF_O | {"coordinator_category"},
        view_exact={"staff_approved", "coordinator_category"} | _COORDINATORS_OF_O,
        edit={"staff_approved", "coordinator_category"} | _COORDINATORS_OF_O,
        change_status={"staff_approved", "coordinator_category"} | _COORDINATORS_OF_O,
        hide={"coordinator_category"} | _COORDINATORS_OF_O,
        block={"coordinator_category"} | _COORDINATORS_OF_O,
        export=_VERIFIED_STAFF | _COORDINATORS_OF_O | {"coordinator_category"},
    ),
    *_cells(
        "match",
        view={"volunteer", "in_need"} | _COORDINATORS_OF_X,
        approve=_COORDINATORS_OF_X,
        answer={"volunteer", "in_need"},
        see_contacts={"volunteer", "in_need"},
    ),
    *_cells(
        "match_o",
        view={"staff_approved"} | _COORDINATORS_OF_O,
        approve=_COORDINATORS_OF_O,
        answer={"staff_approved"},
        see_contacts={"staff_approved"},
    ),
    *_cells("report", view=_COORDINATORS_OF_X, dismiss=_COORDINATORS_OF_X),
    *_cells("notification", view={"volunteer"}, mark_read={"volunteer"}),
    *_cells("membership", view=_COORDINATORS_OF_O, approve=_COORDINATORS_OF_O),
]


def render_markdown() -> str:
    """The README's table: one row per object and action, one column per role."""
    roles = list(ROLES)
    lines = [
        "| object | action | " + " | ".join(ROLES[role] for role in roles) + " |",
        "|---|---|" + "|".join(":-:" for _ in roles) + "|",
    ]
    for cell in MATRIX:
        marks = " | ".join("✓" if role in cell.allowed else "·" for role in roles)
        lines.append(f"| {OBJECTS[cell.object]} | {ACTIONS[cell.action]} | {marks} |")
    return "\n".join(lines)
