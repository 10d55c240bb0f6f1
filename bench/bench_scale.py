"""What one more article costs a story of 10, 100 and 300 articles (issue: stories of big events).

Not a test. Articles of one invented event (``common.synthetic_story``, 40
sentences each) join one story one by one through the real path (clean,
embed with the app's encoder, place, align, regroup facts), each timed. The
cost of the 10th, 100th and 300th article is the median of the five around
it; the pair model's share is the time spent in ``align_pair`` and its rate
the sentence pairs it scored per second.

    .venv/bin/python bench/bench_scale.py [--sizes 10 100 300]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_ingest import Tally  # noqa: E402
from bench.common import discard_database, progress, setup_django, synthetic_story  # noqa: E402

SENTENCES = 40
WINDOW = 5  # articles timed around each size; the median is reported


def run_bench(sizes: tuple[int, ...] = (10, 100, 300)) -> dict[str, object]:
    """Django must be set up on a throwaway database (``bench.common.setup_django``)."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.models import Article, Link, Story
    from compare.services import alignment
    from compare.services.encoder import get_encoder
    from compare.services.ingest import ArticleInput, ingest

    encoder = get_encoder()
    largest = max(sizes) + WINDOW // 2
    items = synthetic_story(largest, SENTENCES, seed=300)
    story = Story.objects.create(title="Scale bench", title_set_by_editor=True)
    seconds: list[float] = []
    pair_seconds: list[float] = []
    pairs_scored: list[int] = []
    tally = Tally()
    with tally.watching(alignment, "align_pair"):
        for number, item in enumerate(items, start=1):
            before_calls, before_time = tally.calls["align_pair"], tally.seconds["align_pair"]
            started = time.perf_counter()
            data = ArticleInput(text=item.text, title=item.title, outlet=item.outlet)
            result = ingest(data, story=story, encoder=encoder)
            seconds.append(time.perf_counter() - started)
            if result.article.status != Article.Status.DONE:
                raise RuntimeError(f"article {number} failed: {result.article.error}")
            pair_seconds.append(tally.seconds["align_pair"] - before_time)
            pairs_scored.append((tally.calls["align_pair"] - before_calls) * SENTENCES * SENTENCES)
            if number % 50 == 0:
                progress(f"scale: {number} articles, the last took {seconds[-1] * 1000:.0f} ms")
    per_size = {}
    for size in sizes:
        window = range(max(size - 1 - WINDOW // 2, 0), min(size + WINDOW // 2, len(seconds)))
        total = statistics.median(seconds[n] for n in window)
        model = statistics.median(pair_seconds[n] for n in window)
        pairs = sum(pairs_scored[n] for n in window)
        per_size[size] = {
            "ms_per_article": round(total * 1000, 1),
            "pair_model_share": round(model / total, 3) if total else 0.0,
            "pairs_per_second": round(pairs / max(sum(pair_seconds[n] for n in window), 1e-9)),
        }
    ten = sorted(seconds[8:13]) if len(seconds) >= 13 else sorted(seconds)
    return {
        "scale_per_article": per_size,
        "scale_ratio_largest_to_smallest": round(
            per_size[max(sizes)]["ms_per_article"] / per_size[min(sizes)]["ms_per_article"], 2
        ),
        "scale_10_story_p95_ms": round(ten[min(len(ten) - 1, round(0.95 * (len(ten) - 1)))] * 1000, 1),
        "scale_links": Link.objects.filter(story=story).count(),
        "scale_articles": len(seconds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300])
    args = parser.parse_args()
    db = setup_django()
    try:
        result = run_bench(tuple(args.sizes))
    finally:
        discard_database(db)
    for key, value in result.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
