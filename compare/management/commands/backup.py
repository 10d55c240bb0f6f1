"""manage.py backup PATH : the whole database to a file (SQLite: a copy; PostgreSQL: pg_dump)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.services.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to PATH (SQLite backup API, or pg_dump's custom format)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--force", action="store_true", help="overwrite PATH if it exists")

    def handle(self, *args, path: Path, force: bool, **options):
        if path.exists() and not force:
            raise CommandError(f"{path} exists; choose another name or add --force to overwrite it.")
        if path.exists():
            path.unlink()
        try:
            self.stdout.write(backup(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
