from __future__ import annotations

from django.core.management.base import BaseCommand

from privacy.services import retention_apply


class Command(BaseCommand):
    help = (
        "Apply the retention periods now (POMOC_RETENTION_* settings): anonymise closed posts "
        "and unused accounts, purge contacts from old messages, clear old errors and comments."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be done, per rule (-v2: with the ids), and change nothing.",
        )

    def handle(self, *args, dry_run: bool, **options):
        results = retention_apply(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        for result in results:
            self.stdout.write(f"{result.rule}: {result.count}")
            if options["verbosity"] >= 2 and result.ids:
                self.stdout.write("  ids: " + ", ".join(str(pk) for pk in result.ids))
        total = sum(result.count for result in results)
        summary = f"{verb}: {total}" + (" (dry run, nothing saved)" if dry_run else "")
        self.stdout.write(self.style.SUCCESS(summary))
