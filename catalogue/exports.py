from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _

from catalogue.models import Project

# Spreadsheets run a cell starting with these as a formula; a leading quote keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def projects_write_csv(projects: Iterable[Project], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Title"),
            _("Funders"),
            _("First month"),
            _("Last month"),
            _("Status"),
            _("Organisations"),
            _("Topics"),
            _("Region"),
            _("Link"),
            _("Description"),
        ]
    )
    for project in projects:
        writer.writerow(
            _cell(value)
            for value in (
                project.title,
                "; ".join(funder.name for funder in project.funders.all()),
                f"{project.start_month:%Y-%m}",
                f"{project.end_month:%Y-%m}",
                str(project.get_status_display()),
                "; ".join(link.organisation.name for link in project.organisation_links.all()),
                "; ".join(project.topic_labels),
                project.region,
                project.link,
                project.description,
            )
        )
