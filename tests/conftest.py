"""Fixtures shared by every test layer."""

from __future__ import annotations

import pytest

from compare.nlp.embedding.encoders import CachingEncoder, SentenceTransformerEncoder
from compare.services import encoder as encoding


@pytest.fixture(scope="session")
def real_encoder() -> CachingEncoder:
    """The packaged model, loaded once for every slow test of the session."""
    return CachingEncoder(SentenceTransformerEncoder())


@pytest.fixture(autouse=True)
def hashing_encoder(settings):
    """By default the app's encoder is the fast, model-free one: tests of logic, not quality."""
    settings.EMBEDDING_BACKEND = "hashing"
    clear = encoding._default_encoder.cache_clear  # kept: a test may patch the function itself
    clear()
    yield encoding.get_encoder()
    clear()


@pytest.fixture
def use_real_model(real_encoder, monkeypatch):
    """Route the app's default encoder to the session's real model."""
    monkeypatch.setattr(encoding, "_default_encoder", lambda: real_encoder)
    return real_encoder
