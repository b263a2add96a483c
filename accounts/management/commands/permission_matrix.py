"""Print the permission matrix as the README's Markdown table, or write it into the README."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.permissions import render_markdown

BEGIN = "<!-- permission-matrix:begin (manage.py permission_matrix --write) -->"
END = "<!-- permission-matrix:end -->"


def readme_with_matrix(text: str) -> str:
    """``text`` with the table between the markers replaced by the current matrix."""
    try:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError as error:
        raise CommandError(f"README.md lacks the markers {BEGIN!r} … {END!r}.") from error
    return f"{head}{BEGIN}\n{render_markdown()}\n{END}{tail}"


class Command(BaseCommand):
    help = "Print the permission matrix as Markdown; --write puts it into README.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Update README.md in place.")

    def handle(self, *args, write: bool = False, **options):
        if not write:
            self.stdout.write(render_markdown())
            return
        readme = Path(settings.BASE_DIR) / "README.md"
        readme.write_text(readme_with_matrix(readme.read_text(encoding="utf-8")), encoding="utf-8")
        self.stdout.write(f"Updated {readme}.")
