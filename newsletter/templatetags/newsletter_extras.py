from __future__ import annotations

from django import template

from accounts.scopes import user_is_platform_coordinator

register = template.Library()


@register.filter
def is_platform_coordinator(user) -> bool:
    return user_is_platform_coordinator(user=user)
