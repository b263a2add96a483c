from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    IN_NEED = "in_need", _("Person in need")
    ORGANISATION_STAFF = "organisation_staff", _("Organisation staff")
    COORDINATOR = "coordinator", _("Coordinator")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("roles", [Role.COORDINATOR])
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using Pomoc; the email address is the login."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Stored in E.164 (+420777123456), validated with libphonenumber; numbers typed without a
    # country code are read in PHONENUMBER_DEFAULT_REGION.
    phone = PhoneNumberField(_("phone"), blank=True)
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices),
        default=list,
        blank=True,
        verbose_name=_("roles"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="cs"
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def is_coordinator(self) -> bool:
        return self.is_superuser or Role.COORDINATOR in self.roles


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        MUNICIPALITY = "municipality", _("Municipality")
        CHURCH = "church", _("Church")
        COMPANY = "company", _("Company")
        INFORMAL = "informal", _("Informal group")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NGO)
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("Verified organisations see posts in sensitive categories."),
    )
    email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    # The directory (catalogue/organisations/) shows a verified organisation's contacts only
    # where its admins ticked them: the email or phone may be a person's own.
    region = models.CharField(_("region"), max_length=100, blank=True, db_index=True)
    public_email = models.BooleanField(_("show the email in the directory"), default=False)
    public_phone = models.BooleanField(_("show the phone in the directory"), default=False)
    public_website = models.BooleanField(_("show the website in the directory"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="organisations",
        verbose_name=_("members"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in an organisation; a coordinator approves requests to join."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField(_("organisation admin"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class CoordinatorScope(models.Model):
    """What a coordinator looks after: an organisation's needs, a region, a category, or (with
    ``platform``) everything. A row may combine region and category: both must then match."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_scopes",
        verbose_name=_("coordinator"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_scopes",
        verbose_name=_("organisation"),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    category = models.ForeignKey(
        "posts.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="coordinator_scopes",
        verbose_name=_("category"),
    )
    platform = models.BooleanField(_("platform coordinator"), default=False)

    class Meta:
        verbose_name = _("coordinator scope")
        verbose_name_plural = _("coordinator scopes")

    def __str__(self) -> str:
        if self.platform:
            return f"{self.user}: platform"
        parts = [str(p) for p in (self.organisation, self.region, self.category) if p]
        return f"{self.user}: {' / '.join(parts)}"
