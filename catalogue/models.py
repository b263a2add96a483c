from __future__ import annotations

from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.funders import FunderKind
from catalogue.topics import Topic

# A text search configuration created by migration 0001: the "simple" parser and dictionary
# behind "unaccent", so "uprchlik" finds "uprchlík". PostgreSQL has no Czech stemmer; prefix
# queries (see selectors) cover Czech and English word endings instead.
SEARCH_CONFIG = "pomoc_unaccent"


class ProjectStatus(models.TextChoices):
    RUNNING = "running", _("Running now")
    UPCOMING = "upcoming", _("Upcoming")
    FINISHED = "finished", _("Finished")


def month_start(day: date) -> date:
    return day.replace(day=1)


def project_status_on(*, start_month: date, end_month: date, day: date) -> str:
    """A project runs from the first day of its first month to the last day of its last."""
    if start_month > day:
        return ProjectStatus.UPCOMING
    if end_month < month_start(day):
        return ProjectStatus.FINISHED
    return ProjectStatus.RUNNING


class Funder(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    full_name = models.CharField(_("full name"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=FunderKind.choices, default=FunderKind.OTHER
    )

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="funder_name_ci_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="funder_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationRole(models.TextChoices):
    RUNS = "runs", _("Runs the project")
    PARTNER = "partner", _("Partner")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Project(models.Model):
    """An integration project from the consortium's catalogue.

    ``identity_key`` is the import's notion of "the same project" (title, funder set and
    period after normalisation, see ``catalogue.importer.identity_key``); it is unique, so a
    re-import can never create a duplicate.
    """

    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    start_month = models.DateField(_("first month"), help_text=_("The first day of the month."))
    end_month = models.DateField(_("last month"), help_text=_("The first day of the month."))
    funders = models.ManyToManyField(
        Funder, related_name="projects", blank=True, verbose_name=_("funders")
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        through="ProjectOrganisation",
        related_name="projects",
        blank=True,
        verbose_name=_("organisations"),
    )
    topics = ArrayField(
        models.CharField(max_length=20, choices=Topic.choices),
        default=list,
        blank=True,
        verbose_name=_("topics"),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    link = models.URLField(_("link"), blank=True)
    source = models.CharField(_("imported from"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    identity_key = models.CharField(_("identity key"), max_length=64, unique=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Imported and admin-made projects are approved; one an organisation submits on the web
    # waits for a coordinator (catalogue.services.project_submit / project_review). Only
    # approved projects are public.
    review_status = models.CharField(
        _("review"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.APPROVED,
        db_default=ReviewStatus.APPROVED,
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_month", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="project_title_not_blank"),
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")),
                name="project_ends_after_start",
                violation_error_message=_("The last month cannot be before the first month."),
            ),
            models.CheckConstraint(
                condition=Q(start_month__day=1) & Q(end_month__day=1),
                name="project_months_first_day",
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=["pending", "approved", "rejected"]),
                name="project_review_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["start_month", "end_month"], name="project_period"),
            GinIndex(fields=["topics"], name="project_topics_gin"),
            # The same expression the selector searches with, so PostgreSQL can use it.
            GinIndex(
                SearchVector("title", "description", config=SEARCH_CONFIG),
                name="project_search_gin",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def status(self) -> str:
        return project_status_on(
            start_month=self.start_month, end_month=self.end_month, day=timezone.localdate()
        )

    def get_status_display(self) -> str:
        return ProjectStatus(self.status).label

    @property
    def topic_labels(self) -> list[str]:
        return [str(Topic(topic).label) for topic in self.topics if topic in Topic.values]


class ProjectOrganisation(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="organisation_links"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="project_links"
    )
    role = models.CharField(
        _("role"), max_length=10, choices=OrganisationRole.choices, default=OrganisationRole.RUNS
    )

    class Meta:
        verbose_name = _("organisation in a project")
        verbose_name_plural = _("organisations in projects")
        ordering = ["role", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="project_organisation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.project} ({self.get_role_display()})"
