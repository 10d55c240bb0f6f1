"""Scoring of the pair and alignment formats, and the event level, on tiny hand-made records (no model)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest

from compare.nlp.align.engine import AlignmentParams, ArticleSentences, align_by_similarity, load_params
from compare.nlp.align.pair_model import FEATURE_NAMES, FactModel
from compare.nlp.embedding.encoders import HashingEncoder
from compare.nlp.stories.params import load_params as load_clustering_params
from compare.research.baselines import cosine_head, plain_cosine_params
from compare.research.datasets import DiskCachedEncoder, read_jsonl
from compare.research.evaluation import evaluate_alignment, evaluate_pairs, pair_scores
from compare.research.event_alignment import align_events


class TableEncoder:
    """Looks each text up in a hand-made table of vectors, and counts what it was asked."""

    def __init__(self, table: dict[str, Sequence[float]], model_id: str = "table"):
        self.table = table
        self.model_id = model_id
        self.dim = len(next(iter(table.values())))
        self.calls: list[list[str]] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        vectors = np.asarray([self.table[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)


@pytest.fixture
def cosine_at_half() -> AlignmentParams:
    return plain_cosine_params(pair_threshold=0.5, link_threshold=0.5)


def test_evaluate_pairs_scores_labels_and_grades(cosine_at_half):
    encoder = TableEncoder({"a": [1, 0], "a2": [1, 0.1], "b": [0, 1], "c": [0.7, 0.7]})
    records = [
        {"a": "a", "b": "a2", "label": 1},
        {"a": "a", "b": "b", "label": 0},
        {"a": "a", "b": "c", "label": 0},
        {"a": "a", "b": "b", "score": 0.0},
        {"a": "a", "b": "c", "score": 2.5},
        {"a": "a", "b": "a2", "score": 5.0},
    ]
    scores = evaluate_pairs(records, encoder, cosine_at_half)
    assert scores["n"] == 6
    assert scores["n_labelled"] == 3
    assert scores["accuracy"] == pytest.approx(2 / 3)
    assert scores["precision"] == 0.5
    assert scores["recall"] == 1.0
    assert scores["spearman"] == pytest.approx(1.0)


def test_evaluate_pairs_encodes_all_texts_in_one_call(cosine_at_half):
    encoder = TableEncoder({"a": [1, 0], "b": [0, 1]})
    evaluate_pairs(
        [{"a": "a", "b": "b", "label": 0}, {"a": "b", "b": "a", "label": 0}], encoder, cosine_at_half
    )
    assert encoder.calls == [["a", "b"]]


def _record(gold_links: list[list[int]], scored_a=(0, 1), scored_b=(0, 1)) -> dict:
    return {
        "id": "t",
        "a": {"id": "x", "sentences": ["a-fire", "a-vote", "a-other"]},
        "b": {"id": "y", "sentences": ["b-fire", "b-vote", "b-fire-again"]},
        "scored_a": list(scored_a),
        "scored_b": list(scored_b),
        "gold_links": gold_links,
    }


VECTORS = {
    "a-fire": [1, 0, 0], "a-vote": [0, 1, 0], "a-other": [0, 0, 1],
    "b-fire": [1, 0.1, 0], "b-vote": [0, 0.2, 1], "b-fire-again": [0.9, 0, 0.1],
}  # fmt: skip


def _cosine_model(threshold: float) -> FactModel:
    """A pair model that links exactly the pairs with cosine >= threshold."""
    weights = np.zeros(len(FEATURE_NAMES))
    weights[FEATURE_NAMES.index("pair_cosine")] = 100.0
    return FactModel(weights, -100.0 * threshold, link_threshold=0.5, same_threshold=0.99)


COSINE_AT_HALF = _cosine_model(0.5)


def test_evaluate_alignment_counts_links_and_unique_sentences(cosine_at_half):
    # Predicted: (0, 0) only. Gold: (0, 0) and (1, 1).
    records = [_record([[0, 0], [1, 1]])]
    scores = evaluate_alignment(records, TableEncoder(VECTORS), cosine_at_half, model=COSINE_AT_HALF)
    assert scores["n_pairs"] == 4
    assert (scores["link_precision"], scores["link_recall"]) == (1.0, 0.5)
    # a-vote and b-vote look unique to the model but are linked in gold.
    assert scores["unique_false_positives"] == 2
    assert scores["unique_true_positives"] == 0


def test_evaluate_alignment_ignores_links_to_unscored_sentences(cosine_at_half):
    # b-fire-again (index 2) matches a-fire too, but only b 0 and b 1 were scored.
    scores = evaluate_alignment(
        [_record([[0, 0]])], TableEncoder(VECTORS), cosine_at_half, model=COSINE_AT_HALF
    )
    assert scores["link_f1"] == 1.0
    assert scores["unique_true_positives"] == 2
    assert scores["unique_f1"] == 1.0


def test_read_jsonl_skips_blank_lines(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        '{"a": "x", "b": "y", "label": 1}\n\n{"a": "x", "b": "z", "label": 0}\n', encoding="utf-8"
    )
    assert [r["b"] for r in read_jsonl(path)] == ["y", "z"]


def test_disk_cache_encodes_each_text_once_across_runs(tmp_path):
    inner = TableEncoder({"a": [1, 0], "b": [0, 1], "c": [1, 1]})
    first = DiskCachedEncoder(inner, tmp_path / "file.npz").encode(["a", "b", "a"])
    again = DiskCachedEncoder(inner, tmp_path / "file.npz").encode(["b", "c"])
    assert inner.calls == [["a", "b"], ["c"]]
    assert np.allclose(again[0], first[1])


def test_disk_cache_never_serves_another_models_vectors(tmp_path):
    DiskCachedEncoder(TableEncoder({"a": [1, 0]}), tmp_path / "file.npz").encode(["a"])
    other = TableEncoder({"a": [0, 1]}, model_id="another model")
    assert np.allclose(DiskCachedEncoder(other, tmp_path / "file.npz").encode(["a"]), [[0, 1]])
    assert other.calls == [["a"]]


def test_evaluate_alignment_runs_the_app_path_unless_event_level_is_asked(cosine_at_half):
    # The event head links down to cosine 0.1, the app's fact level only at 0.5:
    # a-vote and b-vote (cosine 0.2) are linked at the event level alone.
    params = replace(cosine_at_half, alignment=cosine_head(0.1))
    records = [_record([[0, 0], [1, 1]])]
    facts = evaluate_alignment(records, TableEncoder(VECTORS), params, model=COSINE_AT_HALF)
    similarity = evaluate_alignment(records, TableEncoder(VECTORS), params, level="similarity")
    events = evaluate_alignment(records, TableEncoder(VECTORS), params, level="event")
    assert (facts["level"], facts["link_true_positives"], facts["link_recall"]) == ("fact", 1, 0.5)
    assert (similarity["link_true_positives"], similarity["link_recall"]) == (1, 0.5)
    assert (events["level"], events["link_true_positives"], events["link_recall"]) == ("event", 2, 1.0)
    with pytest.raises(ValueError):
        evaluate_alignment(records, TableEncoder(VECTORS), params, level="story")


def _article(key: int, vectors: list[list[float]]) -> ArticleSentences:
    texts = [f"Sentence {n} of article {key}." for n in range(len(vectors))]
    return ArticleSentences(key, texts, np.asarray(vectors, dtype=np.float32))


def test_event_level_links_are_a_broader_set_keeping_the_fact_level_kinds():
    a = _article(1, [[1, 0, 0], [0, 1, 0]])
    b = _article(2, [[0.99, 0.14, 0], [0.6, 0.8, 0]])
    events = replace(plain_cosine_params(pair_threshold=0.9, link_threshold=0.7), alignment=cosine_head(0.5))
    facts = {(lk.a.sentence, lk.b.sentence): lk.kind for lk in align_by_similarity(a, b, events)}
    event_links = {(lk.a.sentence, lk.b.sentence): lk.kind for lk in align_events(a, b, events)}
    assert facts == {(0, 0): "same", (1, 1): "partial"}
    assert event_links == {(0, 0): "same", (0, 1): "partial", (1, 1): "partial"}


def test_an_empty_article_has_no_event_links(cosine_at_half):
    empty = ArticleSentences(1, [], np.zeros((0, 3), dtype=np.float32))
    assert align_events(empty, _article(2, [[1, 0, 0]]), cosine_at_half) == []


def test_a_paraphrase_is_more_probable_than_an_unrelated_pair():
    texts = [
        "The Indian navy captured 23 pirates in the Gulf of Aden on Saturday.",
        "On Saturday the Indian navy captured 23 pirates in the Gulf of Aden.",
        "Shares of the bank fell sharply in early trading.",
    ]
    vectors = HashingEncoder().encode(texts)
    paraphrase, unrelated = pair_scores(
        load_params().pair, [texts[0], texts[0]], [texts[1], texts[2]], vectors[[0, 0]], vectors[[1, 2]]
    )
    assert paraphrase > 0.5 > unrelated


MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"


def test_the_shipped_params_files_name_the_model_they_were_fitted_with():
    assert load_params().model_id == MODEL_ID
    assert load_clustering_params().model_id == MODEL_ID


def test_a_params_file_naming_no_model_was_fitted_with_the_packaged_one(tmp_path):
    alignment = load_params().to_dict()
    assert alignment.pop("model_id") == MODEL_ID
    assert AlignmentParams.from_dict(alignment).model_id == MODEL_ID
    flat = tmp_path / "clustering.json"
    flat.write_text(json.dumps({"threshold": 1.0}), encoding="utf-8")
    assert load_clustering_params(flat).model_id == MODEL_ID


def test_a_params_file_keeps_the_model_it_names():
    named = {**load_params().to_dict(), "model_id": "some/other-model"}
    assert AlignmentParams.from_dict(named).model_id == "some/other-model"
