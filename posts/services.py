"""Writes shared by offers and needs. ``offers.services`` and ``needs.services`` call these."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from geopy.distance import geodesic

from accounts.models import Organisation, User
from accounts.scopes import coordinator_scope
from accounts.selectors import user_organisations
from places.geocoding import place_resolve
from posts.models import STATUS_TRANSITIONS, Category, Post, PostStatus
from posts.ratelimit import post_rate_reserve

P = TypeVar("P", bound=Post)

# Fields a person may set on a post; the rest (owner, status, timestamps) belong to services.
EDITABLE_FIELDS = frozenset(
    {
        "category",
        "organisation",
        "title",
        "description",
        "place_name",
        "radius_km",
        "remote",
        "languages",
        "valid_from",
        "valid_until",
        "details",
    }
)


def post_can_edit(*, user: User, post: Post) -> bool:
    """The owner, staff of the post's organisation and the coordinators whose scope covers the
    post may change it (and see its exact point)."""
    if not user.is_authenticated:
        return False
    if post.owner_id == user.pk or coordinator_scope(user=user).covers(post):
        return True
    return bool(
        post.organisation_id
        and user_organisations(user=user).filter(pk=post.organisation_id).exists()
    )


def _check_organisation(*, user: User, organisation: Organisation | None) -> None:
    if organisation is None or coordinator_scope(user=user).covers_organisation(organisation.pk):
        return
    if not user_organisations(user=user).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": _("You can post only for an organisation you are a member of.")}
        )


# How far a point clicked on the map may lie from the named place: refining within a town or
# to a nearby village is fine, a point in another region means the name or the click is wrong.
MAX_REFINE_KM = 25


def _apply_place(post: Post, place_name: str, point: Point | None = None) -> None:
    """Resolve the typed name; a point picked on the map refines it if it lies near."""
    try:
        resolved = place_resolve(place_name)
    except ValidationError as error:
        raise ValidationError({"place_name": error.messages}) from error
    post.place_name = resolved.name
    post.region = resolved.region
    post.location = resolved.point
    if point is not None:
        distance_km = geodesic((resolved.latitude, resolved.longitude), (point.y, point.x)).km
        if distance_km > MAX_REFINE_KM:
            raise ValidationError(
                {
                    "place_name": _(
                        "The point on the map is %(km)d km from %(place)s; "
                        "pick a point nearer or type another place."
                    )
                    % {"km": round(distance_km), "place": resolved.name}
                }
            )
        post.location = Point(point.x, point.y, srid=4326)


def _normalise_languages(languages: list[str]) -> list[str]:
    return sorted({code.strip().lower() for code in languages if code and code.strip()})


def post_save_validated(post: Post) -> None:
    """full_clean turns every broken rule into a ValidationError naming the field, before the
    database's own constraints would raise an IntegrityError."""
    post.full_clean()
    post.save()


@transaction.atomic
def post_create(
    model: type[P],
    *,
    owner: User,
    category: Category,
    title: str,
    place_name: str,
    languages: list[str],
    status: str = PostStatus.ACTIVE,
    organisation: Organisation | None = None,
    point: Point | None = None,
    rate_limited: bool = True,
    actor: User | None = None,
    **fields: object,
) -> P:
    """Create a post for ``owner``. Every way in (web form, API) counts towards the owner's
    posting limit here, so the limit cannot be dodged by switching; ``rate_limited=False`` is
    for loaders such as ``seed_demo`` only. Raises ``RateLimitExceeded`` past the limit.
    ``actor``: who enters the post when not the owner (an operator for a person they
    registered); the organisation must then be one the actor may post for."""
    _check_organisation(user=actor or owner, organisation=organisation)
    if status not in (PostStatus.DRAFT, PostStatus.ACTIVE):
        raise ValidationError({"status": _("A new post is either a draft or active.")})
    post = model(
        owner=owner,
        organisation=organisation,
        category=category,
        title=(title or "").strip(),
        languages=_normalise_languages(languages),
        status=status,
        **fields,
    )
    _apply_place(post, place_name, point)
    # The first period (posts/freshness.py): the category's lifetime from the first valid day.
    post.fresh_until = post_period_end(category, start=max(timezone.localdate(), post.valid_from))
    post.full_clean()
    if rate_limited:
        # Counted last, just before the insert, so the counter row (locked until commit) is
        # held briefly and an invalid post never uses up the allowance.
        post_rate_reserve(user=owner)
    post.save()
    return post


@transaction.atomic
def post_update(post: P, *, actor: User, **changes: object) -> P:
    if not post_can_edit(user=actor, post=post):
        raise PermissionDenied(_("You cannot edit this post."))
    point = changes.pop("point", None)
    unknown = set(changes) - EDITABLE_FIELDS - post.extra_editable_fields()
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if "organisation" in changes:
        _check_organisation(user=actor, organisation=changes["organisation"])
    place_name = changes.pop("place_name", None)
    if "languages" in changes:
        changes["languages"] = _normalise_languages(changes["languages"])
    if "title" in changes:
        changes["title"] = (changes["title"] or "").strip()
    for name, value in changes.items():
        setattr(post, name, value)
    if point is not None:
        _apply_place(post, place_name if place_name is not None else post.place_name, point)
    elif place_name is not None and place_name != post.place_name:
        _apply_place(post, place_name)
    post_save_validated(post)
    return post


@transaction.atomic
def post_set_status(post: P, *, actor: User | None, status: str) -> P:
    """Move a post through its lifecycle (pause, reactivate, fulfil, withdraw, expire).

    ``actor=None`` is the system itself (expiry).
    """
    if actor is not None and not post_can_edit(user=actor, post=post):
        raise PermissionDenied(_("You cannot change this post."))
    if status not in PostStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == post.status:
        return post
    if status not in STATUS_TRANSITIONS[post.status]:
        raise ValidationError(
            {
                "status": _("A post cannot go from %(old)s to %(new)s.")
                % {"old": PostStatus(post.status).label, "new": PostStatus(status).label}
            }
        )
    if post.anonymised_at is not None and status != PostStatus.WITHDRAWN:
        # Its exact point and its words are gone: there is nothing left to offer or ask for.
        raise ValidationError(
            {"status": _("This post was anonymised after it closed. Please post a new one.")}
        )
    if status == PostStatus.ACTIVE and post.valid_until and post.valid_until < timezone.localdate():
        raise ValidationError(
            {"valid_until": _("Set a new “valid until” date before reactivating this post.")}
        )
    post.status = status
    fields = ["status", "updated_at"]
    today = timezone.localdate()
    if status == PostStatus.ACTIVE and (post.fresh_until is None or post.fresh_until < today):
        # Reactivated after its period ended: a new period, or the next run expires it again.
        post.fresh_until = post_period_end(post.category, start=max(today, post.valid_from))
        fields.append("fresh_until")
    post.save(update_fields=fields)
    return post


def post_period_end(category: Category, *, start: dt.date) -> dt.date:
    """The last day of a post's period that starts on ``start`` (posts/freshness.py)."""
    return start + dt.timedelta(days=category.post_lifetime_days)


def posts_expire(model: type[Post], *, today: dt.date | None = None) -> int:
    """Expire active and paused posts whose last valid day, or the last day of their period
    (posts/freshness.py), has passed; returns how many."""
    today = today or timezone.localdate()
    return (
        model.objects.filter(status__in=[PostStatus.ACTIVE, PostStatus.PAUSED])
        .filter(Q(valid_until__lt=today) | Q(fresh_until__lt=today))
        .update(status=PostStatus.EXPIRED, updated_at=timezone.now())
    )


# What an anonymised post is called instead of its title, in its owner's language.
ANONYMISED_TITLE = gettext_lazy("Closed post (anonymised)")


def posts_anonymise(queryset: QuerySet[P], *, now: dt.datetime | None = None) -> int:
    """Erase what could locate or identify a person in these posts; returns how many changed.

    1. The exact point becomes the public grid point (``public_location``, about 1 km), so the
       place a person stayed at is gone; PostgreSQL regenerates the derived columns from it.
    2. The title becomes a neutral placeholder in the owner's language (a title is required);
       description and category details are cleared.
    3. The place name (a municipality or city district, never a street), the category, the
       dates and the status stay, so statistics and the match history still read.

    Posts anonymised before are skipped, so running it twice changes nothing more. One
    ``UPDATE`` per language, without ``save()``: ``updated_at`` keeps the closing time.
    """
    now = now or timezone.now()
    pending = queryset.filter(anonymised_at__isnull=True)
    codes = [code for code, _name in settings.LANGUAGES]
    changed = 0
    for code in codes:
        rows = pending.filter(owner__preferred_language=code)
        if code == settings.LANGUAGE_CODE:
            # Owners with a language the site no longer offers get the default one.
            rows = pending.exclude(
                owner__preferred_language__in=[c for c in codes if c != settings.LANGUAGE_CODE]
            )
        with translation.override(code):
            title = str(ANONYMISED_TITLE)
        changed += rows.update(
            location=F("public_location"),
            title=title,
            description="",
            details={},
            anonymised_at=now,
        )
    return changed
