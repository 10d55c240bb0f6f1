"""Background work, through the django-tasks API.

The default backend runs a task at once, in the process that enqueues it (no
extra process to run); production sets TASK_BACKEND to the database backend
and runs ``manage.py db_worker`` processes (see the README).
"""

from __future__ import annotations

from django_tasks import task

from compare.models import Article, Story
from compare.nlp.embedding.encoders import Encoder


def run_now(
    article_id: int, story_id: int | None, new_story: bool, encoder: Encoder | None = None
) -> Article:
    """Process, place and align one stored article (what the task does)."""
    from compare.services.ingest import process_article
    from compare.services.placement import place_article

    article = Article.objects.get(pk=article_id)
    if article.status == Article.Status.DONE and article.story_id:
        return article  # a retried task that already completed
    story = Story.objects.filter(pk=story_id).first() if story_id else None
    return process_article(
        article,
        encoder=encoder,
        then=lambda a: place_article(a, story=story, new_story=new_story, encoder=encoder),
    )


@task()
def process_article_task(article_id: int, story_id: int | None = None, new_story: bool = False) -> str:
    return run_now(article_id, story_id, new_story).status
