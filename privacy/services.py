"""Retention: delete or anonymise what has been kept long enough (issue 11, item 4).

``retention_apply`` runs every rule; the daily schedule and ``manage.py retention`` both call it.
Each rule selects what is due (``privacy.selectors``) and changes only that, re-checking the
rule in the same statement, so a post reactivated in the meantime is not touched. Whatever a
rule changed is no longer due, so a second run changes nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import User
from needs.models import Need
from notifications.services import notify
from offers.models import Offer
from posts.services import posts_anonymise
from privacy import selectors
from privacy.selectors import INACTIVE_WARNING_KIND


@dataclass
class RuleResult:
    """What one rule did (or, in a dry run, would do): a name for the log and the row ids."""

    rule: str
    ids: list[int] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.ids)


def retention_apply(*, dry_run: bool = False, now: dt.datetime | None = None) -> list[RuleResult]:
    """Apply every retention rule once, in this order: warn inactive accounts, anonymise those
    warned long enough ago, anonymise closed posts, purge contacts from old messages, clear
    delivery errors, delete old geocoder answers, clear comments of handled reports.

    ``dry_run`` selects the same rows and changes nothing."""
    now = now or timezone.now()
    rules: list[tuple[str, QuerySet, Callable[[QuerySet], object]]] = [
        (
            "inactive accounts warned",
            selectors.accounts_due_for_warning(now=now),
            lambda due: _accounts_warn(due, now=now),
        ),
        (
            "inactive accounts anonymised",
            selectors.accounts_due_for_anonymisation(now=now),
            _accounts_anonymise,
        ),
        (
            "closed offers anonymised",
            selectors.posts_due_for_anonymisation(Offer, now=now),
            lambda due: posts_anonymise(due, now=now),
        ),
        (
            "closed needs anonymised",
            selectors.posts_due_for_anonymisation(Need, now=now),
            lambda due: posts_anonymise(due, now=now),
        ),
        (
            "contact messages purged",
            selectors.notifications_due_for_purge(now=now),
            lambda due: _notifications_purge(due, now=now),
        ),
        (
            "delivery errors cleared",
            selectors.delivery_errors_due(now=now),
            lambda due: due.update(last_error=""),
        ),
        (
            "geocoder cache entries deleted",
            selectors.geocoder_cache_due(now=now),
            lambda due: due.delete(),
        ),
        (
            "report comments cleared",
            selectors.report_comments_due(now=now),
            lambda due: due.update(comment=""),
        ),
    ]
    results = []
    for name, due, apply in rules:
        ids = sorted(due.values_list("pk", flat=True))
        if ids and not dry_run:
            with transaction.atomic():
                # The rule's own queryset again, narrowed to what was listed: still due now.
                apply(due.filter(pk__in=ids))
        results.append(RuleResult(rule=name, ids=ids))
    return results


def _accounts_warn(due: QuerySet[User], *, now: dt.datetime) -> None:
    """One message per account and period of inactivity (the dedupe key holds when it was last
    used), in the person's language, by their channels."""
    not_before = now + dt.timedelta(days=selectors.retention_periods().inactive_warning_days)
    for user in due:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            login_path = reverse("account_login")
        notify(
            recipient=user,
            kind=INACTIVE_WARNING_KIND,
            dedupe_key=f"retention:inactive:{user.pk}:{int(user.last_seen.timestamp())}",
            context={"last_seen": user.last_seen, "not_before": not_before},
            action_path=login_path,
        )


def _accounts_anonymise(due: QuerySet[User]) -> None:
    # The same erasure as "Delete my account", by the system, with the rule as the reason.
    from rights.services import account_erase

    months = selectors.retention_periods().inactive_account_months
    for user in due:
        account_erase(user=user, actor=None, reason=f"Unused for {months} months (retention rule).")


def _notifications_purge(due: QuerySet, *, now: dt.datetime) -> None:
    """Replace subject and bodies by a note in the message's own language; the row stays, so
    the inbox and the delivery history still show that a message was sent and when."""
    days = selectors.retention_periods().contact_notification_days
    for language in set(due.values_list("language", flat=True)):
        with translation.override(language):
            subject = _("Contact details removed")
            text = _(
                "This message held the other side's contact details. As promised on the "
                "privacy page, they are removed after %(days)s days. While the match is "
                "connected, its page still shows them."
            ) % {"days": days}
        due.filter(language=language).update(
            subject=subject, body_text=text, body_html=f"<p>{escape(text)}</p>", purged_at=now
        )
