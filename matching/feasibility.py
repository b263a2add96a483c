"""Whether one offer and one need may be paired, and if not, why: the matcher's rules for a
single pair, as a pure typed function over plain dataclasses.

The full and incremental passes apply the same rules inside their PostGIS probes
(``matching.candidates``), where they must run per probed row in SQL to stay fast; a person's
response to a post ("I need this", "I can help") and a coordinator's match by hand ask about
one pair and need a reason they can show. ``pair_refusals`` is that one statement of the rules
for one pair; ``matching.selectors.pair_facts`` reads its inputs from the database (the
distance in the matcher's own EPSG:3035 metric), and a test keeps it in step with the SQL by
running both over the same pairs (``tests/matching/test_feasibility.py``).

The rules, in the order a refusal is reported:

1. both posts are active, valid today and not hidden by a moderator;
2. the offer's category is the need's category or the need's general (parent) category;
3. within reach (distance ≤ offer radius + need radius), or both remote;
4. at least one shared language;
5. a host in a category that vets hosts is verified;
6. what the need's details require: pets welcome, wheelchair access, cargo, the interpreting
   language pair either way round, and no single-adult (or unsaid) household for a group with
   children or of women only;
7. no person on both sides (owners, and approved staff of either side's organisation);
8. no earlier match of the pair, unless one that may be proposed again (withdrawn by the
   engine, or a proposal that expired before a coordinator decided);
9. the need fits what the offer has left, in the unit of its category (posts/units.py): as
   many beds or seats as it has people, at least one item for material aid, else one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from posts.units import need_units, unit_for


@dataclass(frozen=True, slots=True)
class PostFacts:
    """What the rules read of one post."""

    id: int
    status: str
    hidden: bool
    valid_from: dt.date
    valid_until: dt.date | None
    category_id: int
    # The category's parent (None for a general category) and the root's slug.
    parent_category_id: int | None
    root_slug: str
    radius_km: float
    remote: bool
    languages: frozenset[str]
    details: Mapping[str, Any]
    # The people who answer for the post: its owner and the approved staff of its organisation.
    people: frozenset[int]


@dataclass(frozen=True, slots=True)
class OfferFacts(PostFacts):
    # The category (or its general one) vets hosts, and whether this host is verified.
    host_vetting_required: bool = False
    host_verified: bool = False
    # Capacity less the units of the offer's open and held matches (the pair's own left out).
    free_units: int = 1


@dataclass(frozen=True, slots=True)
class NeedFacts(PostFacts):
    people_count: int = 1


@dataclass(frozen=True, slots=True)
class PairFacts:
    offer: OfferFacts
    need: NeedFacts
    # Between the exact points, in the matcher's metric (EPSG:3035 metres / 1000).
    distance_km: float
    # The status of the pair's earlier match, if any, and whether that one may be proposed
    # again (``matching.models.repoolable_q``).
    earlier_status: str | None = None
    earlier_repoolable: bool = False
    # The units the need's matches already hold (approved and on), for material aid.
    need_units_held: int = 0


@dataclass(frozen=True, slots=True)
class Refusal:
    """One broken rule: a stable code (for tests and the API) and a message for people."""

    code: str
    message: Any = field(compare=False)

    def __str__(self) -> str:
        return str(self.message)


_REQUIRED_FLAGS = {
    "pets": _("The need asks for a place where pets are welcome, and this offer does not say so."),
    "accessible": _("The need asks for wheelchair access, and this offer does not say so."),
    "cargo": _("The need asks to carry cargo, and this offer does not say so."),
}


def _open(post: PostFacts, today: dt.date) -> bool:
    return (
        post.status == "active"
        and not post.hidden
        and post.valid_from <= today
        and (post.valid_until is None or post.valid_until >= today)
    )


def household_conflict(offer_details: Mapping[str, Any], need_details: Mapping[str, Any]) -> bool:
    """Safe hosting: a group with children, or of women only, and a host who lives alone or
    did not say who lives in the home."""
    vulnerable = need_details.get("children") is True or need_details.get("women_only") is True
    household = offer_details.get("household")
    return vulnerable and (household is None or household == "single_adult")


def _language_pair_mismatch(offer: Mapping[str, Any], need: Mapping[str, Any]) -> bool:
    if not ("language_from" in need and "language_to" in need):
        return False
    wanted = {need.get("language_from"), need.get("language_to")}
    return {offer.get("language_from"), offer.get("language_to")} != wanted


def units_wanted(pair: PairFacts) -> int:
    """The units a match of this pair takes at least: the need's whole demand, or a single item
    where several offers may fill it (what the candidates' ``_FITS_UNITS`` checks)."""
    need = pair.need
    if unit_for(need.root_slug).partial:
        return 1
    return need_units(need.root_slug, people_count=need.people_count, details=need.details)


def pair_refusals(pair: PairFacts, *, today: dt.date) -> list[Refusal]:
    """Every rule the pair breaks, in the order of the module's list; empty when feasible."""
    offer, need = pair.offer, pair.need
    refusals: list[Refusal] = []
    if not _open(offer, today):
        refusals.append(Refusal("offer_closed", _("The offer is not open at the moment.")))
    if not _open(need, today):
        refusals.append(Refusal("need_closed", _("The need is not open at the moment.")))
    if offer.category_id not in (need.category_id, need.parent_category_id):
        refusals.append(
            Refusal("category", _("The offer and the need are not of the same kind of help."))
        )
    if not (offer.remote and need.remote) and pair.distance_km > (offer.radius_km + need.radius_km):
        refusals.append(
            Refusal(
                "distance",
                _(
                    "The offer and the need are %(km)d km apart, farther than their radii "
                    "reach together (%(reach)d km)."
                )
                % {"km": round(pair.distance_km), "reach": round(offer.radius_km + need.radius_km)},
            )
        )
    if not offer.languages & need.languages:
        refusals.append(Refusal("language", _("The offer and the need share no language.")))
    if offer.host_vetting_required and not offer.host_verified:
        refusals.append(Refusal("host_unverified", _("This host has not been verified yet.")))
    for flag, message in _REQUIRED_FLAGS.items():
        if need.details.get(flag) is True and offer.details.get(flag) is not True:
            refusals.append(Refusal(flag, message))
    if household_conflict(offer.details, need.details):
        refusals.append(
            Refusal(
                "household",
                _(
                    "This group includes children or is women only, and the host lives alone "
                    "or has not said who lives in the home."
                ),
            )
        )
    if _language_pair_mismatch(offer.details, need.details):
        refusals.append(
            Refusal("language_pair", _("The interpreter does not cover the language pair."))
        )
    if offer.people & need.people:
        refusals.append(
            Refusal("same_person", _("The same person is on both sides of this offer and need."))
        )
    if pair.earlier_status is not None and not pair.earlier_repoolable:
        refusals.append(Refusal("already_matched", _("This offer and need were already matched.")))
    wanted = units_wanted(pair)
    if wanted > offer.free_units:
        refusals.append(
            Refusal(
                "capacity",
                _("The offer has %(left)d left (%(unit)s); this need takes %(units)d.")
                % {
                    "left": max(offer.free_units, 0),
                    "unit": unit_for(offer.root_slug).label,
                    "units": wanted,
                },
            )
        )
    elif unit_for(need.root_slug).partial and pair.need_units_held >= need_units(
        need.root_slug, people_count=need.people_count, details=need.details
    ):
        refusals.append(
            Refusal("covered", _("Other matches already cover everything this need asks for."))
        )
    return refusals
