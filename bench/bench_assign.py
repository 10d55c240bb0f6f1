"""How long deciding one article's story takes among 1,000 / 10,000 / 100,000 active stories.

Not a test: it builds synthetic stories (random unit centroids, Zipf-distributed
entities, publication times over 30 days), then times ``assign`` for articles
that resemble existing stories, so the entity re-ranking sees real candidates.
Target: p95 <= 50 ms at 100,000 stories.

    .venv/bin/python bench/bench_assign.py

``run_bench()`` returns ``{"assign_ms_p50": {...}, "assign_ms_p95": {"1000": ms, ...}}``
for ``make bench`` to store in bench/results.json.
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compare.nlp.stories.clustering import ArticleProfile, StoryIndex, StoryState, assign, default_params  # noqa: E402

DIM = 384
VOCABULARY = 200_000
START = datetime(2025, 1, 1, tzinfo=UTC)


def _entities(rng: np.random.Generator, count: int) -> frozenset[str]:
    # Zipf: a few very common entities ("us", "2025") and a long tail of names.
    ids = np.minimum(rng.zipf(1.3, size=count), VOCABULARY)
    return frozenset(f"e{i}" for i in ids)


def build_index(stories: int, rng: np.random.Generator) -> tuple[StoryIndex, np.ndarray]:
    """An index of ``stories`` synthetic stories of 1-8 articles; returns it and the centroids."""
    centroids = rng.standard_normal((stories, DIM)).astype(np.float32)
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    index = StoryIndex(dim=DIM, params=default_params())
    for key in range(stories):
        count = int(rng.integers(1, 9))
        counts: dict[str, int] = {}
        for _ in range(count):
            for entity in _entities(rng, 30):
                counts[entity] = counts.get(entity, 0) + 1
        first = START + timedelta(hours=float(rng.uniform(0, 30 * 24)))
        last = first + timedelta(hours=float(rng.uniform(0, 48)))
        index.add_story(key, StoryState(centroids[key] * count, count, counts, first, last))
    return index, centroids


def _query(rng: np.random.Generator, centroids: np.ndarray) -> ArticleProfile:
    near = centroids[int(rng.integers(len(centroids)))]
    vector = near + 0.6 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
    published = START + timedelta(hours=float(rng.uniform(0, 30 * 24)))
    return ArticleProfile((vector / np.linalg.norm(vector)).astype(np.float32), _entities(rng, 30), published)


def time_assign(
    index: StoryIndex, centroids: np.ndarray, queries: int, rng: np.random.Generator
) -> np.ndarray:
    """Milliseconds per ``assign`` call, one per query (after a few warm-up calls)."""
    profiles = [_query(rng, centroids) for _ in range(queries + 5)]
    for profile in profiles[:5]:
        assign(profile, index)
    timings = []
    for profile in profiles[5:]:
        start = time.perf_counter()
        assign(profile, index)
        timings.append((time.perf_counter() - start) * 1000)
    return np.array(timings)


def run_bench(
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000), queries: int = 200
) -> dict[str, dict[str, float]]:
    """Print a table of p50/p95 milliseconds per size and return them."""
    rng = np.random.default_rng(0)
    p50: dict[str, float] = {}
    p95: dict[str, float] = {}
    print(f"{'active stories':>15} {'p50 ms':>8} {'p95 ms':>8} {'build s':>8}")
    for size in sizes:
        started = time.perf_counter()
        index, centroids = build_index(size, rng)
        built = time.perf_counter() - started
        timings = time_assign(index, centroids, queries, rng)
        p50[str(size)] = round(float(np.percentile(timings, 50)), 2)
        p95[str(size)] = round(float(np.percentile(timings, 95)), 2)
        print(f"{size:>15,} {p50[str(size)]:>8.2f} {p95[str(size)]:>8.2f} {built:>8.1f}")
    return {"assign_ms_p50": p50, "assign_ms_p95": p95}


if __name__ == "__main__":
    run_bench()
