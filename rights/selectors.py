"""Reads of the rights app: everything Pomoc holds about one person, their downloads, and who
viewed their contact."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scopes import coordinator_scope, user_can_coordinate
from matching.models import Match, MatchStatus
from moderation.models import Report
from needs.models import Need
from notifications.models import Notification
from offers.models import Offer
from rights.models import Consent, ContactAccess, DataExport

# Statuses in which each side of a match sees the other's contact (matching.views.match_detail).
CONTACT_STATUSES = (MatchStatus.CONNECTED, MatchStatus.COMPLETED, MatchStatus.FAILED)
POST_MODELS = {"offer": Offer, "need": Need}


def person_label(user: User | None) -> str:
    """How a person is named to someone else: never by their email address."""
    if user is None:
        return _("someone whose account no longer exists")
    return user.display_name or user.first_name or _("a member of Pomoc")


def contact_values(user: User) -> dict[str, str]:
    """The contact the other side of a connected match sees (the fragment
    ``accounts/_contact_card.html`` shows the same fields)."""
    values = {
        "name": user.display_name or user.first_name,
        "email": user.contact_email,
        "phone": str(user.phone) if user.phone else "",
    }
    return {name: value for name, value in values.items() if value}


def user_matches(*, user: User) -> QuerySet[Match]:
    """Matches in which one of the person's own posts is a side, whatever the status."""
    return (
        Match.objects.filter(Q(offer__owner=user) | Q(need__owner=user))
        .select_related("offer__owner", "need__owner", "offer__category", "need__category")
        .prefetch_related("follow_ups")
        .order_by("proposed_at", "pk")
    )


def user_posts(*, user: User) -> dict[str, QuerySet]:
    return {
        kind: model.objects.filter(owner=user).select_related("category", "organisation")
        for kind, model in POST_MODELS.items()
    }


def user_notifications(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("created_at", "pk")


def user_reports(*, user: User) -> QuerySet[Report]:
    return Report.objects.filter(reporter=user).order_by("created_at", "pk")


def user_consents(*, user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("given_at", "pk")


def contact_accesses_of(*, user: User) -> QuerySet[ContactAccess]:
    """Who viewed the person's contact, the latest first."""
    return ContactAccess.objects.filter(subject=user).select_related("viewer")


def user_data_rows(*, user: User) -> int:
    """How many rows a download of the person's data holds (to decide whether the worker
    builds it)."""
    return (
        sum(queryset.count() for queryset in user_posts(user=user).values())
        + user_matches(user=user).count()
        + user_notifications(user=user).count()
        + user_reports(user=user).count()
        + user_consents(user=user).count()
        + contact_accesses_of(user=user).count()
    )


def user_data_exports(*, user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).order_by("-created_at", "-pk")


def erasable_people_for(*, actor: User) -> QuerySet[User]:
    """Whose account a coordinator may erase on the person's request: the same rule as
    blocking (moderation.services): the platform's coordinators anyone's, a scoped coordinator
    the accounts of people whose posts they look after; never another coordinator's."""
    scope = coordinator_scope(user=actor)
    if scope.is_empty:
        return User.objects.none()
    # Blocked (inactive) people may ask too; an account already erased is gone.
    people = (
        User.objects.filter(erasure__isnull=True).exclude(pk=actor.pk).exclude(is_superuser=True)
    )
    posts = scope.post_q()
    if posts is not None:
        owners = Q(pk__in=[])
        for model in POST_MODELS.values():
            owners |= Q(pk__in=model.objects.filter(posts).values("owner_id"))
        people = people.filter(owners)
    return people


def user_may_be_erased_by(*, actor: User, user: User) -> bool:
    if actor.pk == user.pk:
        return True
    if user_can_coordinate(user=user):
        return False
    return erasable_people_for(actor=actor).filter(pk=user.pk).exists()
