from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from matching.selectors import user_can_coordinate

register = template.Library()


@register.filter
def can_coordinate(user) -> bool:
    return user_can_coordinate(user=user)


@register.filter
def percent(value) -> str:
    try:
        return f"{float(value) * 100:.0f} %"
    except (TypeError, ValueError):
        return ""


FACTOR_LABELS = {
    "distance": _("Distance"),
    "language": _("Shared languages"),
    "urgency": _("Urgency"),
    "waiting": _("Time waiting"),
    "freshness": _("Freshness of the offer"),
    "verified": _("Verified organisation"),
    "fit": _("Fit of the size"),
}


@register.filter
def factor_label(name: str) -> str:
    return str(FACTOR_LABELS.get(name, name))
