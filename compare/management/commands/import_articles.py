"""manage.py import_articles PATH... : bulk import of .txt, .md, .html and .jsonl files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from compare.models import Article, Story
from compare.services.encoder import get_encoder
from compare.services.ingest import IngestError, IngestResult, ingest_batch
from compare.services.sources import FileItem, read_article_files

# Articles encoded together, then saved, placed and aligned in one transaction (``ingest_batch``).
WARM_CHUNK = 64


class Command(BaseCommand):
    help = "Import articles from .txt, .md, .html/.htm and .jsonl files (one article per JSON line)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders")
        parser.add_argument("--story", type=int, help="put every article in this story (by id)")
        parser.add_argument(
            "--outlet", default="Unknown outlet", help="outlet for files that do not name one"
        )
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args, paths: list[Path], story: int | None, outlet: str, no_progress: bool, **options):
        target = None
        if story is not None:
            target = Story.objects.filter(pk=story).first()
            if target is None:
                raise CommandError(f"There is no story {story}.")
        counts = {"imported": 0, "duplicate": 0, "failed": 0}
        rejected: list[str] = []
        items = list(read_article_files(paths, default_outlet=outlet))
        encoder = get_encoder()
        with tqdm(
            total=len(items), desc="Importing", unit="article", disable=no_progress or not items
        ) as bar:
            for start in range(0, len(items), WARM_CHUNK):
                chunk = items[start : start + WARM_CHUNK]
                # Processed here, not queued: the summary reports what became of each file.
                inputs = [item.article for item in chunk if item.article is not None]
                outcomes = iter(ingest_batch(inputs, story=target, encoder=encoder))
                for item in chunk:
                    outcome = next(outcomes) if item.article is not None else None
                    verdict, problem = self._judge(item, outcome)
                    counts[verdict] = counts.get(verdict, 0) + 1
                    if problem:
                        rejected.append(f"{item.source}: {problem}")
                bar.update(len(chunk))
        for line in rejected:
            self.stderr.write(f"rejected {line}")
        failed = counts["failed"]
        self.stdout.write(
            f"{counts['imported']} imported, {counts['duplicate']} skipped as duplicates, "
            f"{len(rejected)} rejected"
            + (f" ({failed} of them stored but failed to process)" if failed else "")
        )

    def _judge(self, item: FileItem, outcome: IngestResult | IngestError | None) -> tuple[str, str]:
        """What became of one file item: a verdict, and the reason when it was rejected."""
        if outcome is None:
            return "unreadable", item.error
        if isinstance(outcome, IngestError):
            return "refused", str(outcome)
        if not outcome.created:
            self.stdout.write(f"skipped {item.source}: duplicate of article {outcome.article.pk}")
            return "duplicate", ""
        if outcome.article.status == Article.Status.FAILED:
            return "failed", f"stored as article {outcome.article.pk}, but {outcome.article.error}"
        return "imported", ""
