"""What an offer's capacity counts in each root category, and how much of it a need takes.

One table, read by the forms and the API (the capacity's label, which fields are required), by
the matcher's candidate rules and slot accounting (``matching.candidates``, ``matching.engine``)
and by the match lifecycle (``matching.lifecycle``), so that a bed, a seat or an item means the
same everywhere. Pure: no ORM here.

- accommodation: capacity counts beds; a need takes one bed per person (``people_count``);
- transport: capacity counts seats; a need takes one seat per person;
- material aid: capacity counts items; a need takes ``details["quantity"]`` items (1 when not
  stated) and may be filled by several offers, a part each, until nothing remains;
- every other root: capacity counts sessions or places; a need takes one.

A need's quantity stays in ``Post.details`` (where the category's other answers live and where
the matcher's SQL reads it as ``n.details->>'quantity'``) rather than becoming a column: only
material aid asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# How a need's units are counted.
PER_PERSON = "people_count"  # one unit per person of the need
PER_ITEM = "quantity"  # the need's details["quantity"], 1 when not stated
ONE = "one"  # one unit per need


@dataclass(frozen=True)
class Unit:
    """What one unit of an offer's capacity is in a root category."""

    name: str
    # The capacity field's label on an offer of this category ("Beds").
    label: Any
    help_text: Any
    # Said when an offer of this category does not state its capacity.
    required_message: Any
    need_takes: str = ONE
    # Several offers may fill one need, a part each (material aid); otherwise one offer serves
    # a whole need, so its proposals are alternatives.
    partial: bool = False
    # Whether an offer must state its capacity (the API otherwise takes 1).
    required: bool = True
    # Said when a need of this category does not state its number of people, where its units
    # count people (the API otherwise takes 1).
    people_required_message: Any = None


UNITS: dict[str, Unit] = {
    "accommodation": Unit(
        "beds",
        _("Beds"),
        _("How many people can sleep here: one bed per person."),
        _("Say how many beds the accommodation has."),
        need_takes=PER_PERSON,
        people_required_message=_("Say how many people need a place to sleep."),
    ),
    "transport": Unit(
        "seats",
        _("Seats"),
        _("How many people can travel with you at once."),
        _("Say how many seats you offer."),
        need_takes=PER_PERSON,
        people_required_message=_("Say how many people travel."),
    ),
    "material-aid": Unit(
        "items",
        _("Items"),
        _("How many items (pieces, packs) you give away in all."),
        _("Say how many items you give away."),
        need_takes=PER_ITEM,
        partial=True,
    ),
}
OTHER_UNIT = Unit(
    "places",
    _("Sessions or places"),
    _("How many people or needs this offer can serve."),
    _("Say how many sessions or places you offer."),
    required=False,
)

# The roots whose needs take one unit per person, and those several offers may fill: the
# matcher passes their category ids to SQL.
PER_PERSON_ROOTS = tuple(slug for slug, unit in UNITS.items() if unit.need_takes == PER_PERSON)
PARTIAL_ROOTS = tuple(slug for slug, unit in UNITS.items() if unit.partial)


def unit_for(root_slug: str | None) -> Unit:
    return UNITS.get(root_slug or "", OTHER_UNIT)


def need_units(root_slug: str | None, *, people_count: int, details: Mapping[str, Any]) -> int:
    """How many units of an offer's capacity the whole need takes."""
    unit = unit_for(root_slug)
    if unit.need_takes == PER_PERSON:
        return max(1, int(people_count))
    if unit.need_takes == PER_ITEM:
        quantity = (details or {}).get("quantity", 1)
        return quantity if isinstance(quantity, int) and quantity >= 1 else 1
    return 1
