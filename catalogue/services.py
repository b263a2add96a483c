"""Writes to the catalogue: the import (an idempotent upsert) and identity upkeep."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from catalogue.funders import funder_full_name, funder_kind
from catalogue.importer import ProjectRow, SkippedLine, identity_key, parse_projects
from catalogue.models import Funder, OrganisationRole, Project, ProjectOrganisation

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
