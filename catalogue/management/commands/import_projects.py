from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation
from catalogue.services import ImportFileError, projects_import_file


class Command(BaseCommand):
    help = (
        "Import integration projects from a pipe-separated file "
        "(title | funder | period | description |). Safe to re-run."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="path of the file to import")
        parser.add_argument("--source", default="", help="where the file came from")
        parser.add_argument(
            "--organisation",
            default="",
            help="name of an existing organisation that runs the imported projects",
        )

    def handle(self, *args, file: str, source: str, organisation: str, **options) -> None:
        runner = None
        if organisation:
            runner = Organisation.objects.filter(name=organisation).first()
            if runner is None:
                raise CommandError(f"No organisation called {organisation!r}.")
        try:
            report = projects_import_file(path=file, source=source, organisation=runner)
        except ImportFileError as error:
            raise CommandError(f"Cannot read {error}") from error
        for skipped in report.skipped:
            self.stdout.write(
                f"  line {skipped.line}: skipped, {skipped.reason}: {skipped.text[:60]}"
            )
        self.stdout.write(
            f"read {report.read} rows: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.duplicates} repeated rows, "
            f"{len(report.skipped)} lines skipped; {report.projects} distinct projects"
        )
