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

    @property
    def contact_email(self) -> str:
        """The address to show or write to; empty for an account without a real one."""
        return "" if email_is_placeholder(self.email) else self.email

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


# Accounts registered by an operator for a person without email get an address under this
# reserved domain (RFC 2606: ``.invalid`` never resolves): the email column stays unique and
# non-null for allauth, nobody can log in with it (no allauth address row, unusable password),
# and every channel and contact card treats it as "no email".
MANAGED_EMAIL_DOMAIN = "managed.invalid"


def email_is_placeholder(email: str) -> bool:
    return not email or email.lower().endswith(".invalid")


class ConsentMethod(models.TextChoices):
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")


class ManagedAccount(models.Model):
    """A person an operator (a coordinator or staff of a verified organisation) registered
    because they have no email: who registered them, for which organisation, and the person's
    recorded consent. The organisation's staff act for the person until they claim the account."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="managed_account", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="managed_accounts",
        verbose_name=_("registered by organisation"),
    )
    registered_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    languages = ArrayField(
        models.CharField(max_length=8), default=list, blank=True, verbose_name=_("languages")
    )
    consent_taken_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("consent taken by"),
    )
    consent_method = models.CharField(
        _("consent given"), max_length=16, choices=ConsentMethod.choices
    )
    consent_at = models.DateTimeField(_("consent given at"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Once the person claims the account with a code, it is theirs and operators step back.
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)

    class Meta:
        verbose_name = _("person registered by an operator")
        verbose_name_plural = _("people registered by operators")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(consent_method__in=["phone", "in_person"]),
                name="managed_account_consent_method_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class ClaimCode(models.Model):
    """A one-time code an operator hands to the person so they can take over their account.
    Only a hash is stored; a code works once and until ``expires_at``."""

    account = models.ForeignKey(
        ManagedAccount, on_delete=models.CASCADE, related_name="claim_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("claim code")
        verbose_name_plural = _("claim codes")

    def __str__(self) -> str:
        return f"claim code for {self.account_id}"


class ClaimAttempt(models.Model):
    """A failed attempt to enter a claim code, counted per client address to stop guessing."""

    client = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.client} at {self.created_at}"


class ProxyAction(models.Model):
    """The audit log of operators: "X did this on behalf of Y"."""

    class Action(models.TextChoices):
        REGISTERED = "registered", _("registered the person")
        NEED_POSTED = "need_posted", _("posted a need")
        MATCH_ACCEPTED = "match_accepted", _("accepted a match")
        MATCH_DECLINED = "match_declined", _("declined a match")
        CLAIM_CODE_ISSUED = "claim_code_issued", _("issued a claim code")

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("operator")
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="proxy_actions", verbose_name=_("person")
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    need = models.ForeignKey(
        "needs.Need", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proxy_actions",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("action on behalf of a person")
        verbose_name_plural = _("actions on behalf of people")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.actor} {self.action} on behalf of {self.person}"
