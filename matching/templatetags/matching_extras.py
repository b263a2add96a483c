from __future__ import annotations

from django import template

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
