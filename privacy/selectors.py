"""What retention keeps and what is due: the periods (read by the rules and the privacy page
alike) and, per rule, the rows whose period has passed."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import User
from moderation.models import Report, ReportStatus
from notifications.models import Delivery, Notification
from places.models import GeocodeCache
from posts.models import Post, PostStatus

CLOSED_STATUSES = (PostStatus.FULFILLED, PostStatus.WITHDRAWN, PostStatus.EXPIRED)
# Only this kind carries contacts (the other side's name, email and phone).
CONTACT_NOTIFICATION_KIND = "match_connected"
INACTIVE_WARNING_KIND = "account_inactive_warning"


@dataclass(frozen=True)
class RetentionPeriods:
    closed_post_days: int
    contact_notification_days: int
    delivery_error_days: int
    geocoder_cache_days: int
    report_comment_days: int
    inactive_account_months: int
    inactive_warning_days: int


def retention_periods() -> RetentionPeriods:
    """Read at each call, not at import, so a changed setting changes the rules and the page."""
    return RetentionPeriods(
        closed_post_days=settings.POMOC_RETENTION_CLOSED_POST_DAYS,
        contact_notification_days=settings.POMOC_RETENTION_CONTACT_NOTIFICATION_DAYS,
        delivery_error_days=settings.POMOC_RETENTION_DELIVERY_ERROR_DAYS,
        geocoder_cache_days=settings.POMOC_RETENTION_GEOCODER_CACHE_DAYS,
        report_comment_days=settings.POMOC_RETENTION_REPORT_COMMENT_DAYS,
        inactive_account_months=settings.POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS,
        inactive_warning_days=settings.POMOC_RETENTION_INACTIVE_WARNING_DAYS,
    )


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's
    last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month0 = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month0 + 1)[1])
    return moment.replace(year=year, month=month0 + 1, day=day)


def posts_due_for_anonymisation(model: type[Post], *, now: dt.datetime) -> QuerySet[Post]:
    """Closed posts whose last change (closing it, for a post nobody edits afterwards) is older
    than the period. Active, paused and draft posts are never due."""
    cutoff = now - dt.timedelta(days=retention_periods().closed_post_days)
    return model.objects.filter(
        status__in=CLOSED_STATUSES, anonymised_at__isnull=True, updated_at__lt=cutoff
    )


def notifications_due_for_purge(*, now: dt.datetime) -> QuerySet[Notification]:
    cutoff = now - dt.timedelta(days=retention_periods().contact_notification_days)
    return Notification.objects.filter(
        kind=CONTACT_NOTIFICATION_KIND, purged_at__isnull=True, created_at__lt=cutoff
    )


def delivery_errors_due(*, now: dt.datetime) -> QuerySet[Delivery]:
    """Error texts of deliveries of messages older than the period (retries end within a week)."""
    cutoff = now - dt.timedelta(days=retention_periods().delivery_error_days)
    return Delivery.objects.exclude(last_error="").filter(notification__created_at__lt=cutoff)


def geocoder_cache_due(*, now: dt.datetime) -> QuerySet[GeocodeCache]:
    cutoff = now - dt.timedelta(days=retention_periods().geocoder_cache_days)
    return GeocodeCache.objects.filter(created_at__lt=cutoff)


def report_comments_due(*, now: dt.datetime) -> QuerySet[Report]:
    """Comments of handled reports; an open report keeps its comment until a coordinator acts."""
    cutoff = now - dt.timedelta(days=retention_periods().report_comment_days)
    return (
        Report.objects.exclude(comment="")
        .exclude(status=ReportStatus.OPEN)
        .annotate(closed_at=Coalesce("handled_at", "created_at"))
        .filter(closed_at__lt=cutoff)
    )


def _accounts_in_scope() -> QuerySet[User]:
    """Active accounts with when they were last used. Staff and superusers are managed by hand;
    blocked and anonymised accounts are inactive and so left alone (a block is kept while it
    stands)."""
    return User.objects.filter(is_active=True, is_staff=False, is_superuser=False).annotate(
        last_seen=Coalesce("last_login", "date_joined")
    )


def _warned_since_last_seen(*, before: dt.datetime | None = None) -> Exists:
    warnings = Notification.objects.filter(
        recipient=OuterRef("pk"),
        kind=INACTIVE_WARNING_KIND,
        created_at__gte=OuterRef("last_seen"),
    )
    if before is not None:
        warnings = warnings.filter(created_at__lte=before)
    return Exists(warnings)


def accounts_due_for_warning(*, now: dt.datetime) -> QuerySet[User]:
    """Accounts that reach the inactivity limit within the warning period and have not been
    warned since they were last used (logging in again starts the count afresh)."""
    periods = retention_periods()
    cutoff = months_before(now, periods.inactive_account_months) + dt.timedelta(
        days=periods.inactive_warning_days
    )
    return _accounts_in_scope().filter(last_seen__lt=cutoff).exclude(_warned_since_last_seen())


def accounts_due_for_anonymisation(*, now: dt.datetime) -> QuerySet[User]:
    """Accounts unused for the whole period and warned at least the warning period ago (a late
    warning still gives the full period to log in)."""
    periods = retention_periods()
    cutoff = months_before(now, periods.inactive_account_months)
    warned_before = now - dt.timedelta(days=periods.inactive_warning_days)
    return (
        _accounts_in_scope()
        .filter(last_seen__lt=cutoff)
        .filter(_warned_since_last_seen(before=warned_before))
    )
