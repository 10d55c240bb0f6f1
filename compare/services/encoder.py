"""The process-wide encoder, built from settings on first use (never at import)."""

from __future__ import annotations

import functools

from django.conf import settings

from compare.nlp.embedding.encoders import CachingEncoder, Encoder, HashingEncoder, SentenceTransformerEncoder


def get_encoder() -> Encoder:
    """The process-wide encoder. Looked up at each call, so one override reaches every caller."""
    return _default_encoder()


@functools.cache
def _default_encoder() -> Encoder:
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
