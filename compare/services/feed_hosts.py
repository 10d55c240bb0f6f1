"""Manners towards the sites feeds come from: one request per FEED_HOST_INTERVAL, and robots.txt.

Every request a feed poll makes (the feed, its robots.txt, each item's page) first takes a slot on
its host: the host's row holds the next moment a request may go out, and taking a slot moves it on
under a row lock, so several workers together still keep the interval. robots.txt is fetched
through the same guarded fetcher as everything else and kept for a day.
"""

from __future__ import annotations

import time
import urllib.parse
import urllib.robotparser
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from compare.models import FeedHost
from compare.services.fetching import FetchError, fetch_page
from compare.services.sources import ArticleInput, from_url

ROBOTS_KEPT_FOR = timedelta(hours=24)
ROBOTS_MAX_BYTES = 512 * 1024


def host_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return (parts.hostname or "") + (f":{parts.port}" if parts.port else "")


def request_headers(**extra: str) -> dict[str, str]:
    return {"User-Agent": settings.FEED_USER_AGENT, **extra}


def wait_for_turn(url: str) -> None:
    """Sleep until this worker may send the host of ``url`` its next request."""
    interval = timedelta(seconds=settings.FEED_HOST_INTERVAL)
    host = host_of(url)
    with transaction.atomic():
        FeedHost.objects.get_or_create(host=host)
        row = FeedHost.objects.select_for_update().get(host=host)
        now = timezone.now()
        slot = max(now, row.next_allowed_at)
        row.next_allowed_at = slot + interval
        row.save(update_fields=["next_allowed_at"])
    pause = (slot - now).total_seconds()
    if pause > 0:
        time.sleep(pause)


def robots_allows(url: str) -> bool:
    """Whether the site's robots.txt lets FEED_USER_AGENT fetch ``url`` (fetched once a day per host)."""
    parts = urllib.parse.urlsplit(url)
    row, _ = FeedHost.objects.get_or_create(host=host_of(url))
    if row.robots_fetched_at is None or timezone.now() - row.robots_fetched_at > ROBOTS_KEPT_FOR:
        row.robots_txt = _fetch_robots(f"{parts.scheme}://{parts.netloc}/robots.txt")
        row.robots_fetched_at = timezone.now()
        row.save(update_fields=["robots_txt", "robots_fetched_at"])
    rules = urllib.robotparser.RobotFileParser()
    rules.parse(row.robots_txt.splitlines())
    return rules.can_fetch(settings.FEED_USER_AGENT, url)


def fetch_item_page(url: str, **fields) -> ArticleInput | None:
    """A feed item's page as an article, fetched with manners; None when robots.txt forbids it.

    The one way a new item (feeds.take_item) and a re-check for revisions (revisions.check_item)
    fetch a page: robots.txt asked, the host's turn waited for, FEED_USER_AGENT sent.

    Raises:
        SourceError, FetchError: the page could not be fetched or read (the message says why).
    """
    if not robots_allows(url):
        return None
    wait_for_turn(url)
    return from_url(url, headers=request_headers(), **fields)


def _fetch_robots(url: str) -> str:
    """The robots.txt text; none (a 4xx answer) allows everything.

    Raises:
        FetchError: the site failed to answer (5xx, unreachable, refused address): nothing is fetched
            from it until it does, and the message says why.
    """
    wait_for_turn(url)
    try:
        page = fetch_page(
            url,
            allow_private=settings.ALLOW_PRIVATE_URLS,
            max_bytes=ROBOTS_MAX_BYTES,
            timeout=settings.FETCH_TIMEOUT_SECONDS,
            headers=request_headers(),
            what="robots.txt",
        )
    except FetchError as exc:
        if exc.status and 400 <= exc.status < 500:
            return ""
        raise FetchError(f"The site's robots.txt could not be read: {exc}") from None
    return page.data.decode("utf-8", errors="replace")
