"""manage.py poll_feeds: once, through the task, and its --every loop's argument."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from feedserver import FeedSite, rss

from compare.models import Article
from compare.services.feed_tasks import poll_feeds_task
from compare.services.feeds import add_feed

pytestmark = pytest.mark.django_db

TEXT = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.",
    "Ferries to Gozo were cancelled until Wednesday morning.",
]


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.ALLOW_PRIVATE_URLS = True
    settings.FEED_HOST_INTERVAL = 0


def test_poll_feeds_polls_the_due_feeds_once_and_says_what_it_did():
    with FeedSite() as site:
        site.article("/a", "Storm", TEXT)
        site.serve("/feed.rss", rss([("Storm", site.url("/a"))]))
        site.serve("/broken.rss", "nope", status=503)
        add_feed("Times", site.url("/feed.rss"), None)
        add_feed("Herald", site.url("/broken.rss"), None)
        out = StringIO()
        call_command("poll_feeds", stdout=out)
        assert out.getvalue() == "2 feeds polled, 1 new articles, 1 failed, 0 revisions\n"
        out = StringIO()
        call_command("poll_feeds", stdout=out)  # nothing is due any more
        assert out.getvalue() == "0 feeds polled, 0 new articles, 0 failed, 0 revisions\n"
    assert Article.objects.get().outlet.name == "Times"


def test_poll_feeds_can_hand_the_poll_to_the_task_backend():
    with FeedSite() as site:
        site.article("/a", "Storm", TEXT)
        site.serve("/feed.rss", rss([("Storm", site.url("/a"))]))
        add_feed("Times", site.url("/feed.rss"), None)
        out = StringIO()
        call_command("poll_feeds", "--enqueue", stdout=out)  # the immediate backend runs it at once
    assert out.getvalue() == "feed poll queued\n"
    assert Article.objects.count() == 1


def test_the_task_returns_its_counts():
    assert poll_feeds_task.call() == {"feeds": 0, "new_articles": 0, "failed": 0, "revisions": 0}


@pytest.mark.parametrize("every", ["0", "-5"])
def test_every_needs_minutes_above_zero(every):
    with pytest.raises(CommandError, match="above 0"):
        call_command("poll_feeds", "--every", every)
