"""Writes to the catalogue: the import (an idempotent upsert) and identity upkeep."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.scopes import coordinator_scope
from catalogue.funders import funder_full_name, funder_kind
from catalogue.importer import ProjectRow, SkippedLine, identity_key, parse_projects
from catalogue.models import (
    Funder,
    OrganisationRole,
    Project,
    ProjectOrganisation,
    ReviewStatus,
    month_start,
)
from catalogue.selectors import user_can_edit_organisation, user_submitting_organisations

# The consortium's list as it came off its website, shipped so demo data needs nothing else.
SEED_FILE = Path(__file__).resolve().parent / "data" / "consortium_projects.txt"
SEED_ORGANISATION = "Konsorcium nevládních organizací pracujících s migranty"


class ImportFileError(Exception):
    """The file cannot be read (missing, a directory, not UTF-8)."""


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    skipped: list[SkippedLine] = field(default_factory=list)

    @property
    def projects(self) -> int:
        return self.created + self.updated + self.unchanged


def funders_ensure(*, names: Iterable[str]) -> dict[str, Funder]:
    """The Funder of each name, created with its known kind when new (case-insensitive)."""
    funders: dict[str, Funder] = {}
    for name in dict.fromkeys(names):
        funder = Funder.objects.filter(name__iexact=name).first()
        if funder is None:
            funder = Funder.objects.create(
                name=name, kind=funder_kind(name), full_name=funder_full_name(name)
            )
        funders[name] = funder
    return funders


def _organisation_link(*, project: Project, organisation: Organisation | None) -> None:
    if organisation is not None:
        ProjectOrganisation.objects.get_or_create(
            project=project,
            organisation=organisation,
            defaults={"role": OrganisationRole.RUNS},
        )


@transaction.atomic
def projects_import(
    *, rows: Iterable[ProjectRow], source: str, organisation: Organisation | None = None
) -> ImportReport:
    """Upsert parsed rows by identity key; safe to run any number of times.

    Steps: count rows and collapse repeats (a later repeat wins, as the newer text); load the
    existing projects with those keys; create the missing ones with their funders and topics;
    update only fields that differ (title spelling, description), so an unchanged project
    keeps its ``imported_at``; link ``organisation`` as the one running each project.
    Topics and organisations are only ever added: coordinators' edits survive a re-import.
    """
    report = ImportReport()
    latest: dict[str, ProjectRow] = {}
    for row in rows:
        report.read += 1
        key = row.identity_key
        if key in latest:
            report.duplicates += 1
        latest[key] = row
    existing = {
        project.identity_key: project
        for project in Project.objects.filter(identity_key__in=list(latest))
    }
    funders = funders_ensure(names=[name for row in latest.values() for name in row.funders])
    now = timezone.now()
    for key, row in latest.items():
        project = existing.get(key)
        if project is None:
            project = Project.objects.create(
                identity_key=key,
                title=row.title,
                description=row.description,
                start_month=row.start_month,
                end_month=row.end_month,
                topics=list(row.topics),
                source=source,
                imported_at=now,
            )
            project.funders.set([funders[name] for name in row.funders])
            report.created += 1
        else:
            changes = {
                name: value
                for name, value in (("title", row.title), ("description", row.description))
                if getattr(project, name) != value
            }
            if changes:
                for name, value in changes.items():
                    setattr(project, name, value)
                project.source, project.imported_at = source, now
                project.save(update_fields=[*changes, "source", "imported_at", "updated_at"])
                report.updated += 1
            else:
                report.unchanged += 1
        _organisation_link(project=project, organisation=organisation)
    return report


def projects_import_file(
    *, path: Path | str, source: str = "", organisation: Organisation | None = None
) -> ImportReport:
    """Parse and import a file; ``ImportFileError`` when it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFileError(f"{path}: {error}") from error
    parsed = parse_projects(text)
    report = projects_import(
        rows=parsed.rows, source=source or path.name, organisation=organisation
    )
    report.skipped = parsed.skipped
    return report


def projects_import_seed() -> ImportReport:
    """The demo catalogue: the consortium's own list, run by the consortium (idempotent)."""
    consortium, _ = Organisation.objects.get_or_create(
        name=SEED_ORGANISATION,
        defaults={
            "kind": Organisation.Kind.NGO,
            "verified": True,
            "website": "https://migracnikonsorcium.cz/",
            "description": "Umbrella organisation of NGOs working with migrants in Czechia.",
        },
    )
    return projects_import_file(path=SEED_FILE, source=SEED_FILE.name, organisation=consortium)


def project_refresh_identity(*, project: Project) -> None:
    """Recompute the identity key after a coordinator edits title, funders or period."""
    key = identity_key(
        title=project.title,
        funders=[funder.name for funder in project.funders.all()],
        start_month=project.start_month,
        end_month=project.end_month,
    )
    if key != project.identity_key:
        project.identity_key = key
        project.save(update_fields=["identity_key", "updated_at"])


# Submissions on the web and their review (issue 16, part 6).


def _months_valid(start_month: date, end_month: date) -> None:
    if end_month < start_month:
        raise ValidationError(
            {"end_month": [_("The last month cannot be before the first month.")]}
        )


@transaction.atomic
def project_submit(
    *,
    user: User,
    organisation: Organisation,
    title: str,
    start_month: date,
    end_month: date,
    description: str = "",
    funders: Iterable[str] = (),
    topics: Iterable[str] = (),
    region: str = "",
    link: str = "",
) -> Project:
    """An organisation's approved staff member submits a project; it waits for a
    coordinator (``review_status`` pending) and is not public until approved.

    Steps: refuse anyone but the organisation's approved staff (``PermissionDenied``);
    validate the months and that the same project (title, funders and period, as the
    import compares them) is not in the catalogue yet; create it with its funders and the
    organisation as the one running it.
    """
    if not user_submitting_organisations(user=user).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("Only approved staff of the organisation may submit its projects.")
        )
    start_month, end_month = month_start(start_month), month_start(end_month)
    _months_valid(start_month, end_month)
    funder_names = [name.strip() for name in funders if name.strip()]
    key = identity_key(
        title=title, funders=funder_names, start_month=start_month, end_month=end_month
    )
    if Project.objects.filter(identity_key=key).exists():
        raise ValidationError(
            {
                "title": [
                    _("This project (same title, funders and period) is already in the catalogue.")
                ]
            }
        )
    project = Project(
        identity_key=key,
        title=title.strip(),
        description=description.strip(),
        start_month=start_month,
        end_month=end_month,
        topics=list(dict.fromkeys(topics)),
        region=region.strip(),
        link=link,
        source=_("submitted on the web"),
        review_status=ReviewStatus.PENDING,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    project.full_clean(exclude=["identity_key"])
    project.save()
    project.funders.set(funders_ensure(names=funder_names).values())
    _organisation_link(project=project, organisation=organisation)
    return project


def user_can_review(*, user: User, project: Project) -> bool:
    """Platform coordinators, and coordinators who look after an organisation running it."""
    scope = coordinator_scope(user=user)
    if scope.everything:
        return True
    return any(
        scope.covers_organisation(link.organisation_id) for link in project.organisation_links.all()
    )


@transaction.atomic
def project_review(*, user: User, project_id: int, approve: bool, reason: str = "") -> Project:
    """Approve (the project becomes public) or reject a submission waiting for review."""
    project = Project.objects.select_for_update().filter(pk=project_id).first()
    if project is None:
        raise ValidationError(_("No such project."))
    if not user_can_review(user=user, project=project):
        raise PermissionDenied(_("You do not look after this organisation's projects."))
    if project.review_status != ReviewStatus.PENDING:
        raise ValidationError(_("This project has already been reviewed."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": [_("Say why the project is rejected.")]})
    project.review_status = ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED
    project.reviewed_by, project.reviewed_at = user, timezone.now()
    project.review_reason = reason.strip()[:500]
    project.save(
        update_fields=["review_status", "reviewed_by", "reviewed_at", "review_reason", "updated_at"]
    )
    return project


PROFILE_FIELDS = (
    "description",
    "region",
    "email",
    "phone",
    "website",
    "public_email",
    "public_phone",
    "public_website",
)


@transaction.atomic
def organisation_profile_update(
    *, user: User, organisation: Organisation, **fields: object
) -> Organisation:
    """An organisation's admins (or its coordinators) change what the directory shows."""
    if not user_can_edit_organisation(user=user, organisation=organisation):
        raise PermissionDenied(_("Only the organisation's admins may change its profile."))
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in fields.items():
        setattr(organisation, name, value)
    errors: dict[str, list[str]] = {}
    for flag, contact in (
        ("public_email", "email"),
        ("public_phone", "phone"),
        ("public_website", "website"),
    ):
        if getattr(organisation, flag) and not getattr(organisation, contact):
            errors[contact] = [_("Fill this in to show it in the directory.")]
    if errors:
        raise ValidationError(errors)
    organisation.full_clean(exclude=["name", "kind"])
    organisation.save(update_fields=list(fields))
    return organisation
