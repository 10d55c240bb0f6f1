"""How long aligning one story takes: 10 articles x 50 sentences, embeddings given.

Not a test. The pure engine only: ``align_pair`` over the 45 article pairs, then
``group_facts`` over all their links, as ``compare.services.alignment.align_story`` runs
them (no database, no model call in the timed part). The story is synthetic;
its embeddings come from the encoder passed in (the real model under
``bench/run.py``, the model-free HashingEncoder when run on its own).

    .venv/bin/python bench/bench_align.py
"""

from __future__ import annotations

import json
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, progress, synthetic_story  # noqa: E402
from compare.nlp.align.engine import ArticleSentences, align_pair, group_facts, load_params  # noqa: E402
from compare.nlp.embedding.encoders import Encoder, HashingEncoder  # noqa: E402


def story_articles(
    encoder: Encoder, outlets: int = 10, sentences: int = 50, seed: int = 50
) -> list[ArticleSentences]:
    """The synthetic story as the engine sees it: texts, kinds and unit embeddings."""
    articles = []
    for key, item in enumerate(synthetic_story(outlets, sentences, seed), start=1):
        texts = [item.title, *item.sentences]
        kinds = ["headline"] + ["body"] * len(item.sentences)
        articles.append(ArticleSentences(key, texts, encoder.encode(texts), kinds))
    return articles


def align_once(articles: list[ArticleSentences]) -> tuple[int, int]:
    """Align every pair and group the facts; returns (links, facts)."""
    links = []
    for left, right in combinations(articles, 2):
        links.extend(align_pair(left, right))
    return len(links), len(group_facts(articles, links))


def run_bench(encoder: Encoder | None = None, runs: int = 5) -> dict[str, object]:
    """p50 milliseconds of aligning the whole story, over ``runs`` runs after a warm-up."""
    encoder = encoder or HashingEncoder()
    name = getattr(encoder, "inner", encoder).__class__.__name__
    articles = story_articles(encoder)
    progress(
        f"align: {len(articles)} articles x {len(articles[0].texts)} sentences, "
        f"{len(articles) * (len(articles) - 1) // 2} pairs, embeddings from {name}"
    )
    load_params()
    links, facts = align_once(articles)  # warm-up
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        align_once(articles)
        timings.append((time.perf_counter() - started) * 1000)
    pairs = len(articles) * (len(articles) - 1) // 2
    p50 = percentile(timings, 50)
    progress(f"align: p50 {p50} ms ({links} links, {facts} facts)")
    return {
        "align_ms": p50,
        "align_ms_runs": [round(t, 1) for t in timings],
        "align_ms_per_pair": round(p50 / pairs, 2),
        "align_links": links,
        "align_facts": facts,
        "align_embeddings": name,
        "align_shape": f"{len(articles)}x{int(np.mean([len(a.texts) for a in articles]))}",
    }


if __name__ == "__main__":
    print(json.dumps(run_bench(), indent=2))
