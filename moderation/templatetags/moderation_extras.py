"""The "Report this post" form on a post page, without the posts app importing moderation."""

from __future__ import annotations

from django import template

from moderation.forms import ReportForm

register = template.Library()


@register.inclusion_tag("moderation/_report_form.html", takes_context=True)
def report_form(context, post, kind_name: str) -> dict:
    return {
        "form": ReportForm(),
        "post": post,
        "kind": kind_name,
        "user": context["user"],
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }
