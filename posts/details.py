"""Category-specific details of a post (pets, cargo, language pair...), validated per category.

Stored in ``Post.details`` (JSON) because each category asks different questions and the set
will grow; the rules live here, in one pure function, used by the model's ``clean`` (so the
web, the API and the admin all obey them) and by the web form to show errors per field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from posts.languages import SPOKEN_LANGUAGES


@dataclass(frozen=True)
class DetailField:
    name: str
    kind: str  # "int", "bool", "choice", "language"
    label: Any
    minimum: int = 1
    maximum: int = 0
    choices: tuple[tuple[str, Any], ...] = ()
    # Which posts ask it: "offer", "need" or both.
    sides: tuple[str, ...] = ("offer", "need")


VEHICLE_CHOICES = (
    ("car", _("Car")),
    ("van", _("Van")),
    ("minibus", _("Minibus")),
    ("truck", _("Truck")),
)
CONDITION_CHOICES = (("new", _("New")), ("good", _("Good")), ("used", _("Used")))
# Who lives in a host's home (safe-homes guidance): a group with children, or of women only, is
# never proposed to a host who lives alone or did not say (matching.candidates._DETAIL_RULES).
HOUSEHOLD_CHOICES = (
    ("single_adult", _("One adult alone")),
    ("couple", _("A couple")),
    ("family", _("A family with children")),
    ("other", _("Other (several adults)")),
)

# Top-level category slug -> the details its posts may carry (all optional). How many beds,
# seats or items an offer has is its capacity, and how many a need takes its number of people
# or its quantity (posts/units.py), so no detail repeats them.
DETAIL_FIELDS: dict[str, tuple[DetailField, ...]] = {
    "accommodation": (
        DetailField("pets", "bool", _("Pets welcome")),
        DetailField("accessible", "bool", _("Wheelchair accessible")),
        DetailField(
            "household",
            "choice",
            _("Who lives in the home"),
            choices=HOUSEHOLD_CHOICES,
            sides=("offer",),
        ),
        DetailField("children", "bool", _("Children in the group"), sides=("need",)),
        DetailField("women_only", "bool", _("Women only"), sides=("need",)),
    ),
    "transport": (
        DetailField("vehicle", "choice", _("Vehicle"), choices=VEHICLE_CHOICES),
        DetailField("cargo", "bool", _("Can carry cargo")),
    ),
    "interpreting": (
        DetailField("language_from", "language", _("From language")),
        DetailField("language_to", "language", _("To language")),
    ),
    "material-aid": (
        # An offer's items are its capacity; a need says how many it needs here (1 if not).
        DetailField("quantity", "int", _("Quantity"), maximum=100_000, sides=("need",)),
        DetailField("condition", "choice", _("Condition"), choices=CONDITION_CHOICES),
    ),
}


def detail_fields_for(root_slug: str | None, side: str | None = None) -> tuple[DetailField, ...]:
    """The details of a root category; of one side's posts (``"offer"``, ``"need"``) if given."""
    fields = DETAIL_FIELDS.get(root_slug or "", ())
    return fields if side is None else tuple(f for f in fields if side in f.sides)


# Details that were once asked and are now the capacity of an offer or the number of people of
# a need (posts/units.py): named in the error, so a client sending them learns where they went.
_MOVED = {
    "offer": {"beds": "capacity", "seats": "capacity", "quantity": "capacity"},
    "need": {"beds": "people_count", "seats": "people_count"},
}


def details_errors(
    root_slug: str | None, details: dict[str, Any], side: str | None = None
) -> dict[str, str]:
    """Field name -> message for every broken rule; empty when the details are valid.

    Steps: refuse a non-dict, refuse keys the category (or the side) does not know, naming the
    field that replaced a moved one, then check each value's type and range.
    """
    if not isinstance(details, dict):
        return {"details": str(_("Details must be an object."))}
    fields = {field.name: field for field in detail_fields_for(root_slug, side)}
    moved = _MOVED.get(side or "", {})
    errors: dict[str, str] = {}
    for name, value in details.items():
        field = fields.get(name)
        if field is None and name in moved:
            errors[name] = str(
                _("Give this as “%(field)s”, not as a detail.") % {"field": moved[name]}
            )
        elif field is None:
            errors[name] = str(_("This category has no detail called “%(name)s”.") % {"name": name})
        elif field.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                errors[name] = str(_("Enter a whole number."))
            elif not field.minimum <= value <= field.maximum:
                errors[name] = str(
                    _("Enter a number from %(min)d to %(max)d.")
                    % {"min": field.minimum, "max": field.maximum}
                )
        elif field.kind == "bool":
            if not isinstance(value, bool):
                errors[name] = str(_("Enter yes or no."))
        elif field.kind == "choice":
            if value not in dict(field.choices):
                errors[name] = str(_("Choose one of the offered values."))
        elif field.kind == "language" and value not in SPOKEN_LANGUAGES:
            errors[name] = str(_("Unknown language code."))
    if (
        "language_from" in details
        and details.get("language_from") == details.get("language_to")
        and "language_from" not in errors
    ):
        errors["language_to"] = str(_("Choose two different languages."))
    return errors


def details_display(root_slug: str | None, details: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(label, shown value) pairs for a detail page, in the category's order."""
    shown = []
    for field in detail_fields_for(root_slug):
        if field.name not in details:
            continue
        value = details[field.name]
        if field.kind == "bool":
            value = _("yes") if value else _("no")
        elif field.kind == "choice":
            value = dict(field.choices).get(value, value)
        elif field.kind == "language":
            value = _(SPOKEN_LANGUAGES.get(value, value))
        shown.append((field.label, value))
    return shown
