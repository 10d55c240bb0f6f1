"""Fit the story-assignment parameters on ECB+ train+dev and write clustering_params.json.

Run from the project root::

    .venv/bin/python -m compare.nlp.clustering_calibration ../shared/eval-data
    .venv/bin/python -m compare.nlp.clustering_calibration ../shared/eval-data --report

The first command grid-searches on train and dev only and writes the params
file with its provenance; ``--report`` scores the shipped params (and the plain
cosine baseline) on train, dev and test. Embeddings are cached on disk, keyed
by sentence hash, so each text is encoded once across runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.clustering_eval import (
    PreparedArticle,
    prepare,
    read_jsonl,
)
from compare.nlp.embedding import Encoder, SentenceTransformerEncoder, text_hash

DEFAULT_CACHE = Path(os.environ.get("CLUSTER_EVAL_CACHE", "/tmp/eval-cache/cluster"))
SPLITS = ("train", "dev", "test")


class DiskCachedEncoder:
    """Encodes each distinct text once, ever: vectors persist in one .npz per name."""

    def __init__(self, inner: Encoder, path: Path):
        self.inner, self.path, self.dim = inner, path, inner.dim
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self._vectors = dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._vectors}
        if missing:
            fresh = self.inner.encode(list(missing.values()))
            self._vectors.update(zip(missing, fresh, strict=True))
            self._save()
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._vectors))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self._vectors.values())))
        tmp.replace(self.path)


def load_split(data_dir: Path, split: str, cache_dir: Path = DEFAULT_CACHE) -> list[PreparedArticle]:
    """Split and encode one ECB+ clustering file, through the disk cache."""
    encoder = DiskCachedEncoder(SentenceTransformerEncoder(), cache_dir / f"ecbplus-{split}.npz")
    return prepare(read_jsonl(data_dir / f"ecbplus-clustering-{split}.jsonl"), encoder)


def pooled(results: Sequence[dict[str, Any]]) -> float:
    """B-cubed F1 averaged over runs, weighted by their number of articles."""
    total = sum(r["n"] for r in results)
    return sum(r["bcubed_f1"] * r["n"] for r in results) / total
