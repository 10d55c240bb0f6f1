"""manage.py export_story --list | ID --format json|html|pdf|csv [--left A --right B] [--output FILE]"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.models import Story
from compare.services.exports import FORMATS, ExportUnavailable, export_story


class Command(BaseCommand):
    help = "List stories, or export one story's comparison (json: schema story-comparison/1)."

    def add_arguments(self, parser):
        parser.add_argument("story_id", nargs="?", type=int)
        parser.add_argument(
            "--list", dest="list_stories", action="store_true", help="print ID<TAB>title per story"
        )
        parser.add_argument("--format", default="json", choices=FORMATS)
        parser.add_argument("--left", type=int, help="article id of the left column (html, pdf)")
        parser.add_argument("--right", type=int, help="article id of the right column (html, pdf)")
        parser.add_argument("--output", type=Path, help="write to this file instead of standard output")

    def handle(self, *args, story_id, list_stories, format, left, right, output, **options):
        if list_stories:
            for pk, title in Story.objects.order_by("id").values_list("id", "title"):
                self.stdout.write(f"{pk}\t{title}")
            return
        if story_id is None:
            raise CommandError("Give a story id, or --list.")
        story = Story.objects.filter(pk=story_id).first()
        if story is None:
            raise CommandError(f"There is no story {story_id}.")
        try:
            result = export_story(story, format, left, right)
        except ExportUnavailable as exc:
            raise CommandError(str(exc)) from None
        if output is not None:
            output.write_bytes(result.content)
            self.stderr.write(f"wrote {output} ({len(result.content):,} bytes)")
        elif format == "pdf":
            sys.stdout.buffer.write(result.content)
        else:
            self.stdout.write(result.content.decode("utf-8").lstrip("\ufeff"), ending="")
