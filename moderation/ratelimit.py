"""At most ``POMOC_REPORT_RATE_LIMIT`` reports per user per
``POMOC_REPORT_RATE_WINDOW_SECONDS``. Reports cost a coordinator's time, so a flood from one
account is refused before it reaches the queue."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.models import User
from posts.ratelimit import FixedWindowLimit

REPORTING = FixedWindowLimit(
    "report-rate", "POMOC_REPORT_RATE_LIMIT", "POMOC_REPORT_RATE_WINDOW_SECONDS"
)


def report_rate_exceeded(*, user: User) -> bool:
    return REPORTING.exceeded(user)


def report_rate_reserve(*, user: User) -> None:
    """Count one report or raise ``RateLimitExceeded``; inside the transaction that creates it
    (``moderation.services.report_create``), so parallel reports cannot overshoot."""
    REPORTING.reserve(
        user, _("You have sent many reports in a short time. Please try again later.")
    )
