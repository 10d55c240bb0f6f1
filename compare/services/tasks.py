"""Background work, through the django-tasks API: the task entry points, and nothing else.

The default backend runs a task at once, in the process that enqueues it (no
extra process to run); production sets TASK_BACKEND to the database backend
and runs ``manage.py db_worker`` processes (see the README).
"""

from __future__ import annotations

from django_tasks import task

from compare.models import Article, Story
from compare.services.corrections import reprocess_article
from compare.services.ingest import ArticleInput, IngestResult, process_stored, store_article


def run_now(article_id: int, story_id: int | None, new_story: bool) -> Article:
    """Process, place and align one stored article (what the task does)."""
    article = Article.objects.get(pk=article_id)
    if article.status == Article.Status.DONE and article.story_id:
        return article  # a retried task that already completed
    if article.story_id and article.sentences.exists():
        # Placed and aligned before, then its re-processing failed: process it again
        # where it is, keeping its links and its share of the story's profile.
        return reprocess_article(article)
    story = Story.objects.filter(pk=story_id).first() if story_id else None
    return process_stored(article, story, new_story)


@task()
def process_article_task(article_id: int, story_id: int | None = None, new_story: bool = False) -> str:
    return run_now(article_id, story_id, new_story).status


def submit_article(
    data: ArticleInput, *, story: Story | None = None, new_story: bool = False
) -> IngestResult:
    """Store an article as received and hand its processing to the task backend (uploads, seeds).

    With the immediate backend it is processed before this returns; with the
    database backend a worker does it, and the article page follows.

    Raises:
        IngestError: the input is refused (the message is for the editor).
    """
    result = store_article(data, story=story, placed_by_editor=story is not None or new_story)
    if result.created:
        process_article_task.enqueue(result.article.pk, story.pk if story else None, new_story)
        result.article.refresh_from_db()
    return result
