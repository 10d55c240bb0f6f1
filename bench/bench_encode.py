"""Encoder speed and quality, float32 against bfloat16 and int8, on the STS-B news dev sentences.

Not a test: it encodes the 2 x 500 dev sentences with ``SentenceTransformerEncoder``
at precision "fp32", "bf16" and "int8" (ONNX Runtime, when installed), after a
warm-up, rounds interleaved and the best kept, as the machine may be busy;
scores Spearman of cosine(a, b) against the gold score; and records which
precision "auto" picks on this machine. ``encode_speedup_vs_fp32`` is that of
the fastest path whose Spearman is within 0.005 of float32's.

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
from compare.nlp.embedding import SentenceTransformerEncoder  # noqa: E402
from compare.nlp.metrics import spearman  # noqa: E402

STSB_DEV = EVAL_DATA / "stsb-news-dev.jsonl"


def load_stsb(path: Path = STSB_DEV) -> tuple[list[str], list[str], list[float]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["a"] for r in rows], [r["b"] for r in rows], [float(r["score"]) for r in rows]


def _spearman_of(vectors: np.ndarray, pairs: int, scores: list[float]) -> float:
    cosines = np.sum(vectors[:pairs] * vectors[pairs:], axis=1)  # rows are unit length
    return round(float(spearman(cosines.tolist(), scores)), 4)


SPEARMAN_TOLERANCE = 0.005


def run_bench(
    model_path: str | None = None, device: str = "cpu", batch_size: int = 64, rounds: int = 3
) -> dict[str, object]:
    """Time every precision on the STS-B dev sentences and score each.

    Args:
        model_path, device, batch_size: as the app's settings give them.
        rounds: timed passes per precision, interleaved; the fastest counts.
    Returns:
        The ``encode_*`` and ``stsb_dev_*`` entries of results.json.
    """
    from compare.nlp import onnx_int8

    offline_environment()
    if not STSB_DEV.exists():
        progress(f"encode: {STSB_DEV} not found, skipped")
        return {}
    first, second, scores = load_stsb()
    texts = first + second
    progress(f"encode: {len(texts)} STS-B news dev sentences ({len(scores)} pairs) from {STSB_DEV}")
    precisions = ["fp32", "bf16"] + (["int8"] if onnx_int8.available() else [])
    encoders = {
        precision: SentenceTransformerEncoder(model_path, device, batch_size, precision=precision)
        for precision in precisions
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
    del encoders
    gc.collect()

    auto = SentenceTransformerEncoder(model_path, device, batch_size, precision="auto")
    auto.encode(texts[:1])  # loading runs the start-up timing that decides
    choice = auto.precision
    del auto
    gc.collect()
    progress(f"encode: precision='auto' picks {choice}")

    rates = {p: round(len(texts) / t, 1) for p, t in best.items()}
    spearmans = {p: _spearman_of(v, len(scores), scores) for p, v in vectors.items()}
    within = [p for p in precisions if abs(spearmans[p] - spearmans["fp32"]) <= SPEARMAN_TOLERANCE]
    fastest = max(within, key=rates.__getitem__)
    result: dict[str, object] = {"encode_sentences": len(texts)}
    for precision in precisions:
        result[f"encode_{precision}_sentences_per_s"] = rates[precision]
        result[f"stsb_dev_spearman_{precision}"] = spearmans[precision]
        if precision != "fp32":
            agreement = float(np.mean(np.sum(vectors["fp32"] * vectors[precision], axis=1)))
            result[f"encode_{precision}_mean_cosine_to_fp32"] = round(agreement, 5)
            result[f"encode_{precision}_speedup_vs_fp32"] = round(rates[precision] / rates["fp32"], 2)
    result.update(
        encode_speedup_vs_fp32=round(rates[fastest] / rates["fp32"], 2),
        encode_fastest_within_tolerance=fastest,
        encode_auto_choice=choice,
    )
    return result


if __name__ == "__main__":
    result = run_bench(
        os.environ.get("EMBEDDING_MODEL_PATH") or None,
        os.environ.get("EMBEDDING_DEVICE", "cpu"),
        int(os.environ.get("EMBEDDING_BATCH_SIZE", "64")),
    )
    print(json.dumps(result, indent=2))
