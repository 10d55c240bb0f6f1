"""The process-wide encoder, built from settings on first use (never at import)."""

from __future__ import annotations

import functools

from django.conf import settings

from compare.nlp.embedding import CachingEncoder, Encoder, HashingEncoder, SentenceTransformerEncoder


@functools.cache
def get_encoder() -> Encoder:
    """The cached default encoder; tests pass their own encoder instead."""
    if settings.EMBEDDING_BACKEND == "hashing":
        inner: Encoder = HashingEncoder()
    else:
        inner = SentenceTransformerEncoder(
            model_path=settings.EMBEDDING_MODEL_PATH or None,
            device=settings.EMBEDDING_DEVICE,
            batch_size=settings.EMBEDDING_BATCH_SIZE,
            precision=settings.EMBEDDING_PRECISION,
        )
    return CachingEncoder(inner)
