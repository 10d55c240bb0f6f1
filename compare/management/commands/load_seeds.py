"""manage.py load_seeds : the first story every new user sees. Safe to run again."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compare.models import Story
from compare.services.ingest import ArticleInput, find_duplicate
from compare.services.sources import parse_published
from compare.services.story_profiles import refresh_title
from compare.services.tasks import submit_article

SEEDS_DIR = settings.BASE_DIR / "seeds"


class Command(BaseCommand):
    help = "Load the seed articles from seeds/ into one story (idempotent)."

    def handle(self, *args, **options):
        meta_path = SEEDS_DIR / "meta.json"
        if not meta_path.exists():
            raise CommandError(f"{meta_path} is missing")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        inputs = [
            ArticleInput(
                text=(SEEDS_DIR / entry["file"]).read_text(encoding="utf-8"),
                outlet=entry["outlet"],
                title=entry.get("title", ""),
                url=entry.get("url", ""),
                published=parse_published(entry.get("published")),
                source_name=entry["file"],
            )
            for entry in meta["articles"]
        ]
        # An article already loaded tells us which story the seeds live in.
        existing = [find_duplicate(data.text) for data in inputs]
        story = next((a.story for a in existing if a is not None and a.story is not None), None)
        if story is None:
            # No editor named it: the app titles it from its articles' headlines, as any story.
            story = Story.objects.create(title=meta["story"])
        elif _titled_by_an_old_load(story, meta["story"]):
            story.title_set_by_editor = False
            story.save(update_fields=["title_set_by_editor"])
            refresh_title(story)
        loaded = 0
        for data, found in zip(inputs, existing):
            if found is None:
                submit_article(data, story=story)
                loaded += 1
        self.stdout.write(
            f"Seed story {story.pk} '{story.title}': {loaded} loaded, {len(inputs) - loaded} already there"
        )


def _titled_by_an_old_load(story: Story, seed_title: str) -> bool:
    """A seed story marked "title set by an editor" by an earlier load_seeds, though no editor renamed it."""
    return (
        story.title_set_by_editor
        and story.title == seed_title
        and not story.corrections.filter(action="renamed").exists()
    )
