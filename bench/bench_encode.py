"""Encoder speed and quality, float32 against bfloat16, on the STS-B news dev sentences.

Not a test: it encodes the 2 x 500 dev sentences with ``SentenceTransformerEncoder``
at precision "fp32" and "bf16" (after a warm-up; rounds interleaved, best kept, as
the machine may be busy), scores Spearman of cosine(a, b) against the gold score,
and records which precision "auto" picks on this machine.

    .venv/bin/python bench/bench_encode.py
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import EVAL_DATA, offline_environment, progress  # noqa: E402
from compare.nlp.embedding.encoders import SentenceTransformerEncoder  # noqa: E402
from compare.research.metrics import spearman  # noqa: E402

STSB_DEV = EVAL_DATA / "stsb-news-dev.jsonl"


def load_stsb(path: Path = STSB_DEV) -> tuple[list[str], list[str], list[float]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["a"] for r in rows], [r["b"] for r in rows], [float(r["score"]) for r in rows]


def _spearman_of(vectors: np.ndarray, pairs: int, scores: list[float]) -> float:
    cosines = np.sum(vectors[:pairs] * vectors[pairs:], axis=1)  # rows are unit length
    return round(float(spearman(cosines.tolist(), scores)), 4)


def run_bench(
    model_path: str | None = None, device: str = "cpu", batch_size: int = 64, rounds: int = 3
) -> dict[str, object]:
    """Time fp32 and bf16 encoding of the STS-B dev sentences and score both.

    Args:
        model_path, device, batch_size: as the app's settings give them.
        rounds: timed passes per precision, interleaved; the fastest counts.
    Returns:
        The ``encode_*`` and ``stsb_dev_*`` entries of results.json.
    """
    offline_environment()
    if not STSB_DEV.exists():
        progress(f"encode: {STSB_DEV} not found, skipped")
        return {}
    first, second, scores = load_stsb()
    texts = first + second
    progress(f"encode: {len(texts)} STS-B news dev sentences ({len(scores)} pairs) from {STSB_DEV}")
    encoders = {
        precision: SentenceTransformerEncoder(model_path, device, batch_size, precision=precision)
        for precision in ("fp32", "bf16")
    }
    for precision, encoder in encoders.items():
        encoder.encode(texts[:batch_size])  # load and warm up
        progress(f"encode: {precision} loaded and warmed up")
    best: dict[str, float] = {}
    vectors: dict[str, np.ndarray] = {}
    for round_number in range(1, rounds + 1):
        for precision, encoder in encoders.items():
            started = time.perf_counter()
            vectors[precision] = encoder.encode(texts)
            elapsed = time.perf_counter() - started
            best[precision] = min(best.get(precision, elapsed), elapsed)
            progress(
                f"encode: round {round_number}/{rounds} {precision}: {len(texts) / elapsed:.0f} sentences/s"
            )
    agreement = float(np.mean(np.sum(vectors["fp32"] * vectors["bf16"], axis=1)))
    del encoders
    gc.collect()

    auto = SentenceTransformerEncoder(model_path, device, batch_size, precision="auto")
    auto.encode(texts[:1])  # loading runs the start-up timing that decides
    choice = auto.precision
    del auto
    gc.collect()
    progress(f"encode: precision='auto' picks {choice}")

    rates = {p: round(len(texts) / t, 1) for p, t in best.items()}
    return {
        "encode_sentences": len(texts),
        "encode_fp32_sentences_per_s": rates["fp32"],
        "encode_bf16_sentences_per_s": rates["bf16"],
        "encode_speedup_vs_fp32": round(rates["bf16"] / rates["fp32"], 2),
        "stsb_dev_spearman_fp32": _spearman_of(vectors["fp32"], len(scores), scores),
        "stsb_dev_spearman_bf16": _spearman_of(vectors["bf16"], len(scores), scores),
        "encode_bf16_mean_cosine_to_fp32": round(agreement, 5),
        "encode_auto_choice": choice,
    }


if __name__ == "__main__":
    result = run_bench(
        os.environ.get("EMBEDDING_MODEL_PATH") or None,
        os.environ.get("EMBEDDING_DEVICE", "cpu"),
        int(os.environ.get("EMBEDDING_BATCH_SIZE", "64")),
    )
    print(json.dumps(result, indent=2))
