"""Pair features on hand-written sentences and hand-made vectors (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from compare.nlp.align.features import PAIR_NAMES, pair_feature_rows, sentence_info, stem
from compare.research.features import ALIGNMENT_NAMES, CONTEXT_NAMES, context_features, pair_feature_matrix


def _features(a: str, b: str, cosine: float = 0.5) -> dict[str, float]:
    row = pair_feature_matrix([a], [b], np.array([cosine]))[0]
    return dict(zip(PAIR_NAMES, row, strict=True))


def test_sentence_info_finds_numbers_names_and_quoted_words():
    info = sentence_info('Police said 23 pirates and "two dozen hostages" were held near Aden, Sinha said.')
    assert {"23", "2"} <= info.numbers
    assert {"aden", "sinha"} <= info.names
    assert "hostag" in info.quoted or "hostage" in info.quoted


def test_first_word_of_a_sentence_is_not_taken_for_a_name():
    assert "police" not in sentence_info("Police arrested two men.").names


def test_stem_matches_inflections_of_one_verb():
    assert stem("captured") == stem("captures") == stem("capturing")


def test_identical_sentences_overlap_fully():
    features = _features("The navy captured 23 pirates.", "The navy captured 23 pirates.", 1.0)
    assert features["word_jaccard"] == 1.0
    assert features["token_set_ratio"] == 1.0
    assert features["length_ratio"] == 1.0
    assert features["numbers_disagree"] == 0.0
    assert features["unmatched_max"] == 0.0


def test_different_numbers_are_flagged_as_disagreeing():
    features = _features("Shares rose 11 percent.", "Shares rose 8 percent.")
    assert features["numbers_both"] == 1.0
    assert features["numbers_disagree"] == 1.0


def test_unmatched_content_measures_what_one_side_adds():
    short = "Bloodsworth was cleared with DNA evidence."
    longer = "In 1993, after nine years in prison, Bloodsworth was cleared with DNA evidence."
    assert _features(short, longer)["unmatched_max"] > 0.4
    assert _features(short, longer)["unmatched_min"] == 0.0


def test_quotes_on_both_sides_switch_on_the_quote_interaction():
    features = _features('"We will respond," he said.', '"We shall answer," she said.', cosine=0.8)
    assert features["quotes_both"] == 1.0
    assert features["cosine_x_quotes"] == pytest.approx(0.8)


def test_empty_sentences_give_finite_features():
    row = pair_feature_matrix(["", "..."], ["", "Something happened."], np.array([0.0, 0.1]))
    assert np.all(np.isfinite(row))


def test_rows_for_candidate_pairs_match_the_pairwise_matrix():
    texts_a = ["Rockets hit Israel.", "Schools stay closed."]
    texts_b = ["Dozens of rockets hit northern Israel.", "The UN urged restraint."]
    infos_a = [sentence_info(t) for t in texts_a]
    infos_b = [sentence_info(t) for t in texts_b]
    rows = pair_feature_rows(infos_a, infos_b, np.array([1, 0]), np.array([0, 1]), np.array([0.2, 0.3]))
    direct = pair_feature_matrix([texts_a[1], texts_a[0]], [texts_b[0], texts_b[1]], np.array([0.2, 0.3]))
    assert np.allclose(rows, direct)


def test_context_features_mark_the_mutual_best_match():
    emb_a = np.eye(3)[:2]
    emb_b = np.array([[0.0, 1.0, 0.0], [0.6, 0.8, 0.0]])
    cos = emb_a @ emb_b.T
    rows, cols = np.array([1, 1, 0]), np.array([0, 1, 1])
    context = dict(zip(CONTEXT_NAMES, context_features(cos, emb_a, emb_b, rows, cols).T, strict=True))
    # a0 prefers b1, but b1 prefers a1: only (a1, b0) is mutual.
    assert context["mutual_best"].tolist() == [1.0, 0.0, 0.0]
    assert context["rank_in_row"][0] == 0.0
    assert context["row_margin"][1] == pytest.approx(-0.2)


def test_alignment_features_extend_the_pair_features():
    assert ALIGNMENT_NAMES[: len(PAIR_NAMES)] == PAIR_NAMES
    assert len(set(ALIGNMENT_NAMES)) == len(ALIGNMENT_NAMES)
