"""Follow outlets' RSS and Atom feeds: poll each when it is due, turn new items into articles.

A poll claims its feed first with a conditional UPDATE (only a feed whose lease has run out is
taken), so with several workers on PostgreSQL a feed is never polled twice at once. The request
is conditional (the feed's ETag and Last-Modified go back; 304 means nothing new), says who is
asking (FEED_USER_AGENT), waits for its turn on the host and asks robots.txt first
(compare/services/feed_hosts.py). A feed larger than FEED_MAX_BYTES is refused while it downloads,
and one declaring XML entities before it is parsed (compare/services/feed_reader.py).

Each new item's page goes the way of a URL an editor typed: the guarded fetcher, trafilatura
(``sources.from_url``), then the one ingest path (``tasks.submit_article``): raw page kept, cleaned,
placed in a story, aligned. An item whose URL or text is already stored is not fetched or stored
again. A failing poll changes nothing stored; it is tried again later, waiting twice as long
after each failure in a row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from compare.models import Article, Feed, FeedItem, Outlet
from compare.services.feed_hosts import fetch_item_page, request_headers, robots_allows, wait_for_turn
from compare.services.feed_reader import FeedEntry, FeedError, read_feed
from compare.services.fetching import FetchError, check_url, fetch_page
from compare.services.ingest import IngestError
from compare.services.revisions import first_check_at
from compare.services.sources import SourceError, clean_url
from compare.services.tasks import submit_article

logger = logging.getLogger(__name__)

# Longer than a poll can take (items x FETCH_TIMEOUT_SECONDS): a worker that dies frees its feed then.
LEASE = timedelta(minutes=15)
MAX_BACKOFF = timedelta(hours=24)
# New items taken per poll; the rest wait for the next one (the feed's ETag is kept back until then).
MAX_NEW_ITEMS = 50


class FeedInputError(ValueError):
    """A feed address an editor may not add; the message says why."""


@dataclass
class PollResult:
    """What one poll of one feed did."""

    feed_id: int
    claimed: bool = True
    not_modified: bool = False
    new_articles: int = 0
    known: int = 0
    error: str = ""
    item_errors: list[str] = field(default_factory=list)


def add_feed(outlet_name: str, url: str, user: AbstractBaseUser | None) -> Feed:
    """Follow ``url`` for the outlet (created if new), after the checks every URL input gets.

    Raises:
        FeedInputError: not an http(s) address, a private one, or a feed already followed.
    """
    if not outlet_name.strip():
        raise FeedInputError("Say which outlet publishes the feed.")
    try:
        url = clean_url(url)
        if not url:
            raise FeedInputError("Give the feed's address.")
        check_url(url, allow_private=settings.ALLOW_PRIVATE_URLS)
    except (SourceError, FetchError) as exc:
        raise FeedInputError(str(exc)) from None
    known = Feed.objects.select_related("outlet").filter(url=url).first()
    if known is not None:
        raise FeedInputError(f"This feed is already followed for {known.outlet.name}.")
    outlet, _ = Outlet.objects.get_or_create(name=outlet_name.strip()[:200])
    try:
        return Feed.objects.create(
            outlet=outlet, url=url, created_by=user if user and user.is_authenticated else None
        )
    except IntegrityError:  # added by someone else a moment ago
        raise FeedInputError("This feed is already followed.") from None


def claim(feed_id: int, now: datetime) -> bool:
    """Take the feed's lease if it is due and no other worker holds it: one UPDATE, one winner.

    Due as well as free: a worker that listed the due feeds a moment ago must not poll again a feed
    another worker has just polled and given back.
    """
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    return Feed.objects.filter(free, pk=feed_id, next_poll_at__lte=now).update(lease_until=now + LEASE) == 1


def poll_due_feeds(now: datetime | None = None) -> list[PollResult]:
    """Poll every feed whose time has come and that no other worker is polling."""
    now = now or timezone.now()
    due = Feed.objects.filter(next_poll_at__lte=now).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    results = [poll_feed(pk) for pk in due.order_by("next_poll_at").values_list("pk", flat=True)]
    return [r for r in results if r.claimed]


def poll_feed(feed_id: int, now: datetime | None = None) -> PollResult:
    """Poll one feed, unless another worker holds it; the outcome is written on the feed."""
    now = now or timezone.now()
    if not claim(feed_id, now):
        return PollResult(feed_id, claimed=False)
    feed = Feed.objects.select_related("outlet").get(pk=feed_id)
    result = PollResult(feed_id)
    try:
        _poll(feed, result)
    except (FetchError, FeedError) as exc:
        result.error = str(exc)
    except Exception:  # noqa: BLE001 - a broken feed must not stop the others; the details go to the log
        logger.exception("polling feed %s failed", feed_id)
        result.error = "The server ran into an error while polling this feed (the details are in its log)."
    _record(feed, result, timezone.now())
    return result


def _poll(feed: Feed, result: PollResult) -> None:
    if not robots_allows(feed.url):
        raise FeedError("The site's robots.txt does not allow this reader to fetch the feed.")
    conditional = {"If-None-Match": feed.etag} if feed.etag else {}
    if feed.last_modified:
        conditional["If-Modified-Since"] = feed.last_modified
    wait_for_turn(feed.url)
    page = fetch_page(
        feed.url,
        allow_private=settings.ALLOW_PRIVATE_URLS,
        max_bytes=settings.FEED_MAX_BYTES,
        timeout=settings.FETCH_TIMEOUT_SECONDS,
        headers=request_headers(**conditional),
        what="feed",
    )
    if page.not_modified:
        result.not_modified = True
        return
    entries = read_feed(page.data)
    taken = 0
    for entry in entries:
        if taken >= MAX_NEW_ITEMS:
            return  # the validators are not kept: the next poll gets the whole feed and the rest
        outcome = take_item(feed, entry)
        if outcome == "seen":  # taken by an earlier poll
            continue
        if outcome == "new":
            result.new_articles += 1
            taken += 1
        elif outcome == "known":
            result.known += 1
        elif outcome:
            result.item_errors.append(outcome)
            taken += 1
    feed.etag, feed.last_modified = page.etag[:500], page.last_modified[:100]


def take_item(feed: Feed, entry: FeedEntry) -> str:
    """Store a feed item's page as an article unless it is known; "new", "known", "seen" or the error."""
    title = entry.title[:80] or "(untitled)"
    try:
        url = clean_url(entry.link)
    except SourceError:
        return f"The item “{title}” was skipped: its link is not an http:// or https:// address."
    if not url:
        return f"The item “{title}” was skipped: it has no link."
    if FeedItem.objects.filter(feed=feed, url=url).exists():
        return "seen"
    stored = Article.objects.filter(url=url).order_by("id").first()
    if stored is not None:  # another feed, or an editor, brought it in already
        _remember(feed, entry, url, stored)
        return "known"
    try:
        data = fetch_item_page(
            url, outlet=feed.outlet.name, title=entry.title[:500], published=entry.published
        )
        if data is None:
            return f"The item “{title}” was skipped: the site's robots.txt does not allow fetching it."
        result = submit_article(data)
    except (SourceError, FetchError, IngestError) as exc:
        return f"The item “{title}” could not be stored: {exc}"
    _remember(feed, entry, url, result.article)
    return "new" if result.created else "known"


def _remember(feed: Feed, entry: FeedEntry, url: str, article: Article) -> None:
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the item may have been recorded a moment ago
            FeedItem.objects.create(
                feed=feed,
                url=url,
                guid=entry.guid[:500],
                title=entry.title[:500],
                article=article,
                first_seen=now,
                next_check_at=first_check_at(now),
            )
    except IntegrityError:
        return
    Feed.objects.filter(pk=feed.pk).update(items_found=F("items_found") + 1)


def _record(feed: Feed, result: PollResult, now: datetime) -> None:
    """The poll's outcome on the feed, its next poll (later after failures), and the lease given back."""
    failures = feed.failures + 1 if result.error else 0
    wait = timedelta(minutes=settings.FEED_POLL_INTERVAL) * (2 ** min(failures, 10))
    fields = {
        "last_polled_at": now,
        "next_poll_at": now + min(wait, MAX_BACKOFF),
        "lease_until": None,
        "failures": failures,
        "last_error": result.error or _summary(result.item_errors),
    }
    if not result.error and not result.not_modified:
        fields.update(etag=feed.etag, last_modified=feed.last_modified)
    Feed.objects.filter(pk=feed.pk).update(**fields)


def _summary(errors: list[str]) -> str:
    if not errors:
        return ""
    shown = errors[:5]
    more = f" (and {len(errors) - len(shown)} more)" if len(errors) > len(shown) else ""
    return " ".join(shown) + more


def poll_soon(feed: Feed) -> None:
    """Make the feed due now ("poll now" on the feeds screen)."""
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
