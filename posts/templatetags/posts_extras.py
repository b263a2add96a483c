from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from posts.languages import SPOKEN_LANGUAGES

register = template.Library()


@register.filter
def language_names(codes: list[str]) -> str:
    """["cs", "uk"] -> "Czech, Ukrainian" in the current language."""
    return ", ".join(_(SPOKEN_LANGUAGES.get(code, code)) for code in codes or [])


@register.filter
def whole_km(distance) -> int:
    """A distance rounded to whole kilometres (at least 1), so a list never reveals a position
    more exactly than the municipality does."""
    if distance is None:
        return 0
    return max(1, round(distance.km))
