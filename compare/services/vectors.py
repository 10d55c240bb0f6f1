"""Sentence vectors for the services: encoded once, stored with the sentence and its model, reused.

A sentence already stored (same text, same model) is never encoded again: bulk
import and re-processing meet the same sentences many times over. Vectors of
two models are never mixed: a database whose vectors came from another model
than the one this process runs is refused until ``manage.py reembed`` has
re-encoded them.
"""

from __future__ import annotations

import numpy as np

from compare.models import Sentence
from compare.nlp.embedding.encoders import Encoder, text_hash
from compare.services.encoder import get_encoder


class ModelMismatch(RuntimeError):
    """The stored vectors come from another model than the one this process runs."""


# Models whose database was found clean in this process (the check reads the whole table once).
_checked: set[str] = set()


def check_model(encoder: Encoder) -> None:
    """Refuse to add vectors of this encoder's model to a database holding another model's.

    Raises:
        ModelMismatch: with what to do, in words an editor can pass on.
    """
    if encoder.model_id in _checked:
        return
    other = (
        Sentence.objects.exclude(embedding_model=encoder.model_id)
        .exclude(embedding=None)
        .values_list("embedding_model", flat=True)
        .first()
    )
    if other is not None:
        raise ModelMismatch(
            f"The stored sentence vectors come from the model '{other or 'unknown'}', but this server runs "
            f"'{encoder.model_id}': the two cannot be compared. An administrator must run "
            "'manage.py reembed' (or set EMBEDDING_MODEL_PATH back)."
        )
    _checked.add(encoder.model_id)


def forget_checks() -> None:
    """Check the database again on next use (after ``reembed``, and between tests)."""
    _checked.clear()


def _stored_embeddings(hashes: list[str], model_id: str) -> dict[str, bytes]:
    """Embeddings of this model already in the database for these texts: never encode a sentence twice."""
    found: dict[str, bytes] = {}
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):  # SQLite allows ~1000 parameters per query
        rows = Sentence.objects.filter(text_hash__in=unique[i : i + 500], embedding_model=model_id).exclude(
            embedding=None
        )
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
    known.update(_stored_embeddings([key for key in hashes if key not in known], encoder.model_id))
    missing = [t for t, h in zip(texts, hashes) if h not in known]
    if missing:
        vectors = encoder.encode(missing)
        for text, vector in zip(missing, vectors):
            known[text_hash(text)] = np.asarray(vector, dtype="<f4").tobytes()
    return [known[h] for h in hashes]


def as_matrix(blobs: list[bytes]) -> np.ndarray:
    """Stored vectors (float32 little-endian bytes) as one row each."""
    return np.stack([np.frombuffer(blob, dtype="<f4") for blob in blobs])
