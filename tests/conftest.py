"""Fixtures shared by every test layer."""

from __future__ import annotations

import pytest

from compare.encoding import get_encoder
from compare.nlp.embedding import CachingEncoder, SentenceTransformerEncoder


@pytest.fixture(scope="session")
def real_encoder() -> CachingEncoder:
    """The packaged model, loaded once for every slow test of the session."""
    return CachingEncoder(SentenceTransformerEncoder())


@pytest.fixture(autouse=True)
def hashing_encoder(settings):
    """By default the app's encoder is the fast, model-free one: tests of logic, not quality."""
    settings.EMBEDDING_BACKEND = "hashing"
    get_encoder.cache_clear()
    yield get_encoder()
    get_encoder.cache_clear()


@pytest.fixture
def use_real_model(real_encoder, monkeypatch):
    """Route the app's default encoder to the session's real model."""
    monkeypatch.setattr("compare.ingest.get_encoder", lambda: real_encoder)
    return real_encoder
