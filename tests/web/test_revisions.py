"""A feed item's page that changes between two checks: a revision with the right diff, shown on the
story page; every revision kept and readable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from feedserver import FeedSite, rss

from compare.models import Article, ArticleRevision, FeedItem
from compare.services.feeds import add_feed, poll_due_feeds
from compare.services.revisions import SCHEDULE, check_due_items

pytestmark = pytest.mark.django_db

LANDFALL = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said."
FERRIES = "Ferries to Gozo were cancelled until Wednesday morning."
FISHERMEN = "Fishermen dragged their boats up the slipway at Marsaxlokk on Monday."
REWORDED = "Fishermen dragged their boats up the slipway at Marsaxlokk late on Monday."
SCHOOLS = "Schools in Sliema stayed open."
CARGO = "Two cargo ships waited outside the breakwater."
HERALD = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.",
    "All ferries to Gozo were cancelled until Wednesday morning.",
    SCHOOLS,
]


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.ALLOW_PRIVATE_URLS = True
    settings.FEED_HOST_INTERVAL = 0


@pytest.fixture
def site():
    with FeedSite() as site:
        site.article("/times/storm", "Storm shuts Valletta harbour", [LANDFALL, FERRIES, FISHERMEN])
        site.article("/herald/port", "Valletta port closed as gale hits", HERALD)
        site.serve("/times.rss", rss([("Storm shuts Valletta harbour", site.url("/times/storm"))]))
        site.serve("/herald.rss", rss([("Valletta port closed", site.url("/herald/port"))]))
        add_feed("Times", site.url("/times.rss"), None)
        add_feed("Herald", site.url("/herald.rss"), None)
        poll_due_feeds()
        yield site


def rewrite(site: FeedSite) -> None:
    """The Times drops the ferries, rewords the fishermen, and adds the schools and the cargo ships."""
    site.article("/times/storm", "Storm shuts Valletta harbour", [LANDFALL, REWORDED, SCHOOLS, CARGO])


def check_after(hours: float):
    item = FeedItem.objects.get(feed__outlet__name="Times")
    return check_due_items(now=item.first_seen + timedelta(hours=hours, seconds=1))


def test_a_changed_page_becomes_a_revision_with_what_changed(site):
    times = Article.objects.get(outlet__name="Times")
    kept_id = times.sentences.get(text=LANDFALL).pk
    rewrite(site)

    (revision,) = check_after(1)

    revision.refresh_from_db()  # as the page reads it
    assert revision.number == 2 and REWORDED in revision.text
    changes = revision.changes
    assert changes["removed"] == [FERRIES]
    assert changes["added"] == [SCHOOLS, CARGO]
    (reworded,) = changes["reworded"]
    assert (reworded["old"], reworded["new"]) == (FISHERMEN, REWORDED)
    assert reworded["diff"] == [
        ["equal", FISHERMEN.removesuffix("on Monday.")],
        ["insert", "late "],
        ["equal", "on Monday."],
    ]
    # Facts shared with the Herald: the ferries are no longer reported, the schools now are.
    assert [(f["text"], f["outlets"]) for f in changes["stopped"]] == [(FERRIES, ["Herald"])]
    assert [(f["text"], f["outlets"]) for f in changes["started"]] == [(SCHOOLS, ["Herald"])]
    times.refresh_from_db()
    assert times.status == "done" and CARGO in times.raw_text and "<p>Two cargo ships" in times.raw_html
    assert times.sentences.get(text=LANDFALL).pk == kept_id  # re-processed, unchanged sentences kept
    first = ArticleRevision.objects.get(article=times, number=1)
    assert FERRIES in first.text and "<p>Ferries to Gozo" in first.raw_html  # the first version kept, raw


def test_the_story_page_shows_the_update_and_its_diff(client, site):
    rewrite(site)
    check_after(1)
    times = Article.objects.get(outlet__name="Times")
    page = client.get(times.story.get_absolute_url()).content.decode()
    assert "Updated after publication" in page
    assert "Times: “Storm shuts Valletta harbour”" in page
    assert "Marsaxlokk <ins>late </ins>on Monday." in page
    assert f"<ins>{CARGO}</ins>" in page and f"<del>{FERRIES}</del>" in page
    assert "No longer reports" in page and "Now reports" in page
    assert reverse("compare:article-revisions", args=[times.pk]) in page


def test_every_revision_can_be_read(client, site):
    rewrite(site)
    check_after(1)
    site.article("/times/storm", "Storm shuts Valletta harbour", [LANDFALL, "A third version of the story."])
    check_after(6)
    times = Article.objects.get(outlet__name="Times")
    assert list(times.revisions.values_list("number", flat=True)) == [1, 2, 3]
    url = reverse("compare:article-revisions", args=[times.pk])
    assert "A third version of the story." in client.get(url).content.decode()  # the current one
    first = client.get(url, {"number": 1}).content.decode()
    assert FERRIES in first and FISHERMEN in first and CARGO not in first


def test_an_unchanged_page_is_no_revision_and_the_checks_thin_out(site):
    item = FeedItem.objects.get(feed__outlet__name="Times")
    assert item.next_check_at == item.first_seen + SCHEDULE[0]
    assert check_after(0.5) == [] and site.hits("/times/storm").__len__() == 1  # not due yet
    seen = []
    for hours in (1, 6, 24, 72):
        assert check_after(hours) == []
        item.refresh_from_db()
        seen.append(item.next_check_at and item.next_check_at - item.first_seen)
    assert seen == [SCHEDULE[1], SCHEDULE[2], SCHEDULE[3], None]
    assert len(site.hits("/times/storm")) == 5
    assert not ArticleRevision.objects.exists()
    assert check_after(24 * 30) == []  # no more checks


def test_a_page_that_fails_on_a_check_changes_nothing(site):
    site.serve("/times/storm", "gone", status=500)
    assert check_after(1) == []
    times = Article.objects.get(outlet__name="Times")
    assert FERRIES in times.raw_text and not times.revisions.exists()


def test_the_story_page_queries_do_not_grow_with_revisions(client, site):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = Article.objects.get(outlet__name="Times")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(times.story.get_absolute_url()).status_code == 200
        return len(captured)

    rewrite(site)
    check_after(1)
    once = queries()
    site.article("/times/storm", "Storm shuts Valletta harbour", [LANDFALL, "A third version of the story."])
    site.article("/herald/port", "Valletta port closed as gale hits", [*HERALD, "Harbour reopens."])
    check_after(6)  # both items are due
    assert Article.objects.get(outlet__name="Herald").revisions.count() == 2
    assert queries() <= once
