"""The feed polls as background tasks (django-tasks): the same work as ``manage.py poll_feeds``.

Kept apart from compare/services/tasks.py because polling stores items through
``tasks.submit_article``: the feeds import the tasks, never the other way round.
"""

from __future__ import annotations

from django_tasks import task

from compare.services.feeds import poll_due_feeds, poll_feed
from compare.services.revisions import check_due_items


@task()
def poll_feeds_task() -> dict[str, int]:
    """Poll every due feed, then re-check the items whose revision check is due."""
    polls = poll_due_feeds()
    revisions = check_due_items()
    return {
        "feeds": len(polls),
        "new_articles": sum(p.new_articles for p in polls),
        "failed": sum(bool(p.error) for p in polls),
        "revisions": len(revisions),
    }


@task()
def poll_feed_task(feed_id: int) -> str:
    """Poll one feed now ("poll now" on the feeds screen); returns its error, "" when it went well."""
    return poll_feed(feed_id).error
