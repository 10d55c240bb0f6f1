"""The process-wide encoder, built from settings on first use (never at import)."""

from __future__ import annotations

import functools

from django.conf import settings

from compare.nlp.align.pair_model import load_model
from compare.nlp.align.params import load_params
from compare.nlp.embedding.encoders import CachingEncoder, Encoder, HashingEncoder, SentenceTransformerEncoder
from compare.nlp.stories.params import default_params


def get_encoder() -> Encoder:
    """The process-wide encoder. Looked up at each call, so one override reaches every caller."""
    return _default_encoder()


def preload_encoder() -> Encoder:
    """Build the process-wide encoder and load its model now, so no request waits for it.

    Called where a process starts serving requests (``compare/wsgi.py``, behind
    ``PRELOAD_MODEL``): loading all-MiniLM-L6-v2 and timing its precision takes
    seconds (30 on a busy machine), which the first upload, preview or correction
    would otherwise spend inside the request.
    """
    encoder = get_encoder()
    encoder.encode(["The model is loaded when the server starts."])  # the model loads on first use
    return encoder


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


def params_fitted_for_another_model() -> list[str]:
    """What the shipped parameter files were fitted with, where that is not the model this process runs.

    Their weights and thresholds were fitted on one model's vectors and mean
    little for another's: ``manage.py check`` warns (``compare.checks``).
    """
    model = get_encoder().model_id
    fitted = {
        "fact pair model": load_model().model_id,
        "alignment": load_params().model_id,
        "story assignment": default_params().model_id,
    }
    return [
        f"The {name} parameters were fitted with the model '{other}'; this server embeds with '{model}'."
        for name, other in fitted.items()
        if other != model
    ]
