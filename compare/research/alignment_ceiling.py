"""How far above "link everything" any classifier over our features gets on ECB+ dev.

ECB+ links two sentences when they mention the same real-world event; about
three quarters of the scored pairs are links, so linking everything already
scores link F1 ~0.87 on dev. This asks whether *any* model over the features
the engine has (the 35 pair and context features of ``ALIGNMENT_NAMES``, all
from all-MiniLM-L6-v2 embeddings and the words) can clear that by much: a
logistic regression (what the app uses) and gradient-boosted trees (a far more
flexible model) are fitted on train, and each is scored on dev at the
threshold that is best *on dev* — an optimistic ceiling, not a fair result.
Every scored pair is a candidate here (no cosine floor or rank cut).

Run from the project root (needs the evaluation folder and scikit-learn)::

    .venv/bin/python -m compare.research.alignment_ceiling ../shared/eval-data

The test file is never read.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from compare.nlp.embedding.encoders import SentenceTransformerEncoder
from compare.research.alignment_fit import CACHE_DIR, AlignmentSet, EvalData, alignment_set


def best_link_f1(probabilities: np.ndarray, pairs: AlignmentSet) -> dict[str, float]:
    """The highest link F1 over thresholds at every percentile of ``probabilities``, with its unique F1."""
    best: dict[str, float] = {"link_f1": -1.0}
    for threshold in np.unique(np.quantile(probabilities, np.linspace(0.0, 0.9, 91))):
        links, unique = pairs.scores(probabilities >= threshold)
        if links.f1 > best["link_f1"]:
            best = {
                "link_precision": round(links.precision, 4),
                "link_recall": round(links.recall, 4),
                "link_f1": round(links.f1, 4),
                "unique_f1": round(unique.f1, 4),
            }
    return best


def ceiling(data: EvalData) -> dict[str, Any]:
    """Dev link F1 of link-everything, plain cosine, logistic regression and boosted trees.

    Args:
        data: the evaluation folder with its cached encoders.
    Returns:
        One entry per model, each with its best-threshold link P/R/F1 and unique F1 on dev.
    """
    train = alignment_set(data.records("ecbplus-alignment-train"), data.encoder("ecbplus-alignment-train"))
    dev = alignment_set(data.records("ecbplus-alignment-dev"), data.encoder("ecbplus-alignment-dev"))
    scaler = StandardScaler().fit(train.features)
    logistic = LogisticRegression(C=0.3, max_iter=5000).fit(scaler.transform(train.features), train.labels)
    trees = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.05, max_leaf_nodes=15)
    trees.fit(train.features, train.labels)
    everything, _ = dev.scores(np.ones(len(dev.labels), dtype=bool))
    return {
        "dev_pairs": int(len(dev.labels)),
        "dev_link_rate": round(float(dev.labels.mean()), 4),
        "link_everything_f1": round(everything.f1, 4),
        "plain_cosine": best_link_f1(dev.column("cosine"), dev),
        "logistic_regression": best_link_f1(
            logistic.predict_proba(scaler.transform(dev.features))[:, 1], dev
        ),
        "gradient_boosted_trees": best_link_f1(trees.predict_proba(dev.features)[:, 1], dev),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", default="../shared/eval-data")
    parser.add_argument("--cache-dir", default=str(CACHE_DIR))
    args = parser.parse_args(argv)
    data = EvalData(args.data_dir, SentenceTransformerEncoder(), args.cache_dir)
    print(json.dumps(ceiling(data), indent=1))


if __name__ == "__main__":
    main()
