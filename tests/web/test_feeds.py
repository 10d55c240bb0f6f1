"""Polling feeds served on 127.0.0.1: new items become aligned articles, and every failure is a plain
error on the feed that loses nothing already stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from feedserver import FeedSite, atom, rss

from compare.models import Article, Feed, FeedItem, Outlet, Story
from compare.services.feeds import LEASE, add_feed, claim, poll_due_feeds, poll_feed

pytestmark = pytest.mark.django_db

HARBOUR = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.",
    "Ferries to Gozo were cancelled until Wednesday morning.",
    "Fishermen moved their boats inland on Monday night.",
]
PORT = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.",
    "All ferries to Gozo were cancelled until Wednesday morning.",
    "Schools in Sliema stayed open.",
]
FLOOD = [
    "Floods cut the railway between Lima and Cusco on Friday, the operator said.",
    "Trains will not run before Monday, and buses replace them.",
    "Engineers are inspecting two bridges near the river.",
]


@pytest.fixture(autouse=True)
def loopback(settings):
    """The local site is on 127.0.0.1: private addresses are let through here only, and no waiting."""
    settings.ALLOW_PRIVATE_URLS = True
    settings.FEED_HOST_INTERVAL = 0
    settings.FETCH_TIMEOUT_SECONDS = 5


@pytest.fixture
def site():
    with FeedSite() as site:
        yield site


def follow(site: FeedSite, path: str, outlet: str) -> Feed:
    return add_feed(outlet, site.url(path), None)


def test_an_rss_feed_and_an_atom_feed_become_articles_in_one_story_aligned(site):
    site.article("/times/storm", "Storm shuts Valletta harbour", HARBOUR)
    site.article("/herald/port", "Valletta port closed as gale hits", PORT)
    site.serve("/times.rss", rss([("Storm shuts Valletta harbour", site.url("/times/storm"))]))
    site.serve("/herald.atom", atom([("Valletta port closed", site.url("/herald/port"))]))
    times, herald = follow(site, "/times.rss", "Times"), follow(site, "/herald.atom", "Herald")

    results = poll_due_feeds()

    assert sorted((r.feed_id, r.new_articles, r.error) for r in results) == [
        (times.pk, 1, ""),
        (herald.pk, 1, ""),
    ]
    articles = Article.objects.select_related("outlet").order_by("outlet__name")
    assert [(a.outlet.name, a.status, a.url) for a in articles] == [
        ("Herald", "done", site.url("/herald/port")),
        ("Times", "done", site.url("/times/storm")),
    ]
    assert articles[0].story_id == articles[1].story_id is not None
    assert "<h1>Storm shuts Valletta harbour</h1>" in articles[1].raw_html  # the raw page is kept
    assert Story.objects.get().links.exists()  # aligned: the shared sentences are linked
    times.refresh_from_db()
    assert (times.items_found, times.failures, times.last_error, times.lease_until) == (1, 0, "", None)
    assert times.next_poll_at > timezone.now() + timedelta(minutes=14)


def test_every_request_says_who_is_asking_and_robots_txt_is_asked_first(site, settings):
    site.article("/a", "Storm", HARBOUR)
    site.serve("/feed.rss", rss([("Storm", site.url("/a"))]))
    follow(site, "/feed.rss", "Times")
    poll_due_feeds()
    assert [r.path for r in site.requests] == ["/robots.txt", "/feed.rss", "/a"]
    assert {r.headers["User-Agent"] for r in site.requests} == {settings.FEED_USER_AGENT}


def test_an_unchanged_feed_answers_304_and_nothing_is_fetched_again(site):
    site.article("/a", "Storm", HARBOUR)
    site.serve(
        "/feed.rss",
        rss([("Storm", site.url("/a"))]),
        etag='"v1"',
        last_modified="Tue, 01 Dec 2026 10:00:00 GMT",
    )
    feed = follow(site, "/feed.rss", "Times")
    poll_feed(feed.pk)
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"v1"', "Tue, 01 Dec 2026 10:00:00 GMT")
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())

    result = poll_feed(feed.pk)

    assert result.not_modified and result.new_articles == 0
    second = site.hits("/feed.rss")[1]
    assert second.headers["If-None-Match"] == '"v1"'
    assert second.headers["If-Modified-Since"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    assert len(site.hits("/a")) == 1
    feed.refresh_from_db()
    assert (feed.items_found, feed.last_error) == (1, "")


def test_a_feed_that_errors_says_so_and_waits_longer_each_time(site, settings):
    site.serve("/feed.rss", "down for maintenance", status=500, content_type="text/plain")
    feed = follow(site, "/feed.rss", "Times")
    waits = []
    for _ in range(3):
        Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
        before = timezone.now()
        assert poll_due_feeds()[0].error == "The feed answered with HTTP 500."
        feed.refresh_from_db()
        waits.append(round((feed.next_poll_at - before).total_seconds() / 60))
    assert waits == [
        settings.FEED_POLL_INTERVAL * 2,
        settings.FEED_POLL_INTERVAL * 4,
        settings.FEED_POLL_INTERVAL * 8,
    ]
    assert (feed.failures, feed.last_error) == (3, "The feed answered with HTTP 500.")


def test_a_malformed_feed_is_a_plain_error(site):
    site.serve(
        "/feed.rss", "<rss><channel><title>News</title><item><title>Storm", content_type="application/rss+xml"
    )
    site.serve("/page.html", "<html><body><p>Not a feed at all.</p></body></html>")
    broken, page = follow(site, "/feed.rss", "Times"), follow(site, "/page.html", "Herald")
    poll_due_feeds()
    broken.refresh_from_db()
    page.refresh_from_db()
    assert broken.last_error == "The feed is not well-formed XML and no items could be read from it."
    assert page.last_error == "The address did not answer with an RSS or Atom feed."
    assert not Article.objects.exists()


def test_a_huge_page_and_a_slow_page_are_refused_within_the_limits(site, settings):
    settings.MAX_UPLOAD_BYTES = 200_000
    settings.FETCH_TIMEOUT_SECONDS = 1
    site.serve("/huge", "<p>word </p>", huge=50 * 1024 * 1024)
    site.serve("/slow", "<html><body><p>" + "slow " * 100 + "</p></body></html>", slow=0.05)
    site.article("/fine", "Storm", HARBOUR)
    site.serve(
        "/feed.rss",
        rss([("Huge", site.url("/huge")), ("Slow", site.url("/slow")), ("Fine", site.url("/fine"))]),
    )
    feed = follow(site, "/feed.rss", "Times")
    started = timezone.now()

    result = poll_feed(feed.pk)

    assert (timezone.now() - started).total_seconds() < 5
    assert result.new_articles == 1
    assert result.item_errors == [
        "The item “Huge” could not be stored: The page is larger than the 195 KB limit.",
        "The item “Slow” could not be stored: The page took longer than 1 seconds to arrive.",
    ]
    feed.refresh_from_db()
    assert feed.failures == 0 and "“Huge”" in feed.last_error and "“Slow”" in feed.last_error
    assert Article.objects.get().url == site.url("/fine")


def test_an_item_already_stored_by_url_or_by_text_is_not_stored_twice(site):
    site.article("/a", "Storm", HARBOUR)
    site.article("/copy-of-a", "Storm", HARBOUR)  # another address, word for word the same article
    site.serve("/one.rss", rss([("Storm", site.url("/a"))]))
    site.serve("/two.rss", rss([("Storm", site.url("/a")), ("Storm again", site.url("/copy-of-a"))]))
    one, two = follow(site, "/one.rss", "Times"), follow(site, "/two.rss", "Times")
    poll_feed(one.pk)
    result = poll_feed(two.pk)
    assert (result.new_articles, result.known) == (0, 2)
    assert len(site.hits("/a")) == 1  # known by its URL: not fetched again
    assert Article.objects.count() == 1
    assert set(FeedItem.objects.values_list("article_id", flat=True)) == {Article.objects.get().pk}


def test_robots_txt_that_disallows_the_feed_is_respected(site):
    site.serve("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.article("/private/a", "Storm", HARBOUR)
    site.serve("/private/feed.rss", rss([("Storm", site.url("/private/a"))]))
    site.serve("/feed.rss", rss([("Storm", site.url("/private/a"))]))
    closed, open_ = follow(site, "/private/feed.rss", "Times"), follow(site, "/feed.rss", "Herald")
    poll_due_feeds()
    closed.refresh_from_db()
    open_.refresh_from_db()
    assert closed.last_error == "The site's robots.txt does not allow this reader to fetch the feed."
    assert "robots.txt does not allow fetching it" in open_.last_error
    assert site.hits("/private/a") == [] and site.hits("/private/feed.rss") == []
    assert len(site.hits("/robots.txt")) == 1  # kept for a day


def test_requests_to_one_host_keep_the_minimum_interval(site, settings):
    settings.FEED_HOST_INTERVAL = 0.3
    site.article("/a", "Storm", HARBOUR)
    site.article("/b", "Floods", FLOOD)
    site.serve("/feed.rss", rss([("Storm", site.url("/a")), ("Floods", site.url("/b"))]))
    poll_feed(follow(site, "/feed.rss", "Times").pk)
    times = [r.at for r in site.requests]
    assert len(times) == 4  # robots.txt, the feed, two pages
    gaps = [round(later - earlier, 2) for earlier, later in zip(times, times[1:])]
    assert min(gaps) >= 0.25, gaps  # each slot starts 0.3 s after the last; arrival jitters a little


def test_a_feed_held_by_another_worker_is_not_polled(site):
    site.serve("/feed.rss", rss([]))
    feed = follow(site, "/feed.rss", "Times")
    now = timezone.now()
    assert claim(feed.pk, now)
    assert not claim(feed.pk, now)  # the second worker is turned away
    assert poll_feed(feed.pk).claimed is False
    assert poll_due_feeds() == []
    assert site.requests == []
    assert claim(feed.pk, now + LEASE + timedelta(seconds=1))  # a dead worker's lease runs out


def test_add_feed_refuses_what_other_url_inputs_refuse(settings):
    from compare.services.feeds import FeedInputError

    with pytest.raises(FeedInputError, match="http:// or https://"):
        add_feed("Times", "javascript:alert(1)", None)
    settings.ALLOW_PRIVATE_URLS = False
    with pytest.raises(FeedInputError, match="private or local address"):
        add_feed("Times", "http://127.0.0.1:9/feed.rss", None)
    assert not Feed.objects.exists() and not Outlet.objects.exists()


def test_a_feed_just_polled_by_another_worker_is_not_polled_again(site):
    site.serve("/feed.rss", rss([]))
    feed = follow(site, "/feed.rss", "Times")
    listed_at = timezone.now()  # a worker lists the due feeds; another polls this one first
    assert poll_feed(feed.pk).claimed
    assert not claim(feed.pk, max(listed_at, timezone.now()))
    assert len(site.hits("/feed.rss")) == 1


def test_a_long_feed_is_taken_a_few_items_per_poll_and_the_rest_next_time(site, monkeypatch):
    from compare.services import feeds

    monkeypatch.setattr(feeds, "MAX_NEW_ITEMS", 2)
    for n, text in enumerate([HARBOUR, PORT, FLOOD]):
        site.article(f"/{n}", f"Story {n}", text)
    site.serve("/feed.rss", rss([(f"Story {n}", site.url(f"/{n}")) for n in range(3)]), etag='"v1"')
    feed = follow(site, "/feed.rss", "Times")
    assert poll_feed(feed.pk).new_articles == 2
    feed.refresh_from_db()
    assert feed.etag == ""  # kept back: the next poll must get the whole feed, not a 304
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    assert poll_feed(feed.pk).new_articles == 1
    feed.refresh_from_db()
    assert (feed.etag, feed.items_found, Article.objects.count()) == ('"v1"', 3, 3)
    assert feed.last_error == ""  # the two items taken before are no problem
