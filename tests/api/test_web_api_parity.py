"""The README promises that everything the web pages do is also at /api/v1/. This test walks
the URL resolver, finds every web view that acts (accepts a POST), and checks that each one is
listed below with API operations that exist in the OpenAPI schema. A new acting web page with
no entry fails here until its API counterpart is built (or its exemption is argued below)."""

from __future__ import annotations

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Acting web view (URL name) → the API operations (operationId) that do the same.
WEB_TO_API: dict[str, set[str]] = {
    "offer_create": {"api_v1_offers_create"},
    "offer_renew": {"api_v1_offers_renew_create"},
    "catalogue:organisation_profile": {"api_v1_organisations_profile_partial_update"},
    "catalogue:project_review": {"api_v1_projects_review_create"},
    "catalogue:project_submit": {"api_v1_projects_create"},
    "newsletter:subscribe": {"newsletter_subscribe"},
    "newsletter:issue_new": {"api_v1_newsletter_drafts_create"},
    "newsletter:issue_edit": {"api_v1_newsletter_drafts_partial_update"},
    "newsletter:issue_send": {"api_v1_newsletter_drafts_send_create"},
    "need_renew": {"api_v1_needs_renew_create"},
    "offer_respond": {"api_v1_offers_respond_create"},
    "need_respond": {"api_v1_needs_respond_create"},
    "offer_edit": {"api_v1_offers_update", "api_v1_offers_partial_update"},
    "offer_status": {"api_v1_offers_status_create"},
    "need_create": {"api_v1_needs_create"},
    "need_edit": {"api_v1_needs_update", "api_v1_needs_partial_update"},
    "need_status": {"api_v1_needs_status_create"},
    "match_respond": {"api_v1_matches_answer_create"},
    "match_close": {"api_v1_matches_close_create"},
    "match_approve": {"api_v1_matches_approve_create"},
    "match_reject": {"api_v1_matches_reject_create"},
    "match_bulk_approve": {"api_v1_matches_bulk_approve_create"},
    "match_create_manual": {"api_v1_matches_manual_create"},
    "report_post": {"api_v1_reports_create"},
    "moderation_action": {"api_v1_moderation_create", "api_v1_reports_handle_create"},
    "moderation_posts_bulk": {"api_v1_moderation_posts_bulk_create"},
    "concern_raise": {"api_v1_matches_concerns_create"},
    "concern_answer": {"api_v1_concerns_answer_create"},
    "notifications:mark_read": {"api_v1_notifications_read_create"},
    "notifications:mark_all_read": {"api_v1_notifications_read_all_create"},
    "notifications:preferences": {
        "api_v1_notifications_settings_retrieve",
        "api_v1_notifications_settings_update",
    },
    "notifications:unsubscribe_links_revoke": {
        "api_v1_notifications_settings_unsubscribe_links_revoke_create"
    },
    "my_organisations": {"api_v1_memberships_list", "api_v1_memberships_create"},
    "membership_decide": {"api_v1_memberships_decide_create"},
}

# Acting web views with no API counterpart, each with the reason. Keep this list short: each
# entry is a place where the README's promise does not hold, and is named there.
NOT_IN_API: dict[str, str] = {
    "language_switch": "the API speaks the language of each request's Accept-Language",
    "notifications:unsubscribe": "a link in an email, authenticated by its own key, no login",
    "post_freshness": "a signed one-click link in a message (keep or close), no login",
    "newsletter:confirm": "a signed link in the confirmation email (double opt-in), no login",
    "newsletter:unsubscribe": "one-click unsubscribe (RFC 8058) from the email itself, no login",
    "match_follow_up": "a signed one-click link in a message (how did it go), no login",
    "sms_inbound": "the SMS gateway's webhook: a machine endpoint with its own shared secret",
    # Known gaps, to be built (README, "REST API"): the rights pages and host verification.
    "my_profile": "gap: profile (name, phone, language) has no API yet",
    "my_data": "gap: the personal data download has no API yet",
    "account_erase_self": "gap: deleting one's own account has no API yet",
    "account_erase_on_request": "gap: a coordinator's deletion on request has no API yet",
    "offer_host_verification": "gap: host verification has no API yet",
    "offer_host_verification_withdraw": "gap: host verification has no API yet",
    "intake_register": "gap: operator intake (issue 12) has no API yet",
    "intake_need_create": "gap: operator intake (issue 12) has no API yet",
    "intake_claim_code": "gap: operator intake (issue 12) has no API yet",
    "account_claim": "gap: claiming a registered account has no API yet",
}

# Third-party pages: sign-up, log-in and password flows (allauth; the API has tokens) and the
# admin, which is not a page of Pomoc's own.
THIRD_PARTY_MODULES = (
    "allauth.",
    "django.contrib.admin",
    "django.views.i18n",
    "django.views.static",
)


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield (
                f"{namespace}{pattern.name}" if pattern.name else None,
                prefix + str(pattern.pattern),
                pattern.callback,
            )


READS_POST = re.compile(r"""["']POST["']|\.POST\b|require_POST""")


def _acts(callback) -> bool:
    """Whether a web view changes something: a class-based view with a POST handler, or a
    function view that reads a POST (``require_POST``, ``request.method == "POST"``)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return any(hasattr(view_class, method) for method in ("post", "put", "patch", "delete"))
    source = inspect.getsource(inspect.unwrap(callback))
    wrappers = []
    current = callback
    while hasattr(current, "__wrapped__"):
        wrappers.append(current)
        current = current.__wrapped__
    # require_POST / require_http_methods leave their allowed methods in a closure.
    closures = [
        str(cell.cell_contents)
        for wrapper in wrappers
        for cell in (wrapper.__closure__ or ())
        if isinstance(cell.cell_contents, (list, tuple))
    ]
    return bool(READS_POST.search(source)) or any("POST" in text for text in closures)


def acting_web_views() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, route, callback in _walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "") or ""
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        if route.startswith(("api/", "admin/")) or module.startswith(THIRD_PARTY_MODULES):
            continue
        if _acts(callback):
            assert name, f"An acting web view at {route} has no URL name to list here"
            found[name] = route
    return found


def test_the_walk_finds_the_acting_views_it_should():
    # Given the resolver, the walk sees known acting views and leaves out read-only pages.
    acting = acting_web_views()
    assert {
        "match_approve",
        "report_post",
        "offer_create",
        "my_organisations",
        "moderation_posts_bulk",
        "notifications:mark_all_read",
    } <= set(acting)
    assert "home" not in acting and "offer_list" not in acting and "match_queue" not in acting


def test_every_acting_web_view_has_its_api_counterpart_in_the_schema(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = {
        operation["operationId"]
        for path in schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    acting = acting_web_views()
    unlisted = sorted(set(acting) - set(WEB_TO_API) - set(NOT_IN_API))
    assert not unlisted, (
        f"Web views that act but have no API counterpart listed: {unlisted}. Build the API "
        "operation and add it to WEB_TO_API (or argue an exemption in NOT_IN_API)."
    )
    missing = {
        name: sorted(wanted - operations)
        for name, wanted in WEB_TO_API.items()
        if wanted - operations
    }
    assert not missing, f"API operations named here are not in the schema: {missing}"
    # Entries for views that no longer exist are stale and would hide a gap.
    stale = sorted((set(WEB_TO_API) | set(NOT_IN_API)) - set(acting))
    assert not stale, f"Listed web views that do not exist or no longer act: {stale}"
