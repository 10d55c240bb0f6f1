"""manage.py recluster [--since DATE] [--dry-run] [--rebuild-profiles] : run story assignment again.

Runs it for unconfirmed articles. ``--rebuild-profiles`` first recomputes every
story's profile from its articles: needed once after the clustering
parameters change, since stored profiles are running sums built under the old ones.

Articles an editor placed (uploaded into a chosen story, moved, merged) are
never moved. Each move re-aligns only the two stories it touches.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.dateparse import parse_date

from compare.models import Article, Story
from compare.services import placement, stories, story_profiles


class Command(BaseCommand):
    help = "Re-run automatic story assignment for articles no editor has placed, and report what moved."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", help="only articles published (or added) on or after this date, YYYY-MM-DD"
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would move, move nothing")
        parser.add_argument(
            "--rebuild-profiles",
            action="store_true",
            help="first recompute every story's profile from its articles (after a parameter change)",
        )

    def handle(self, *args, since: str | None, dry_run: bool, rebuild_profiles: bool = False, **options):
        if rebuild_profiles:
            changed = story_profiles.rebuild_profiles(dry_run=dry_run)
            done = "would be rebuilt" if dry_run else "now rebuilt"
            self.stdout.write(f"{changed} stor{'ies' if changed != 1 else 'y'} had a stale profile, {done}")
        articles = Article.objects.filter(status=Article.Status.DONE, placed_by_editor=False).select_related(
            "story"
        )
        if since:
            day = parse_date(since)
            if day is None:
                raise CommandError(f"--since takes a date as YYYY-MM-DD, not {since!r}")
            articles = articles.filter(
                Q(published__date__gte=day) | Q(published=None, created_at__date__gte=day)
            )
        moved = 0
        for article in articles.order_by("published", "id"):
            decision = placement.suggest(article)
            current = article.story_id
            alone = (
                current is not None
                and not Article.objects.filter(story_id=current).exclude(pk=article.pk).exists()
            )
            if decision.story == current or (decision.story is None and alone):
                continue
            if alone and decision.story is not None and decision.story > current:
                continue  # two lone articles of one event: the later story joins the earlier, not both ways
            target = Story.objects.filter(pk=decision.story).first() if decision.story is not None else None
            label = f"story {target.pk} “{target.title}”" if target else "a new story"
            self.stdout.write(f"article {article.pk} “{article.title}”: story {current} -> {label}")
            moved += 1
            if not dry_run:
                if target is None:
                    target = Story.objects.create(title=(article.title or "Untitled story")[:500])
                stories.move_article(article, target, by_editor=False)
        verb = "would move" if dry_run else "moved"
        self.stdout.write(f"{moved} article{'s' if moved != 1 else ''} {verb}")
