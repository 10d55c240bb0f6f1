"""Two workers polling at once on PostgreSQL: each feed is polled by one of them, each item stored once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from feedserver import FeedSite, rss
from test_workers import ROOT, postgres_only, worker_env

from compare.models import Article, Feed, FeedItem
from compare.services.feeds import add_feed

FEEDS, ITEMS = 6, 5


def _page(n: int) -> list[str]:
    place = ["Valletta", "Lima", "Oslo", "Quito", "Hanoi", "Dakar", "Perth", "Tunis", "Riga", "Porto"][n % 10]
    return [
        f"Report {n}: inspectors in {place} counted {n * 7 + 3} damaged roofs after the storm on Tuesday.",
        f"The council of {place} opened {n % 4 + 2} shelters, the mayor's office said.",
        f"Engineers expect the repairs in {place} to take {n % 5 + 2} weeks.",
    ]


def start_poller() -> subprocess.Popen:
    env = {**worker_env(), "ALLOW_PRIVATE_URLS": "1", "FEED_HOST_INTERVAL": "0"}
    env.pop("TASK_BACKEND")  # the items are processed by the poller itself (immediate backend)
    return subprocess.Popen(
        [sys.executable, "manage.py", "poll_feeds"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_poll_each_feed_once_and_store_each_item_once(settings):
    settings.ALLOW_PRIVATE_URLS = True
    with FeedSite() as site:
        for n in range(FEEDS * ITEMS):
            site.article(f"/news/{n}", f"Storm report {n}", _page(n))
        for f in range(FEEDS):
            # Neighbouring feeds share an item: two workers may meet on it.
            numbers = [f * ITEMS + k for k in range(ITEMS)] + [((f + 1) * ITEMS) % (FEEDS * ITEMS)]
            site.serve(f"/feed{f}.rss", rss([(f"Report {n}", site.url(f"/news/{n}")) for n in numbers]))
            add_feed(f"Outlet {f}", site.url(f"/feed{f}.rss"), None)
        pollers = [start_poller() for _ in range(2)]
        outputs = [poller.communicate(timeout=180)[0] for poller in pollers]
        assert all(p.returncode == 0 for p in pollers), outputs
        for f in range(FEEDS):
            assert len(site.hits(f"/feed{f}.rss")) == 1, outputs  # never polled by both
    assert Article.objects.count() == FEEDS * ITEMS
    assert sorted(Article.objects.values_list("url", flat=True)) == sorted(
        site.url(f"/news/{n}") for n in range(FEEDS * ITEMS)
    )
    assert set(Article.objects.values_list("status", flat=True)) == {"done"}
    assert FeedItem.objects.count() == FEEDS * (ITEMS + 1)
    assert not Feed.objects.exclude(last_error="").exists()
    assert not Feed.objects.filter(lease_until__isnull=False).exists()
    polled = sum(int(out.split(" feeds polled")[0].split()[-1]) for out in outputs)
    assert polled == FEEDS, outputs
