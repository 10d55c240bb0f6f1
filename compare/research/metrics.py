"""Quality measures shared by ``manage.py evaluate`` and the calibration code.

Rank correlation and binary classification scores come from scipy and
scikit-learn; what is here by hand has no library equivalent: precision and
recall from pooled counts (``prf``) and B-cubed scores of a clustering.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import accuracy_score, precision_recall_fscore_support


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of a set of predictions against a gold set."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int

    def as_dict(self, prefix: str = "") -> dict[str, float | int]:
        return {f"{prefix}{key}": value for key, value in asdict(self).items()}


def prf(true_positives: int, false_positives: int, false_negatives: int) -> PRF:
    """Precision/recall/F1 from counts; an empty denominator scores 0.0.

    Args:
        true_positives: predicted and gold.
        false_positives: predicted, not gold.
        false_negatives: gold, not predicted.
    Returns:
        A PRF with the counts kept for pooling.
    """
    precision = (
        true_positives / (true_positives + false_positives) if true_positives + false_positives else 0.0
    )
    recall = true_positives / (true_positives + false_negatives) if true_positives + false_negatives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(precision, recall, f1, true_positives, false_positives, false_negatives)


def binary_scores(predicted: Sequence[int | bool], gold: Sequence[int | bool]) -> dict[str, float | int]:
    """Accuracy, precision, recall and F1 of binary labels (1 = positive); no positives score 0.0."""
    pred = np.asarray(predicted, dtype=bool)
    true = np.asarray(gold, dtype=bool)
    if pred.shape != true.shape:
        raise ValueError("predicted and gold differ in length")
    if not len(true):
        return {"n": 0, "accuracy": 0.0, "precision": 0.0, "recall": 0.0, "f1": 0.0}
    precision, recall, f1, _ = precision_recall_fscore_support(true, pred, average="binary", zero_division=0)
    return {
        "n": len(true),
        "accuracy": float(accuracy_score(true, pred)),
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
    }


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman rank correlation (ties share their average rank); 0.0 when either side is constant."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(a) != len(b):
        raise ValueError("x and y differ in length")
    if len(a) < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return 0.0
    return float(spearmanr(a, b).statistic)


def bcubed(predicted: Mapping[Hashable, Hashable], gold: Mapping[Hashable, Hashable]) -> dict[str, float]:
    """B-cubed precision, recall and F1 of a clustering (Bagga & Baldwin 1998).

    Args:
        predicted: item -> predicted cluster label.
        gold: item -> gold cluster label; must have the same items.
    Returns:
        {"bcubed_precision", "bcubed_recall", "bcubed_f1"}, each averaged over items.
    """
    if set(predicted) != set(gold):
        raise ValueError("predicted and gold must label the same items")
    if not gold:
        return {"bcubed_precision": 0.0, "bcubed_recall": 0.0, "bcubed_f1": 0.0}
    by_pred: dict[Hashable, set] = defaultdict(set)
    by_gold: dict[Hashable, set] = defaultdict(set)
    for item, label in predicted.items():
        by_pred[label].add(item)
    for item, label in gold.items():
        by_gold[label].add(item)
    precision = recall = 0.0
    for item in gold:
        same_pred = by_pred[predicted[item]]
        same_gold = by_gold[gold[item]]
        overlap = len(same_pred & same_gold)
        precision += overlap / len(same_pred)
        recall += overlap / len(same_gold)
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"bcubed_precision": precision, "bcubed_recall": recall, "bcubed_f1": f1}
