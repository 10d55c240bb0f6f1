"""Server time and SQL queries of the story page, and the web process's resident memory.

Not a test. Stories of 2, 5 and 10 outlets x 40 sentences are built through
the real ingest path with the app's encoder (the page never calls the model;
the encoder only decides which links and facts the page shows), then
``/stories/<id>/`` is requested through Django's test Client:
full page, p50/p95 of wall time, and the number of SQL queries of one view.
``web_rss`` serves the same pages from gunicorn on 127.0.0.1 and reads the
worker's VmRSS. Everything is written to a throwaway SQLite file.

    .venv/bin/python bench/bench_page.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    REPO,
    discard_database,
    free_port,
    percentile,
    progress,
    setup_django,
    synthetic_story,
    vmrss_mb,
)  # noqa: E402

SIZES = (2, 5, 10)
SENTENCES = 40


def build_story(outlets: int, sentences: int, seed: int):
    """A story of ``outlets`` articles placed by hand, aligned by the real services."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.models import Article
    from compare.services.encoder import get_encoder
    from compare.services.ingest import ArticleInput, ingest

    # The app's own encoder: the throwaway database already holds the ingest
    # bench's vectors, and ingest never mixes two models' vectors.
    encoder = get_encoder()
    story = None
    for item in synthetic_story(outlets, sentences, seed):
        data = ArticleInput(text=item.text, title=item.title, outlet=item.outlet)
        result = ingest(data, story=story, new_story=story is None, encoder=encoder)
        if result.article.status != Article.Status.DONE:
            raise RuntimeError(f"synthetic article failed to ingest: {result.article.error}")
        story = result.article.story
    return story


def _story_facts(story) -> dict[str, int]:
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.models import Link, Sentence

    return {
        "sentences": Sentence.objects.filter(article__story=story).count(),
        "facts": story.facts.count(),
        "links": Link.objects.filter(story=story).count(),
    }


def run_bench(
    sizes: tuple[int, ...] = SIZES, sentences: int = SENTENCES, views: int = 30
) -> dict[str, object]:
    """Build one story per size, then time full story pages and count their queries.

    Django must be set up on a throwaway database (``bench.common.setup_django``).
    """
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    p50: dict[str, float] = {}
    p95: dict[str, float] = {}
    queries: dict[str, int] = {}
    stories: dict[str, int] = {}
    shape: dict[str, dict[str, int]] = {}
    for size in sizes:
        started = time.perf_counter()
        story = build_story(size, sentences, seed=size)
        key = str(size)
        stories[key] = story.pk
        shape[key] = _story_facts(story) | {"page_bytes": 0}
        progress(
            f"page: story of {size} outlets x {sentences} sentences built in "
            f"{time.perf_counter() - started:.1f}s ({shape[key]['facts']} facts, {shape[key]['links']} links)"
        )
        url = f"/stories/{story.pk}/"
        for _ in range(3):  # warm-up: templates compiled, connection open
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries[key] = len(captured.captured_queries)
        shape[key]["page_bytes"] = len(response.content)
        timings = []
        for _ in range(views):
            one = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - one) * 1000)
        p50[key], p95[key] = percentile(timings, 50), percentile(timings, 95)
        progress(f"page: {size} outlets: p50 {p50[key]} ms, p95 {p95[key]} ms, {queries[key]} queries")
    return {
        "page_ms_p50": p50,
        "page_ms_p95": p95,
        "page_queries": queries,
        "page_views_per_size": views,
        "page_stories": shape,
        "page_story_ids": stories,
    }


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(child) for child in handle.read().split()]
    except OSError:
        return []


def web_rss(
    db_path: Path, story_ids: list[int], requests: int = 5, timeout: float = 60.0
) -> dict[str, object]:
    """Serve story pages from gunicorn (one worker, 127.0.0.1 only); the worker's VmRSS after them."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db_path}", DJANGO_SETTINGS_MODULE="compare.settings")
    env.pop("DEBUG", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "compare.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "1"]
    server = subprocess.Popen(
        command + ["--log-level", "warning"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/", timeout=10).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not answer in time") from None
                time.sleep(0.3)
        served = 1
        for _ in range(requests):
            for story_id in story_ids:
                with urllib.request.urlopen(f"{base}/stories/{story_id}/", timeout=30) as response:
                    response.read()
                    served += 1
        workers = _children(server.pid)
        if len(workers) != 1:
            raise RuntimeError(f"expected one gunicorn worker, found {workers}")
        return {"rss_mb": vmrss_mb(workers[0]), "master_rss_mb": vmrss_mb(server.pid), "requests": served}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


if __name__ == "__main__":
    db = setup_django()
    progress(f"database: {db}")
    result = run_bench()
    result["rss_web"] = web_rss(db, list(result["page_story_ids"].values()))
    print(json.dumps(result, indent=2))
    discard_database(db)
