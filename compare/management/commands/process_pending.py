"""manage.py process_pending : hand every article that is not done to the background workers again.

After a crash or a killed worker an article stays visibly pending, processing
or failed, with its raw text; this completes it. Safe to repeat: a finished
article is skipped by the task itself.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from compare.models import Article
from compare.services.tasks import process_article_task


class Command(BaseCommand):
    help = "Enqueue processing again for articles that are pending, processing (stale) or failed."

    def add_arguments(self, parser):
        parser.add_argument("--failed-only", action="store_true", help="only articles that failed")

    def handle(self, *args, failed_only: bool, **options):
        articles = Article.objects.exclude(status=Article.Status.DONE)
        if failed_only:
            articles = articles.filter(status=Article.Status.FAILED)
        count = 0
        for article in articles.order_by("id"):
            Article.objects.filter(pk=article.pk).update(status=Article.Status.PENDING, error="")
            process_article_task.enqueue(article.pk, article.story_id, False)
            count += 1
        self.stdout.write(f"{count} article{'s' if count != 1 else ''} queued again")
