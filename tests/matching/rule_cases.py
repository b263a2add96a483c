"""One offer and one need per rule of the matcher, each breaking exactly that rule (or none):
shared by the feasibility tests (the pure function against the candidates' SQL) and the tests
of responding to a post (every rule refuses a response)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from matching.models import MatchStatus
from tests.factories import MatchFactory, NeedFactory, OfferFactory, UserFactory, category
from tests.matching.conftest import east_of_praha


@dataclass
class Pair:
    offer: object
    need: object
    # The refusal code ``pair_refusals`` gives (None: feasible) and words of its message.
    code: str | None
    words: str


def _other(**kwargs):
    return {"category": category("other"), **kwargs}


def build(case: str, *, need_owner=None) -> Pair:
    """The pair of ``case``; the need belongs to ``need_owner`` (a new person if None)."""
    need_owner = need_owner or UserFactory(roles=["in_need"])
    today = timezone.localdate()
    offer_kwargs: dict = _other()
    need_kwargs: dict = _other()
    code, words = None, ""
    if case == "feasible":
        pass
    elif case == "category":
        need_kwargs = {"category": category("work")}
        code, words = "category", "not of the same kind of help"
    elif case == "distance":
        offer_kwargs = _other(location=east_of_praha(50), radius_km=10)
        need_kwargs = _other(radius_km=10)
        code, words = "distance", "km apart"
    elif case == "language":
        offer_kwargs = _other(languages=["de"])
        code, words = "language", "share no language"
    elif case == "host_unverified":
        offer_kwargs = {
            "category": category("accommodation"),
            "host_verified_at": None,
            "capacity": 2,
            "details": {"household": "couple"},
        }
        need_kwargs = {"category": category("accommodation")}
        code, words = "host_unverified", "not been verified"
    elif case == "pets":
        offer_kwargs = {"category": category("accommodation"), "details": {"household": "couple"}}
        need_kwargs = {"category": category("accommodation"), "details": {"pets": True}}
        code, words = "pets", "pets are welcome"
    elif case == "accessible":
        offer_kwargs = {"category": category("accommodation"), "details": {"household": "couple"}}
        need_kwargs = {"category": category("accommodation"), "details": {"accessible": True}}
        code, words = "accessible", "wheelchair"
    elif case == "cargo":
        offer_kwargs = {"category": category("transport-goods"), "capacity": 2}
        need_kwargs = {"category": category("transport-goods"), "details": {"cargo": True}}
        code, words = "cargo", "cargo"
    elif case == "household":
        offer_kwargs = {
            "category": category("accommodation"),
            "capacity": 3,
            "details": {"household": "single_adult"},
        }
        need_kwargs = {"category": category("accommodation"), "details": {"children": True}}
        code, words = "household", "children"
    elif case == "language_pair":
        offer_kwargs = {
            "category": category("interpreting-offices"),
            "details": {"language_from": "uk", "language_to": "en"},
        }
        need_kwargs = {
            "category": category("interpreting-offices"),
            "details": {"language_from": "uk", "language_to": "cs"},
        }
        code, words = "language_pair", "language pair"
    elif case == "capacity":
        offer_kwargs = {
            "category": category("accommodation"),
            "capacity": 2,
            "details": {"household": "couple"},
        }
        need_kwargs = {"category": category("accommodation"), "people_count": 4}
        code, words = "capacity", "this need takes 4"
    elif case == "same_person":
        offer_kwargs = _other(owner=need_owner)
        code, words = "same_person", "same person"
    elif case == "need_not_yet_valid":
        need_kwargs = _other(valid_from=today + dt.timedelta(days=3))
        code, words = "need_closed", "need is not open"
    elif case == "need_paused":
        need_kwargs = _other(status="paused")
        code, words = "need_closed", "need is not open"
    elif case == "offer_hidden":
        offer_kwargs = _other(hidden_at=timezone.now())
        code, words = "offer_closed", "offer is not open"
    elif case in ("rejected_before", "declined_before", "approval_expired_before"):
        code, words = "already_matched", "already matched"
    elif case == "proposal_expired_before":
        pass  # back in the pool: feasible again
    else:
        raise ValueError(case)
    offer = OfferFactory(**offer_kwargs)
    need = NeedFactory(owner=need_owner, **need_kwargs)
    earlier = {
        "rejected_before": (MatchStatus.REJECTED, True),
        "declined_before": (MatchStatus.DECLINED, True),
        "approval_expired_before": (MatchStatus.EXPIRED, True),
        "proposal_expired_before": (MatchStatus.EXPIRED, False),
    }.get(case)
    if earlier is not None:
        status, decided = earlier
        MatchFactory(
            offer=offer,
            need=need,
            score=0.5,
            status=status,
            decided_at=timezone.now() if decided else None,
        )
    return Pair(offer, need, code, words)


INFEASIBLE = [
    "category",
    "distance",
    "language",
    "host_unverified",
    "pets",
    "accessible",
    "cargo",
    "household",
    "language_pair",
    "capacity",
    "same_person",
    "need_not_yet_valid",
    "need_paused",
    "offer_hidden",
    "rejected_before",
    "declined_before",
    "approval_expired_before",
]
FEASIBLE = ["feasible", "proposal_expired_before"]
