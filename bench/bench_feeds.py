"""Feed polling at scale: 100 feeds x 20 items served on loopback, polled by one worker.

Not a test. Every feed is one outlet; its items are pages of synthetic stories
(ten outlets report each story, as in bench_ingest), served by the loopback
site the tests use (tests/feedserver.py). One ``poll_due_feeds()`` call polls
them all as one worker would: robots.txt, the feed, each item's page through the
guarded fetcher and trafilatura, then the one ingest path (store, clean, embed,
place, align). Reported: items per second, the time inside ingest itself
(``submit_article``), and what the feed work adds per item beside it. Then every
feed is polled again: each answers 304 Not Modified, which is what most polls
of a followed feed are.

    .venv/bin/python bench/bench_feeds.py             # 100 x 20 with the app's model
    .venv/bin/python bench/bench_feeds.py --quick     # 10 x 5
    .venv/bin/python bench/bench_feeds.py --hashing   # the model-free encoder: the feed overhead alone
    .venv/bin/python bench/bench_feeds.py --feeds 20 --items 20
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import discard_database, progress, setup_django, synthetic_story  # noqa: E402

STORY_OUTLETS = 10


def _serve(site, feeds: int, items: int) -> list[str]:
    """Pages and feeds on the site; returns the feed URLs."""
    from tests.feedserver import rss

    articles = []
    for story in range(feeds * items // STORY_OUTLETS + 1):
        articles.extend(synthetic_story(outlets=STORY_OUTLETS, sentences=20, seed=5000 + story))
    listed: list[list[tuple[str, str]]] = [[] for _ in range(feeds)]
    for number, article in enumerate(articles[: feeds * items]):
        url = site.article(f"/news/{number}", article.title, article.sentences)
        listed[number % feeds].append((article.title, url))
    return [site.serve(f"/feed{f}.rss", rss(entries), etag=f'"feed-{f}"') for f, entries in enumerate(listed)]


def run_bench(feeds: int = 100, items: int = 20) -> dict:
    """Returns the ``feeds_*`` figures for bench/results.json."""
    from django.conf import settings
    from django.utils import timezone

    from compare.models import Article, Feed
    from compare.services import feeds as feed_service
    from compare.services.encoder import get_encoder, preload_encoder
    from tests.feedserver import FeedSite

    settings.ALLOW_PRIVATE_URLS = True  # the site is on loopback
    settings.FEED_HOST_INTERVAL = 0  # one host stands for a hundred sites here
    preload_encoder()  # the model loaded before the clock starts
    in_ingest = [0.0]
    submit = feed_service.submit_article

    def timed_submit(*args, **kwargs):
        started = time.perf_counter()
        try:
            return submit(*args, **kwargs)
        finally:
            in_ingest[0] += time.perf_counter() - started

    with FeedSite() as site:
        urls = _serve(site, feeds, items)
        for number, url in enumerate(urls):
            feed_service.add_feed(f"Bench outlet {number}", url, None)
        before = Article.objects.count()
        feed_service.submit_article = timed_submit
        try:
            progress(f"feeds: polling {feeds} feeds x {items} items")
            started = time.perf_counter()
            results = feed_service.poll_due_feeds()
            seconds = time.perf_counter() - started
        finally:
            feed_service.submit_article = submit
        stored = Article.objects.count() - before
        errors = [r.error or r.item_errors for r in results if r.error or r.item_errors]
        Feed.objects.update(next_poll_at=timezone.now())
        started = time.perf_counter()
        again = feed_service.poll_due_feeds()
        not_modified_seconds = time.perf_counter() - started
    overhead = seconds - in_ingest[0]
    figures = {
        "feeds_feeds": feeds,
        "feeds_items": feeds * items,
        "feeds_articles_stored": stored,
        "feeds_errors": len(errors),
        "feeds_seconds": round(seconds, 1),
        "feeds_items_per_s": round(stored / seconds, 2),
        "feeds_ingest_ms_per_item": round(in_ingest[0] / max(stored, 1) * 1000, 1),
        "feeds_overhead_ms_per_item": round(overhead / max(stored, 1) * 1000, 1),
        "feeds_overhead_share": round(overhead / seconds, 3),
        "feeds_304_ms_per_feed": round(not_modified_seconds / len(again) * 1000, 1),
        "feeds_304_all_not_modified": all(r.not_modified for r in again),
        "feeds_encoder": get_encoder().model_id,
    }
    progress(
        f"feeds: {stored} articles in {seconds:.1f}s ({figures['feeds_items_per_s']}/s); "
        f"ingest {figures['feeds_ingest_ms_per_item']} ms/item, "
        f"feed work {figures['feeds_overhead_ms_per_item']} ms/item ({figures['feeds_overhead_share']:.0%}); "
        f"a 304 poll {figures['feeds_304_ms_per_feed']} ms/feed"
    )
    if errors:
        progress(f"feeds: {len(errors)} feeds reported problems, e.g. {errors[0]}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 feeds x 5 items")
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=20, help="items per feed")
    parser.add_argument("--hashing", action="store_true", help="the model-free encoder (feed overhead alone)")
    args = parser.parse_args()
    if args.hashing:
        import os

        os.environ["EMBEDDING_BACKEND"] = "hashing"
    db = setup_django()
    try:
        figures = run_bench(*((10, 5) if args.quick else (args.feeds, args.items)))
    finally:
        discard_database(db)
    for key, value in figures.items():
        print(f"{key:32} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
