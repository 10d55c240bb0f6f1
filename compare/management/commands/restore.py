"""manage.py restore PATH --yes : replace the whole database with a backup made by ``backup``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.services.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the whole database with the backup at PATH (made by manage.py backup)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: everything stored now is replaced")

    def handle(self, *args, path: Path, yes: bool, **options):
        if not yes:
            raise CommandError(
                "Restoring replaces everything stored now with the backup; add --yes to go on."
            )
        try:
            self.stdout.write(restore(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            "Restart the web and worker processes: their story index may describe the old data."
        )
