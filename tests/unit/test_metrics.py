"""Quality measures on tiny hand-made cases."""

from __future__ import annotations

import pytest

from compare.research.metrics import bcubed, binary_scores, prf, spearman


def test_prf_counts():
    result = prf(3, 1, 2)
    assert result.precision == 0.75
    assert result.recall == 0.6
    assert result.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)


def test_prf_with_nothing_predicted_is_zero_not_an_error():
    assert prf(0, 0, 5).f1 == 0.0


def test_binary_scores():
    # One true positive, two false positives, one false negative, one true negative.
    scores = binary_scores([1, 1, 1, 0, 0], [1, 0, 0, 0, 1])
    assert scores == pytest.approx({"n": 5, "accuracy": 0.4, "precision": 1 / 3, "recall": 0.5, "f1": 0.4})


def test_binary_scores_with_no_positives_are_zero_not_an_error():
    scores = binary_scores([0, 0], [0, 0])
    assert (scores["accuracy"], scores["precision"], scores["recall"], scores["f1"]) == (1.0, 0.0, 0.0, 0.0)


def test_binary_scores_need_as_many_predictions_as_labels():
    with pytest.raises(ValueError):
        binary_scores([1, 0], [1])


def test_spearman_handles_ties_and_order():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 2, 2], [1, 1, 2, 2]) == pytest.approx(1.0)


def test_spearman_gives_ties_their_average_rank():
    # Ranks (1, 2.5, 2.5, 4, 5) and (2, 1, 4.5, 4.5, 3): rho = 7.5 / 19.
    assert spearman([1, 2, 2, 3, 5], [2, 1, 4, 4, 3]) == pytest.approx(7.5 / 19)


def test_spearman_of_a_constant_or_a_single_value_is_zero():
    assert spearman([1, 1, 1], [1, 2, 3]) == 0.0
    assert spearman([1], [2]) == 0.0


def test_bcubed_perfect_and_all_in_one():
    gold = {1: "a", 2: "a", 3: "b", 4: "b"}
    assert bcubed(gold, gold)["bcubed_f1"] == 1.0
    lumped = bcubed({k: "x" for k in gold}, gold)
    assert lumped["bcubed_recall"] == 1.0
    assert lumped["bcubed_precision"] == 0.5


def test_bcubed_needs_the_same_items():
    with pytest.raises(ValueError):
        bcubed({1: "a"}, {2: "a"})
