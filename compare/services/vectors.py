"""Sentence vectors for the services: encoded once, stored with the sentence, reused by text.

A sentence already stored (same text, same model) is never encoded again: bulk
import and re-processing meet the same sentences many times over.
"""

from __future__ import annotations

import numpy as np

from compare.models import Sentence
from compare.nlp.embedding.encoders import Encoder, text_hash
from compare.services.encoder import get_encoder


def _stored_embeddings(hashes: list[str]) -> dict[str, bytes]:
    """Embeddings already in the database for these texts: never encode a sentence twice."""
    found: dict[str, bytes] = {}
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):  # SQLite allows ~1000 parameters per query
        rows = Sentence.objects.filter(text_hash__in=unique[i : i + 500]).exclude(embedding=None)
        for text_key, blob in rows.values_list("text_hash", "embedding"):
            found.setdefault(text_key, bytes(blob))
    return found


def embed_texts(texts: list[str], encoder: Encoder | None = None) -> list[bytes]:
    """float32 little-endian bytes per text, reusing embeddings held in memory or stored.

    Args:
        texts: the texts to embed.
        encoder: defaults to the process-wide model.
    """
    encoder = encoder or get_encoder()
    hashes = [text_hash(t) for t in texts]
    # The caching encoder's memory answers first: bulk import has just encoded
    # these texts, and a query per article for them cost more than the rest of
    # saving it. The database covers what other processes encoded.
    peek = getattr(encoder, "peek", None)
    known = {
        key: np.asarray(vector, dtype="<f4").tobytes()
        for key, vector in (peek(hashes) if peek else {}).items()
    }
    known.update(_stored_embeddings([key for key in hashes if key not in known]))
    missing = [t for t, h in zip(texts, hashes) if h not in known]
    if missing:
        vectors = encoder.encode(missing)
        for text, vector in zip(missing, vectors):
            known[text_hash(text)] = np.asarray(vector, dtype="<f4").tobytes()
    return [known[h] for h in hashes]


def as_matrix(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors (float32 little-endian bytes) as one row each."""
    return np.stack([np.frombuffer(blob, dtype="<f4") for blob in blobs])
