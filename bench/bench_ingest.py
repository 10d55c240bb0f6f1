"""Bulk import through the app's real ingest path, against encoding the same sentences directly.

Not a test. ``ingest_batch()`` (store, clean, embed, assign to a story, align)
runs over chunks of articles, as ``import_articles`` does: a chunk's sentences
are encoded together, its articles placed one by one and its stories aligned
once, with the app's own encoder (``get_encoder()``: the settings' model,
precision and batch size, behind the embedding cache). Then
the stored sentences are encoded again, in one call, by
the same loaded model without the cache: the ceiling ingest could reach if
encoding were all it did. Last, a share of the articles is ingested again with a
trivial edit (not an exact duplicate), so their sentences are already known: the
cache and the stored embeddings should make that a multiple of raw encoding.

Articles: ../shared/eval-data/ecbplus-clustering-train.jsonl when present,
synthetic stories otherwise. Everything is written to a throwaway SQLite file.

    .venv/bin/python bench/bench_ingest.py             # the benchmark on its own
    .venv/bin/python bench/bench_ingest.py --worker    # (internal) the worker RSS probe
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_DB_ENV,
    EVAL_DATA,
    REPO,
    discard_database,
    percentile,
    progress,
    setup_django,
    synthetic_story,
    vmrss_mb,
)

ECB_TRAIN = EVAL_DATA / "ecbplus-clustering-train.jsonl"
# Appended to re-ingested articles: a changed text (not a duplicate) whose sentences are all known.
REPEAT_SUFFIX = "\n\nThis article has been updated."


class TimedEncoder:
    """Passes calls through to the app's encoder and adds up the time spent in them."""

    def __init__(self, inner):
        self.inner = inner
        self.dim = inner.dim
        self.model_id = inner.model_id
        self.seconds = 0.0
        self.calls = 0
        self.texts = 0

    def peek(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The app's caching encoder answers from memory without encoding: not timed."""
        peek = getattr(self.inner, "peek", None)
        return peek(keys) if peek else {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.encode(texts)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1
            self.texts += len(texts)


class Tally:
    """Counts and times calls to a few functions of the app while an ingest runs (diagnostics only)."""

    def __init__(self):
        self.calls: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    @contextmanager
    def watching(self, target: object, name: str):
        """Wrap ``target.name`` for the duration; the original is always put back."""
        original = getattr(target, name)
        self.calls.setdefault(name, 0)
        self.seconds.setdefault(name, 0.0)

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.calls[name] += 1
                self.seconds[name] += time.perf_counter() - started

        setattr(target, name, wrapper)
        try:
            yield self
        finally:
            setattr(target, name, original)


def _ecb_outlet(record_id: str) -> str:
    """ECB+ names no outlets: the document number ("1_10ecbplus" -> 10) stands in, so stories have several."""
    return "ECB+ source " + re.sub(r"\D", "", record_id.split("_")[-1])


def load_articles(limit: int) -> tuple[list, str]:
    """``limit`` ArticleInputs and a line saying where they came from."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.services.ingest import ArticleInput
    from compare.services.sources import parse_published

    if ECB_TRAIN.exists():
        records = [json.loads(line) for line in ECB_TRAIN.read_text(encoding="utf-8").splitlines() if line]
        articles = [
            ArticleInput(
                text=r["text"],
                title=r.get("title") or "",
                outlet=r.get("outlet") or _ecb_outlet(r["id"]),
                published=parse_published(r.get("published")),
                source_name=str(r["id"]),
            )
            for r in records[:limit]
        ]
        return articles, f"{len(articles)} real articles from {ECB_TRAIN}"
    articles = []
    seed = 0
    while len(articles) < limit:
        for item in synthetic_story(outlets=10, sentences=20, seed=1000 + seed):
            articles.append(ArticleInput(text=item.text, title=item.title, outlet=item.outlet))
        seed += 1
    articles = articles[:limit]
    return articles, f"{len(articles)} synthetic articles ({ECB_TRAIN} not found)"


def _ingest_all(articles: list, encoder, label: str) -> dict[str, object]:
    """Ingest as ``import_articles`` does: counts, wall time, chunk timings, where alignment went."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    import compare.services.alignment

    tally = Tally()
    # compare.services.alignment's own names: the ones bulk import's deferred alignment calls.
    with (
        tally.watching(compare.services.alignment, "align_story"),
        tally.watching(compare.services.alignment, "align_pair"),
    ):
        result = _ingest_chunks(articles, encoder, label)
    result["align_story_seconds"] = tally.seconds["align_story"]
    result["align_pair_calls"] = tally.calls["align_pair"]
    result["align_pair_seconds"] = tally.seconds["align_pair"]
    return result


def _ingest_chunks(articles: list, encoder, label: str) -> dict[str, object]:
    """``ingest_batch`` over chunks of ``WARM_CHUNK`` articles, exactly as ``import_articles`` calls it."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.management.commands.import_articles import WARM_CHUNK
    from compare.models import Article, Sentence
    from compare.services.ingest import IngestError, IngestResult, ingest_batch

    created, per_article_ms = [], []
    rejected = duplicates = 0
    started = time.perf_counter()
    for first in range(0, len(articles), WARM_CHUNK):
        chunk = articles[first : first + WARM_CHUNK]
        one = time.perf_counter()
        outcomes = ingest_batch(chunk, encoder=encoder)
        # Articles of a chunk are processed together: each gets the chunk's mean time.
        per_article_ms.extend([(time.perf_counter() - one) * 1000 / len(chunk)] * len(chunk))
        for outcome in outcomes:
            if isinstance(outcome, IngestError):
                rejected += 1
            elif isinstance(outcome, IngestResult) and outcome.created:
                created.append(outcome.article.pk)
            else:
                duplicates += 1
        rate = (first + len(chunk)) / (time.perf_counter() - started)
        progress(f"ingest {label}: {first + len(chunk)}/{len(articles)} articles ({rate:.1f} articles/s)")
    seconds = time.perf_counter() - started
    done = Article.objects.filter(pk__in=created, status=Article.Status.DONE)
    return {
        "ids": created,
        "seconds": seconds,
        "sentences": Sentence.objects.filter(article__in=done).count(),
        "done": done.count(),
        "failed": len(created) - done.count(),
        "rejected": rejected,
        "duplicates": duplicates,
        "per_article_ms": per_article_ms,
    }


def _new_pairs(article_ids: list[int]) -> int:
    """Article pairs that placing these articles created: what alignment needs to compute, at least."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from django.db.models import Count

    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.models import Story

    sizes = (
        Story.objects.filter(articles__pk__in=article_ids)
        .distinct()
        .annotate(n=Count("articles", distinct=True))
        .values_list("n", flat=True)
    )
    return sum(n * (n - 1) // 2 for n in sizes)


def _misses(encoder) -> int:
    return getattr(encoder, "misses", 0)


def _encode_rate(encoder, texts: list[str], threads: int | None = None) -> float:
    """Sentences/s of one ``encode`` call; on ``threads`` torch threads when given (then restored)."""
    # Imported here: torch is slow to import and only this timing needs it.
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(threads or before)
    try:
        started = time.perf_counter()
        encoder.encode(texts)
        return len(texts) / (time.perf_counter() - started)
    finally:
        torch.set_num_threads(before)


# Issue 7's target for bulk ingest, as a share of raw encoding's throughput.
TARGET_VS_RAW = 0.9


def overlap_ceiling(
    sentences: int, raw_rate: float, one_thread_rate: float, other_seconds: float, cores: int
) -> dict[str, float]:
    """How close to raw encoding ingest could come, given the work it does besides encoding.

    Ingest's other work (cleaning, placement, alignment, writes: one Python
    thread) could at best run beside the encoder on the other cores, perfectly
    packed. Encoding is cheapest in core-seconds on one thread per core (more
    threads per batch lose time to synchronisation), so on ``cores`` cores
    ingest takes at least ``max(raw encode, other, (other + one-thread
    encode) / cores)``. The budgets are how long the other work may take for
    ingest to reach ``TARGET_VS_RAW`` of raw encoding: run after the encoder (as now), or
    perfectly overlapped with it.

    Args:
        sentences: sentences ingested (and encoded raw).
        raw_rate: raw encode sentences/s, all threads.
        one_thread_rate: the same on one thread.
        other_seconds: ingest's wall time outside the encoder.
        cores: CPU cores available.
    """
    raw_seconds = sentences / raw_rate
    encode_core_seconds = sentences / one_thread_rate
    best = max(raw_seconds, other_seconds, (other_seconds + encode_core_seconds) / cores)
    return {
        "ingest_other_ms_per_sentence": round(1000 * other_seconds / sentences, 3),
        "ingest_ceiling_overlapped": round(raw_seconds / best, 3),
        "ingest_other_budget_ms_per_sentence_sequential": round(
            1000 * (raw_seconds / TARGET_VS_RAW - raw_seconds) / sentences, 3
        ),
        "ingest_other_budget_ms_per_sentence_overlapped": round(
            1000 * max(cores * raw_seconds / TARGET_VS_RAW - encode_core_seconds, 0.0) / sentences, 3
        ),
    }


def run_bench(limit: int = 300, repeat: int = 50) -> dict[str, object]:
    """Time bulk ingest, raw encoding of the same sentences, and re-ingest of known sentences.

    Django must be set up on a throwaway database (``bench.common.setup_django``).

    Args:
        limit: articles to ingest (at least 300 for the reported figure).
        repeat: how many of them to ingest again with a trivial edit.
    Returns:
        The ``ingest_*`` and ``raw_encode_*`` entries of results.json.
    """
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.models import Sentence, Story
    from compare.nlp.embedding.encoders import CachingEncoder
    from compare.services.encoder import get_encoder
    from compare.services.story_index import reset_index

    articles, source = load_articles(limit)
    progress(f"ingest: {source}")
    app_encoder = get_encoder()
    raw = app_encoder.inner if isinstance(app_encoder, CachingEncoder) else app_encoder
    started = time.perf_counter()
    raw.encode(["Warm-up: load the model before any timing starts."] * 8)
    progress(
        f"ingest: encoder {type(raw).__name__} ready in {time.perf_counter() - started:.1f}s "
        f"(precision {getattr(raw, 'precision', '-')}, batch size {getattr(raw, 'batch_size', '-')})"
    )
    reset_index()

    timed = TimedEncoder(app_encoder)
    misses = _misses(app_encoder)
    first = _ingest_all(articles, timed, "new")
    first_model_texts = _misses(app_encoder) - misses
    rate = first["sentences"] / first["seconds"]
    encode_share = timed.seconds / first["seconds"]
    align_share = first["align_story_seconds"] / first["seconds"]
    new_pairs = _new_pairs(first["ids"])
    progress(
        f"ingest: {first['sentences']} sentences in {first['seconds']:.1f}s = {rate:.1f} sentences/s; "
        f"encoder {encode_share:.0%} of the time ({first_model_texts} texts encoded), "
        f"align_story {align_share:.0%} ({first['align_pair_calls']} align_pair calls "
        f"for {new_pairs} new article pairs)"
    )

    texts = list(
        Sentence.objects.filter(article_id__in=first["ids"])
        .order_by("article_id", "index")
        .values_list("text", flat=True)
    )
    progress(f"raw encode: {len(texts)} sentences in one call, same model, no cache")
    raw_rate = _encode_rate(raw, texts)
    progress(f"raw encode: {raw_rate:.1f} sentences/s")
    one_thread = _encode_rate(raw, texts, threads=1)
    cores = len(os.sched_getaffinity(0))
    ceiling = overlap_ceiling(len(texts), raw_rate, one_thread, first["seconds"] - timed.seconds, cores)
    progress(f"raw encode, one thread: {one_thread:.1f} sentences/s; {ceiling}")

    timed_again = TimedEncoder(app_encoder)
    misses = _misses(app_encoder)
    again = [replace(data, text=data.text + REPEAT_SUFFIX) for data in articles[:repeat]]
    second = _ingest_all(again, timed_again, "repeat")
    second_model_texts = _misses(app_encoder) - misses
    repeat_rate = second["sentences"] / second["seconds"]
    progress(
        f"ingest repeat: {second['sentences']} sentences in {second['seconds']:.1f}s = "
        f"{repeat_rate:.1f} sentences/s ({repeat_rate / raw_rate:.2f}x raw encode); "
        f"{second_model_texts} texts encoded, align_story "
        f"{second['align_story_seconds'] / second['seconds']:.0%} of the time"
    )

    halves = np.array_split(np.asarray(first["per_article_ms"]), 2)
    return {
        "ingest_source": source,
        "ingest_articles": first["done"],
        "ingest_failed": first["failed"],
        "ingest_rejected": first["rejected"],
        "ingest_duplicates": first["duplicates"],
        "ingest_sentences": first["sentences"],
        "ingest_seconds": round(first["seconds"], 2),
        "ingest_sentences_per_s": round(rate, 1),
        "ingest_article_ms_p50": percentile(first["per_article_ms"], 50),
        "ingest_article_ms_p95": percentile(first["per_article_ms"], 95),
        "ingest_article_ms_first_half_mean": round(float(np.mean(halves[0])), 1),
        "ingest_article_ms_second_half_mean": round(float(np.mean(halves[1])), 1),
        "ingest_encoder_share": round(encode_share, 3),
        "ingest_encoder_texts_encoded": first_model_texts,
        # The encoder's own pace inside ingest (cache, chunking and batching included), against raw.
        "ingest_encoder_vs_raw_encode": round(first_model_texts / timed.seconds / raw_rate, 3)
        if timed.seconds
        else None,
        "ingest_align_story_share": round(align_share, 3),
        "ingest_align_pair_calls": first["align_pair_calls"],
        "ingest_new_article_pairs": new_pairs,
        "ingest_stories": Story.objects.filter(articles__pk__in=first["ids"]).distinct().count(),
        "raw_encode_sentences": len(texts),
        "raw_encode_sentences_per_s": round(raw_rate, 1),
        "ingest_vs_raw_encode": round(rate / raw_rate, 3),
        "ingest_repeat_articles": second["done"],
        "ingest_repeat_sentences": second["sentences"],
        "ingest_repeat_sentences_per_s": round(repeat_rate, 1),
        "ingest_repeat_speedup": round(repeat_rate / raw_rate, 2),
        "ingest_repeat_texts_encoded": second_model_texts,
        "ingest_repeat_encoder_share": round(timed_again.seconds / second["seconds"], 3),
        "ingest_repeat_align_story_share": round(second["align_story_seconds"] / second["seconds"], 3),
        "ingest_repeat_align_pair_calls": second["align_pair_calls"],
        "encoder_precision": getattr(raw, "precision", None),
        "raw_encode_one_thread_sentences_per_s": round(one_thread, 1),
        **ceiling,
    }


def _worker_probe(articles: int = 5) -> None:
    """In a child process: load the encoder, ingest a few new articles, print resident memory."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    import os

    setup_django(Path(os.environ[BENCH_DB_ENV]))
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    from compare.services.encoder import get_encoder
    from compare.services.ingest import ArticleInput, ingest

    encoder = get_encoder()
    stored = 0
    for item in synthetic_story(outlets=articles, sentences=30, seed=777):
        data = ArticleInput(text=item.text, title=item.title, outlet=item.outlet)
        stored += ingest(data, encoder=encoder).created
    print(json.dumps({"rss_mb": vmrss_mb(os.getpid()), "articles": stored}))


def worker_rss(db_path: Path) -> dict[str, object]:
    """Resident memory of a process doing a background worker's job (encoder loaded, articles ingested)."""
    # Imported here: the app's modules load only once bench.common.setup_django ran.
    import os
    import subprocess

    env = dict(os.environ, **{BENCH_DB_ENV: str(db_path)})
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"worker probe failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    if "--worker" in sys.argv:
        _worker_probe()
    else:
        db = setup_django()
        progress(f"database: {db}")
        print(json.dumps(run_bench(), indent=2))
        discard_database(db)
