"""manage.py import_articles PATH... : bulk import of .txt, .md, .html and .jsonl files."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from compare.encoding import get_encoder
from compare.importing import read_article_files
from compare.ingest import IngestError, ingest, warm_embeddings
from compare.models import Article, Story

# Articles whose sentences are encoded together, ahead of processing them one by one.
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
        imported = duplicates = failed = 0
        rejected: list[str] = []
        items = list(read_article_files(paths, default_outlet=outlet))
        encoder = get_encoder()
        for number, item in enumerate(
            tqdm(items, desc="Importing", unit="article", disable=no_progress or not items)
        ):
            if number % WARM_CHUNK == 0:
                warm_embeddings(
                    [i.article for i in items[number : number + WARM_CHUNK] if i.article], encoder
                )
            if item.article is None:
                rejected.append(f"{item.source}: {item.error}")
                continue
            try:
                # Processed here, not queued: the summary reports what became of each file.
                result = ingest(item.article, story=target, encoder=encoder)
            except IngestError as exc:
                rejected.append(f"{item.source}: {exc}")
                continue
            if not result.created:
                duplicates += 1
                self.stdout.write(f"skipped {item.source}: duplicate of article {result.article.pk}")
            elif result.article.status == Article.Status.FAILED:
                failed += 1
                rejected.append(
                    f"{item.source}: stored as article {result.article.pk}, but {result.article.error}"
                )
            else:
                imported += 1
        for line in rejected:
            self.stderr.write(f"rejected {line}")
        self.stdout.write(
            f"{imported} imported, {duplicates} skipped as duplicates, {len(rejected)} rejected"
            + (f" ({failed} of them stored but failed to process)" if failed else "")
        )
