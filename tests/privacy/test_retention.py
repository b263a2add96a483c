"""Retention with frozen time: each rule changes exactly what is due and nothing else."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule
from rest_framework.authtoken.models import Token

from accounts.models import User
from moderation.models import Report, ReportReason, ReportStatus
from needs.models import Need
from notifications.models import Delivery, Notification
from offers.models import Offer
from offers.services import offer_set_status
from places.models import GeocodeCache
from privacy.schedules import RETENTION_SCHEDULE, schedules_ensure
from privacy.selectors import months_before
from privacy.services import retention_apply
from tests import factories

NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
# A front door in Praha-Vinohrady; its public cell is (14.44, 50.08).
EXACT = Point(14.43729, 50.07539, srid=4326)
DAY = dt.timedelta(days=1)


def counts(results) -> dict[str, int]:
    return {result.rule: result.count for result in results}


def make_post(factory, *, at: dt.datetime, status: str, **fields):
    """A post created at ``at`` and left in ``status`` then (its last change)."""
    with time_machine.travel(at, tick=False):
        return factory(
            status=status,
            location=EXACT,
            title="Room for a mother and two children, Vinohradská 12",
            description="Call Olena on +420 777 123 456, ring at the second floor.",
            details={"beds": 3, "pets": False} if factory is factories.OfferFactory else {},
            valid_from=at.date() - DAY,
            valid_until=at.date() + 30 * DAY,
            **fields,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [factories.OfferFactory, factories.NeedFactory])
@pytest.mark.parametrize("status", ["fulfilled", "withdrawn", "expired"])
def test_closed_post_is_anonymised_only_once_its_period_has_passed(settings, factory, status):
    settings.POMOC_RETENTION_CLOSED_POST_DAYS = 90
    category = "accommodation" if factory is factories.OfferFactory else "clothes"
    # Given: posts closed 91 and 89 days ago, and an active post untouched for 91 days.
    due = make_post(
        factory, at=NOW - 91 * DAY, status=status, category=factories.category(category)
    )
    young = make_post(factory, at=NOW - 89 * DAY, status=status)
    active = make_post(factory, at=NOW - 91 * DAY, status="active")

    with time_machine.travel(NOW, tick=False):
        retention_apply()

    due.refresh_from_db()
    # The exact point is gone: what is left is the public cell everyone could see anyway.
    assert (round(due.location.x, 5), round(due.location.y, 5)) == (14.44, 50.08)
    assert due.location.equals_exact(due.public_location, tolerance=1e-9)
    assert "Vinohradská" not in due.title and due.title
    assert due.description == "" and due.details == {}
    assert due.place_name == "Praha" and due.status == status
    assert due.anonymised_at == NOW
    for untouched in (young, active):
        untouched.refresh_from_db()
        assert untouched.location.equals_exact(EXACT, tolerance=1e-9)
        assert untouched.title.startswith("Room for a mother")
        assert "Olena" in untouched.description
        assert untouched.anonymised_at is None


@pytest.mark.django_db
def test_an_anonymised_post_cannot_be_reactivated(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    offer = make_post(factories.OfferFactory, at=NOW - 100 * DAY, status="fulfilled")
    with time_machine.travel(NOW, tick=False):
        retention_apply()
        offer.refresh_from_db()
        with pytest.raises(ValidationError) as error:
            offer_set_status(offer, actor=offer.owner, status="active")
    assert "status" in error.value.message_dict
    offer.refresh_from_db()
    assert offer.status == "fulfilled"


def make_notification(*, at: dt.datetime, kind: str = "match_connected", language: str = "en"):
    with time_machine.travel(at, tick=False):
        recipient = factories.UserFactory()
        return Notification.objects.create(
            recipient=recipient,
            kind=kind,
            dedupe_key=f"match:1:{kind}:{at.timestamp()}",
            language=language,
            subject="You are connected: “Room in Praha”",
            body_text="Name: Olena Kovalenko\nEmail: olena@example.org\nPhone: +420 777 123 456",
            body_html="<li>Email: olena@example.org</li><li>Phone: +420 777 123 456</li>",
        )


@pytest.mark.django_db
def test_contacts_are_purged_from_connected_messages_after_their_period(settings):
    settings.POMOC_RETENTION_CONTACT_NOTIFICATION_DAYS = 30
    old = make_notification(at=NOW - 31 * DAY, language="uk")
    young = make_notification(at=NOW - 29 * DAY)
    other_kind = make_notification(at=NOW - 31 * DAY, kind="match_approved")

    with time_machine.travel(NOW, tick=False):
        retention_apply()

    old.refresh_from_db()
    for text in (old.subject, old.body_text, old.body_html):
        assert "olena@example.org" not in text and "777" not in text and "Olena" not in text
    assert old.subject and old.body_text and old.purged_at == NOW
    for kept in (young, other_kind):
        kept.refresh_from_db()
        assert "olena@example.org" in kept.body_text and kept.purged_at is None


@pytest.mark.django_db
def test_old_delivery_errors_are_cleared_and_recent_ones_kept(settings):
    settings.POMOC_RETENTION_DELIVERY_ERROR_DAYS = 30
    error = "550 5.1.1 <olena@example.org>: Recipient address rejected"
    old = Delivery.objects.create(
        notification=make_notification(at=NOW - 31 * DAY, kind="match_approved"),
        channel="email",
        status="failed",
        last_error=error,
    )
    young = Delivery.objects.create(
        notification=make_notification(at=NOW - 29 * DAY, kind="match_approved"),
        channel="email",
        status="failed",
        last_error=error,
    )
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.last_error == "" and old.status == "failed"
    assert young.last_error == error


@pytest.mark.django_db
def test_old_geocoder_answers_are_deleted(settings):
    settings.POMOC_RETENTION_GEOCODER_CACHE_DAYS = 30
    for days, query in ((31, "vinohradska 12 praha"), (29, "plzen")):
        with time_machine.travel(NOW - days * DAY, tick=False):
            GeocodeCache.objects.create(
                provider="nominatim", query_key=query, query=query, found=False
            )
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    assert list(GeocodeCache.objects.values_list("query", flat=True)) == ["plzen"]


@pytest.mark.django_db
def test_comments_of_handled_reports_are_cleared_after_their_period(settings, coordinator):
    settings.POMOC_RETENTION_REPORT_COMMENT_DAYS = 180
    offer = factories.OfferFactory()

    def report(*, handled_days_ago: int | None, status: str) -> Report:
        return Report.objects.create(
            reporter=factories.UserFactory(),
            offer=offer,
            reason=ReportReason.OTHER,
            comment="The host asked my neighbour Iryna for money, her number is 777 111 222.",
            status=status,
            created_at=NOW - 400 * DAY,
            handled_by=coordinator if handled_days_ago is not None else None,
            handled_at=NOW - handled_days_ago * DAY if handled_days_ago is not None else None,
        )

    old = report(handled_days_ago=181, status=ReportStatus.RESOLVED)
    young = report(handled_days_ago=179, status=ReportStatus.DISMISSED)
    still_open = report(handled_days_ago=None, status=ReportStatus.OPEN)
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    old.refresh_from_db()
    assert old.comment == "" and old.status == ReportStatus.RESOLVED
    for kept in (young, still_open):
        kept.refresh_from_db()
        assert "Iryna" in kept.comment


def inactive_user(*, last_login: dt.datetime, **fields) -> User:
    with time_machine.travel(last_login - 10 * DAY, tick=False):
        user = factories.UserFactory(last_login=last_login, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Token.objects.create(user=user)
    return user


@pytest.mark.django_db
def test_unused_account_is_warned_once_then_anonymised_after_the_warning_period(settings):
    settings.POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS = 18
    settings.POMOC_RETENTION_INACTIVE_WARNING_DAYS = 30
    settings.POMOC_MATCHING_ON_SAVE = "off"
    # Given: someone last seen 18 months minus 10 days ago, with an active post, and someone
    # seen 17 months ago.
    dormant = inactive_user(last_login=months_before(NOW, 18) + 10 * DAY, preferred_language="en")
    email = dormant.email
    post = make_post(factories.NeedFactory, at=NOW - 400 * DAY, status="active", owner=dormant)
    recent = inactive_user(last_login=months_before(NOW, 17))

    with time_machine.travel(NOW, tick=False):
        first = retention_apply()
        second = retention_apply()
    # Then: only the dormant account is warned, once; nothing is anonymised yet.
    assert counts(first)["inactive accounts warned"] == 1
    assert counts(first)["inactive accounts anonymised"] == 0
    assert counts(second)["inactive accounts warned"] == 0
    warnings = Notification.objects.filter(kind="account_inactive_warning")
    assert [n.recipient_id for n in warnings] == [dormant.pk]
    # It goes out by email too, and says how to keep the account: log in.
    assert warnings.get().deliveries.filter(channel="email").exists()
    assert warnings.get().action_url.endswith("/accounts/login/")
    assert "log in" in warnings.get().body_text
    dormant.refresh_from_db()
    assert dormant.is_active and dormant.email == email

    # 29 days after the warning: still kept (the full warning period is given).
    with time_machine.travel(NOW + 29 * DAY, tick=False):
        assert counts(retention_apply())["inactive accounts anonymised"] == 0
    # 31 days after it: anonymised.
    with time_machine.travel(NOW + 31 * DAY, tick=False):
        assert counts(retention_apply())["inactive accounts anonymised"] == 1

    dormant.refresh_from_db()
    assert dormant.email == f"deleted-{dormant.pk}@invalid"
    assert (dormant.display_name, dormant.phone, dormant.is_active) == ("", "", False)
    assert not dormant.has_usable_password()
    assert not EmailAddress.objects.filter(user=dormant).exists()
    assert not Token.objects.filter(user=dormant).exists()
    post.refresh_from_db()
    assert post.status == "withdrawn" and post.anonymised_at is not None
    assert "Olena" not in post.description
    # The address is free: the person can sign up again.
    factories.UserFactory(email=email)
    recent.refresh_from_db()
    assert recent.is_active and recent.email.endswith("@example.org")


@pytest.mark.django_db
def test_logging_in_after_the_warning_keeps_the_account(settings):
    settings.POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS = 18
    settings.POMOC_RETENTION_INACTIVE_WARNING_DAYS = 30
    user = inactive_user(last_login=months_before(NOW, 18) + 5 * DAY)
    with time_machine.travel(NOW, tick=False):
        retention_apply()
    User.objects.filter(pk=user.pk).update(last_login=NOW + 3 * DAY)
    with time_machine.travel(NOW + 40 * DAY, tick=False):
        assert counts(retention_apply())["inactive accounts anonymised"] == 0
    user.refresh_from_db()
    assert user.is_active and not user.email.endswith("@invalid")


@pytest.mark.django_db
def test_an_account_is_never_anonymised_without_a_warning_first(settings):
    settings.POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS = 18
    settings.POMOC_RETENTION_INACTIVE_WARNING_DAYS = 30
    # Last seen three years ago (before retention existed): warned now, anonymised only later.
    user = inactive_user(last_login=NOW - 3 * 365 * DAY)
    admin = inactive_user(last_login=NOW - 3 * 365 * DAY, is_staff=True)
    with time_machine.travel(NOW, tick=False):
        first = counts(retention_apply())
    assert first["inactive accounts warned"] == 1
    assert first["inactive accounts anonymised"] == 0
    user.refresh_from_db()
    assert user.is_active
    with time_machine.travel(NOW + 31 * DAY, tick=False):
        retention_apply()
    user.refresh_from_db()
    admin.refresh_from_db()
    assert not user.is_active
    # Staff accounts are managed by hand: never warned, never anonymised by retention.
    assert admin.is_active
    assert not Notification.objects.filter(recipient=admin).exists()


def due_everywhere() -> None:
    """One row due under every rule but the account ones."""
    make_post(factories.OfferFactory, at=NOW - 100 * DAY, status="fulfilled")
    make_post(factories.NeedFactory, at=NOW - 100 * DAY, status="expired")
    notification = make_notification(at=NOW - 40 * DAY)
    Delivery.objects.create(notification=notification, channel="email", last_error="550 no")
    with time_machine.travel(NOW - 40 * DAY, tick=False):
        GeocodeCache.objects.create(provider="nominatim", query_key="a", query="a", found=False)


@pytest.mark.django_db
def test_dry_run_prints_the_counts_and_changes_nothing():
    due_everywhere()
    before = (
        list(Offer.objects.values_list("title", "location", "anonymised_at")),
        list(Need.objects.values_list("title", "location", "anonymised_at")),
        list(Notification.objects.values_list("body_text", "purged_at")),
        list(Delivery.objects.values_list("last_error", flat=True)),
        GeocodeCache.objects.count(),
    )
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "--dry-run", "-v", "2", stdout=out)
    after = (
        list(Offer.objects.values_list("title", "location", "anonymised_at")),
        list(Need.objects.values_list("title", "location", "anonymised_at")),
        list(Notification.objects.values_list("body_text", "purged_at")),
        list(Delivery.objects.values_list("last_error", flat=True)),
        GeocodeCache.objects.count(),
    )
    assert after == before
    printed = out.getvalue()
    offer_id = Offer.objects.get().pk
    assert f"closed offers anonymised: 1\n  ids: {offer_id}\n" in printed
    assert "closed needs anonymised: 1" in printed
    assert "contact messages purged: 1" in printed
    assert "delivery errors cleared: 1" in printed
    assert "geocoder cache entries deleted: 1" in printed
    assert "would change: 5 (dry run, nothing saved)" in printed


@pytest.mark.django_db
def test_running_twice_changes_nothing_more():
    due_everywhere()
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", stdout=out)
        offer = Offer.objects.get()
        first_anonymised_at = offer.anonymised_at
        second = retention_apply()
    assert "changed: 5" in out.getvalue()
    assert all(result.count == 0 for result in second)
    offer.refresh_from_db()
    assert offer.anonymised_at == first_anonymised_at


@pytest.mark.django_db
def test_retention_runs_daily_from_one_schedule():
    # Created by migration privacy/0001; ensuring it again neither duplicates nor breaks it.
    schedules_ensure()
    schedule = Schedule.objects.get(name=RETENTION_SCHEDULE)
    assert schedule.func == "privacy.tasks.retention_run"
    assert schedule.schedule_type == Schedule.DAILY
    assert Schedule.objects.filter(name=RETENTION_SCHEDULE).count() == 1
    assert timezone.localtime(schedule.next_run).hour == 3
