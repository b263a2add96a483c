"""What offers and needs share: the category taxonomy and the abstract post.

``offers.Offer`` and ``needs.Need`` are twins; everything common to both is written once here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db.models import F, Func, Q, TextField
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from posts.details import details_errors
from posts.languages import unknown_languages

MAX_RADIUS_KM = 500
MAX_DESCRIPTION_LENGTH = 5000
# Two decimal places of a degree: about 1.1 km north-south, 0.7 km east-west in Czechia. What
# someone who may not edit a post sees of its place, and all that public searches compute from.
PUBLIC_GRID_DEGREES = 0.01


class PublicPoint(Func):
    """A post's point snapped to the public grid, as geography.

    Used as the expression of the generated column ``public_location``: PostgreSQL accepts only
    IMMUTABLE expressions there, which ``ST_SnapToGrid`` and the casts are; GeoDjango's own
    geo functions would wrap the column in transformations it does not allow."""

    template = f"ST_SnapToGrid(%(expressions)s::geometry, {PUBLIC_GRID_DEGREES})::geography"
    output_field = models.PointField(geography=True, srid=4326)


class Category(models.Model):
    """Two levels: a general category (housing) and its subcategories (long-term housing)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent category"),
    )
    name_cs = models.CharField(_("name (Czech)"), max_length=100)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_ru = models.CharField(_("name (Russian)"), max_length=100)
    name_pl = models.CharField(_("name (Polish)"), max_length=100)
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Posts in sensitive categories are shown only to verified organisations "
            "and coordinators."
        ),
    )
    needs_verification = models.BooleanField(
        _("hosts need verification"),
        default=False,
        help_text=_(
            "Offers in this category (or under it) are not proposed to anyone until a "
            "coordinator or an organisation has verified the host."
        ),
    )
    # How long a post in this category lives before its owner must say it still holds
    # (posts/freshness.py). Empty: the parent's, else settings.POMOC_POST_LIFETIME_DAYS. Rooms
    # are taken fastest, so accommodation ships with 14 days (posts.taxonomy.LIFETIME_DAYS).
    lifetime_days = models.PositiveSmallIntegerField(
        _("lifetime (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "How many days a post stays up before its owner is asked whether it still holds. "
            "Empty: the parent category's, else the site's default."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("id")), name="category_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "cs")[:2]
        return getattr(self, f"name_{language}", None) or self.name_en

    def clean(self) -> None:
        if self.parent_id and (self.parent.parent_id or (self.pk and self.children.exists())):
            raise ValidationError({"parent": _("Categories have two levels only.")})

    @property
    def post_lifetime_days(self) -> int:
        """Days a post in this category lives: its own setting, its parent's, else the site's."""
        if self.lifetime_days:
            return self.lifetime_days
        if self.parent_id and self.parent.lifetime_days:
            return self.parent.lifetime_days
        return settings.POMOC_POST_LIFETIME_DAYS

    @property
    def is_sensitive(self) -> bool:
        """A subcategory of a sensitive category is sensitive too."""
        return self.sensitive or bool(self.parent_id and self.parent.sensitive)


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FULFILLED = "fulfilled", _("Fulfilled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# Which status a post may move to from which; anything else is refused by the services.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    PostStatus.DRAFT: frozenset({PostStatus.ACTIVE, PostStatus.WITHDRAWN}),
    PostStatus.ACTIVE: frozenset(
        {PostStatus.PAUSED, PostStatus.FULFILLED, PostStatus.WITHDRAWN, PostStatus.EXPIRED}
    ),
    PostStatus.PAUSED: frozenset(
        {PostStatus.ACTIVE, PostStatus.FULFILLED, PostStatus.WITHDRAWN, PostStatus.EXPIRED}
    ),
    PostStatus.FULFILLED: frozenset({PostStatus.ACTIVE, PostStatus.WITHDRAWN}),
    PostStatus.EXPIRED: frozenset({PostStatus.ACTIVE, PostStatus.WITHDRAWN}),
    PostStatus.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = (PostStatus.ACTIVE,)


def validate_language_codes(value: list[str]) -> None:
    unknown = unknown_languages(value)
    if unknown:
        raise ValidationError(
            _("Unknown language code: %(codes)s. Use ISO 639-1 codes such as cs, uk or en."),
            code="unknown_language",
            params={"codes": ", ".join(unknown)},
        )


def today():
    return timezone.localdate()


class Unaccented(Func):
    """Text without accents: ``pomoc_unaccent`` (posts migration 0008), immutable, so that an
    index can hold it."""

    function = "pomoc_unaccent"
    output_field = TextField()


def searchable(expression) -> Upper:
    """A post's text as word searches compare it: accents dropped, upper case (people type
    "zidle" for "Židle" on a phone keyboard). The trigram indexes hold exactly this."""
    return Upper(Unaccented(expression))


class Post(models.Model):
    """An offer of help or a need for help: who, what, where, in which languages, until when."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="%(class)ss",
        verbose_name=_("owner"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="%(class)ss",
        verbose_name=_("organisation"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="%(class)ss", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, validators=[MaxLengthValidator(MAX_DESCRIPTION_LENGTH)]
    )
    place_name = models.CharField(_("place"), max_length=200)
    # The region (kraj) of the place, from the gazetteer; coordinators work by region.
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    # Geography, so distances are metres on the sphere and ST_DWithin uses the GiST index.
    location = models.PointField(_("location"), geography=True, srid=4326)
    # The point everyone who may not edit the post gets: shown, searched, sorted and measured
    # from. Kept by PostgreSQL itself from ``location`` (no write path can forget it) and
    # indexed (GiST, Meta.indexes), so public searches stay index-backed. Posts in one grid
    # cell share it exactly and so answer every public search alike.
    public_location = models.GeneratedField(
        expression=PublicPoint("location"),
        output_field=models.PointField(geography=True, srid=4326, spatial_index=False),
        db_persist=True,
        verbose_name=_("public location"),
    )
    radius_km = models.PositiveSmallIntegerField(
        _("radius (km)"),
        default=10,
        validators=[MaxValueValidator(MAX_RADIUS_KM)],
    )
    remote = models.BooleanField(
        _("remote"), default=False, help_text=_("Help that needs no meeting (online, by phone).")
    )
    languages = ArrayField(
        models.CharField(max_length=3),
        verbose_name=_("languages"),
        validators=[validate_language_codes],
        help_text=_("Languages spoken, as ISO 639-1 codes (cs, uk, en...)."),
    )
    valid_from = models.DateField(_("valid from"), default=today)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=PostStatus.choices, default=PostStatus.ACTIVE
    )
    # The last day of the post's current period (its category's lifetime from when it was
    # posted, kept or renewed); after it, or after ``valid_until`` if earlier, the post expires.
    # Empty for a post that has not been given a period yet (posts/freshness.py gives one).
    fresh_until = models.DateField(_("fresh until"), null=True, blank=True)
    # The end the owner was asked "Is this still valid?" about: one question per period.
    fresh_reminded_for = models.DateField(_("reminded about the end on"), null=True, blank=True)
    # Category-specific answers (pets, cargo, language pair...); rules in posts/details.py.
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Moderation (moderation/services.py): a hidden post is out of every public list, page, API
    # answer and the matcher's candidates, whatever its status; its owner still sees it.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    # Set when retention (privacy/services.py) or the owner's account anonymisation erased the
    # post's exact point and free text; such a post is never reactivated.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    # Posts by unverified people wait in the moderation queue until a coordinator reviews them.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def shared_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=Q(radius_km__gte=0) & Q(radius_km__lte=MAX_RADIUS_KM),
                name=f"{prefix}_radius_0_500_km",
                violation_error_message=_("The radius must be between 0 and 500 km."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name=f"{prefix}_valid_until_after_from",
                violation_error_message=_("“Valid until” cannot be before “valid from”."),
            ),
            models.CheckConstraint(
                condition=Q(languages__len__gt=0),
                name=f"{prefix}_has_language",
                violation_error_message=_("Name at least one language."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name=f"{prefix}_title_not_blank",
                violation_error_message=_("A title is required."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PostStatus.values),
                name=f"{prefix}_status_valid",
            ),
        ]

    @classmethod
    def shared_indexes(cls, prefix: str) -> list[models.Index]:
        return [
            models.Index(fields=["status", "category"], name=f"{prefix}_status_category"),
            models.Index(fields=["valid_until"], name=f"{prefix}_valid_until"),
            GinIndex(fields=["languages"], name=f"{prefix}_languages_gin"),
            GistIndex(fields=["public_location"], name=f"{prefix}_public_location_gist"),
            # Lists newest first (the web list's default, with or without a place) walk this
            # backwards and stop at the page instead of sorting every post in the radius.
            models.Index(fields=["created_at", "id"], name=f"{prefix}_created"),
            # Word searches (``posts.selectors.post_text_filter``): a trigram index finds the
            # posts holding a word of three letters or more, where a scan read every post.
            GinIndex(
                OpClass(searchable("title"), name="gin_trgm_ops"),
                OpClass(searchable("description"), name="gin_trgm_ops"),
                name=f"{prefix}_text_trgm",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("“Valid until” cannot be before “valid from”.")
        if not self.languages:
            errors["languages"] = _("Name at least one language.")
        if self.category_id:
            root = self.category.parent or self.category
            side = self._meta.model_name
            for name, message in details_errors(root.slug, self.details, side).items():
                errors.setdefault("details", []).append(f"{name}: {message}")
        if errors:
            raise ValidationError(errors)

    @classmethod
    def extra_editable_fields(cls) -> frozenset[str]:
        """Fields of the concrete post (capacity, urgency...) a person may change."""
        return frozenset()

    @property
    def root_category(self) -> Category:
        return self.category.parent or self.category

    @property
    def ends_on(self):
        """The day after which the post expires: the end of its period, or ``valid_until``
        if that comes first; None when neither is set."""
        ends = [day for day in (self.fresh_until, self.valid_until) if day is not None]
        return min(ends) if ends else None

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class RateCounter(models.Model):
    """How many times one user did one limited action (``scope``) in one fixed window.

    Kept in PostgreSQL, not the cache: every web and worker process shares it, and one
    ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` counts and reads atomically
    (``posts.ratelimit``).
    """

    scope = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "user", "window_start"], name="posts_ratecounter_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.user_id} {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
