"""Encoders: the cache encodes each text once; the real model in both precisions."""

from __future__ import annotations

import numpy as np
import pytest

from compare.nlp.embedding.encoders import (
    CachingEncoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    normalize_rows,
    text_hash,
)


class CountingEncoder:
    dim = 4
    model_id = "counting-4"

    def __init__(self):
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return normalize_rows(np.array([[len(t), 1, 0, 0] for t in texts], dtype=np.float32))


def test_the_cache_encodes_each_distinct_text_once():
    inner = CountingEncoder()
    encoder = CachingEncoder(inner)
    first = encoder.encode(["a", "bb", "a"])
    second = encoder.encode(["bb", "ccc"])
    assert inner.seen == ["a", "bb", "ccc"]
    assert np.allclose(first[1], second[0])
    assert encoder.hits == 2 and encoder.misses == 3


def test_the_cache_stays_within_its_size():
    encoder = CachingEncoder(CountingEncoder(), max_entries=2)
    encoder.encode(["a", "b", "c"])
    assert len(encoder._cache) == 2
    assert encoder.encode(["a"]).shape == (1, 4)


def test_peeking_serves_cached_vectors_and_keeps_them_cached():
    inner = CountingEncoder()
    encoder = CachingEncoder(inner, max_entries=2)
    encoder.encode(["a", "b"])
    found = encoder.peek([text_hash("a"), text_hash("zzz")])
    assert list(found) == [text_hash("a")] and encoder.hits == 0  # peeking counts nothing
    encoder.encode(["c"])  # evicts the least recently used: "b", not the "a" just served
    assert text_hash("a") in encoder.peek([text_hash("a")])
    assert inner.seen == ["a", "b", "c"]


def test_an_empty_batch_is_an_empty_matrix():
    assert CachingEncoder(HashingEncoder()).encode([]).shape == (0, 384)


def test_the_hashing_encoder_is_deterministic_and_normalised():
    vectors = HashingEncoder().encode(["Storm hits Malta", "Storm hits Malta", "Quake in Lima"])
    assert np.allclose(vectors[0], vectors[1])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert vectors[0] @ vectors[2] < 0.5


def test_an_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="precision"):
        SentenceTransformerEncoder(precision="fp8")


@pytest.mark.slow
def test_bf16_and_fp32_give_the_same_meaning():
    texts = [
        "Putin met Assad in Sochi on Thursday.",
        "The Russian president hosted Assad in Sochi.",
        "Rain in Oslo.",
    ]
    fp32 = SentenceTransformerEncoder(precision="fp32").encode(texts)
    encoder = SentenceTransformerEncoder(precision="bf16")
    bf16 = encoder.encode(texts)
    assert str(encoder._model.dtype) == "torch.bfloat16"  # the weights themselves, not autocast
    assert bf16.dtype == np.float32
    assert np.allclose(np.linalg.norm(bf16, axis=1), 1.0, atol=1e-4)
    assert np.min(np.sum(fp32 * bf16, axis=1)) > 0.99
    assert (fp32[0] @ fp32[1] > fp32[0] @ fp32[2]) and (bf16[0] @ bf16[1] > bf16[0] @ bf16[2])


def test_a_local_models_vector_size_is_read_from_its_folder_without_loading_it(tmp_path):
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"word_embedding_dimension": 768}')
    encoder = SentenceTransformerEncoder(model_path=str(tmp_path))
    assert encoder.dim == 768
    assert encoder.model_id == f"local:{tmp_path.name}"
    assert encoder._model is None
