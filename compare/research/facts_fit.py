"""Fit the fact-level pair model on hand-labelled facts, by cross-validation over events.

The facts file holds every outlet pair of each event. Events are dealt into
folds (fixed seed); for each fold the model is fitted on the other folds'
events only, its thresholds chosen on those events' own out-of-fold
predictions (inner folds), and it is scored on the held-out events: per
article pair (links, and sentences reported alone in the pair) and per
story (each event's articles as one story grouped into facts, the way the
app shows them). No event is ever on both sides.

The shipped model is the average of the fold models (their raw-feature
weights and thresholds): every weight was fitted without one fifth of the
events, and no figure reported here comes from a model that saw its event.

    manage.py calibrate_facts --data ../shared/eval-data/facts-dev.jsonl [--report]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from compare.nlp.align.facts import group_facts
from compare.nlp.align.pair_model import FactModel, grid_features, story_idf
from compare.nlp.embedding.encoders import Encoder
from compare.research.evaluation import (
    Counts,
    article_vectors,
    count_pair,
    event_of,
    record_articles,
    scores_of,
)
from compare.research.metrics import prf
from compare.research.story_evaluation import (
    EventStory,
    count_story,
    event_stories,
    story_articles,
    story_links,
)

SEED = 0
FOLDS = 5
# Regularisation of the logistic regression (scikit-learn's C), on standardised features.
C = 1.0


@dataclass
class PairData:
    """One article pair: its grid features, gold labels, and the gold kinds of its links."""

    record: dict
    features: np.ndarray
    labels: np.ndarray  # 1 where the pair (i, j) is a gold link, row-major
    same: np.ndarray  # 1 where the gold link is "same"


def event_folds(records: Sequence[dict], folds: int = FOLDS, seed: int = SEED) -> list[list[str]]:
    """The events dealt into ``folds`` groups: sorted, shuffled with a fixed seed, dealt round-robin."""
    events = sorted({event_of(r["id"]) for r in records})
    order = np.random.RandomState(seed).permutation(len(events))
    return [[events[k] for k in order[f::folds]] for f in range(folds)]


def pair_data(records: Sequence[dict], vectors: dict[str, np.ndarray]) -> list[PairData]:
    out = []
    for record in records:
        a, b = record_articles(record, vectors)
        # Word rarity over the pair alone, as ``align_pair`` computes it in the app.
        features = grid_features(a.texts, b.texts, a.embeddings, b.embeddings, story_idf([a.texts, b.texts]))
        nb = len(b.texts)
        labels = np.zeros(len(a.texts) * nb)
        same = np.zeros_like(labels)
        kinds = record.get("kinds", {})
        for i, j in record["gold_links"]:
            labels[i * nb + j] = 1
            same[i * nb + j] = kinds.get(f"{i}-{j}") == "same"
        out.append(PairData(record, features, labels, same))
    return out


def _fit_raw(data: Sequence[PairData]) -> tuple[np.ndarray, float]:
    """Logistic regression on standardised features, returned as weights on the raw features."""
    x = np.vstack([d.features for d in data])
    y = np.concatenate([d.labels for d in data])
    scaler = StandardScaler().fit(x)
    fitted = LogisticRegression(C=C, max_iter=5000).fit(scaler.transform(x), y)
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = fitted.coef_[0] / scale
    bias = float(fitted.intercept_[0] - np.sum(fitted.coef_[0] * scaler.mean_ / scale))
    return weights, bias


def _probabilities(weights: np.ndarray, bias: float, data: Sequence[PairData]) -> list[np.ndarray]:
    model = FactModel(weights, bias, 0.5, 1.0)
    return [model.probabilities(d.features) for d in data]


def pair_counts(data: Sequence[PairData], predicted: Sequence[np.ndarray]) -> Counts:
    """Pooled link and reported-alone counts of row-major link masks, as ``evaluate alignment`` counts."""
    counts: Counts = defaultdict(int)
    for d, links in zip(data, predicted, strict=True):
        nb = len(d.record["b"]["sentences"])
        count_pair(d.record, {divmod(int(k), nb) for k in np.flatnonzero(links)}, counts)
    return counts


def _best_threshold(score: Callable[[float], float], grid: np.ndarray) -> float:
    values = [score(t) for t in grid]
    return float(grid[int(np.argmax(values))])


THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


def _choose_thresholds(data: Sequence[PairData], probabilities: Sequence[np.ndarray]) -> tuple[float, float]:
    """The link threshold that maximises pooled link F1, and the one above which a link is "same"."""

    def link_f1(t: float) -> float:
        c = pair_counts(data, [p >= t for p in probabilities])
        return prf(c["tp"], c["fp"], c["fn"]).f1

    link = _best_threshold(link_f1, THRESHOLDS)
    p = np.concatenate(probabilities)
    gold_links = np.concatenate([d.labels for d in data]) > 0
    same = np.concatenate([d.same for d in data]) > 0

    def same_f1(t: float) -> float:
        guess = gold_links & (p >= t)
        tp = int(np.sum(guess & same))
        return prf(tp, int(np.sum(guess & ~same)), int(np.sum(same & gold_links)) - tp).f1

    return link, max(link, _best_threshold(same_f1, THRESHOLDS))


def fit_model(data: Sequence[PairData], inner_folds: int = FOLDS - 1) -> FactModel:
    """Weights from all of ``data``; thresholds from its own out-of-fold predictions (folds over events)."""
    weights, bias = _fit_raw(data)
    records = [d.record for d in data]
    out_of_fold: dict[int, np.ndarray] = {}
    for events in event_folds(records, inner_folds):
        held = {n for n, d in enumerate(data) if event_of(d.record["id"]) in events}
        w, b = _fit_raw([d for n, d in enumerate(data) if n not in held])
        for n, p in zip(sorted(held), _probabilities(w, b, [data[n] for n in sorted(held)]), strict=True):
            out_of_fold[n] = p
    link, same = _choose_thresholds(data, [out_of_fold[n] for n in range(len(data))])
    return FactModel(weights, bias, link, same)


def average_models(models: Sequence[FactModel], provenance: dict) -> FactModel:
    """One model from several: their weights, bias and thresholds averaged."""
    return FactModel(
        weights=np.mean([m.weights for m in models], axis=0),
        bias=float(np.mean([m.bias for m in models])),
        link_threshold=round(float(np.mean([m.link_threshold for m in models])), 4),
        same_threshold=round(float(np.mean([m.same_threshold for m in models])), 4),
        min_link_fraction=round(float(np.mean([m.min_link_fraction for m in models])), 4),
        model_id=models[0].model_id,
        provenance=provenance,
    )


def cross_validate(
    records: Sequence[dict], encoder: Encoder, folds: int = FOLDS
) -> tuple[dict, list[FactModel]]:
    """Per-fold and pooled held-out scores (pair and story level), and each fold's model.

    Each fold's model also gets the ``min_link_fraction`` for grouping facts
    that scores best on its own training events' stories.

    Returns:
        ``{"folds": [...], "pair": {...}, "story": {...}}`` and the fold models.
    """
    records = list(records)
    vectors = article_vectors(records, encoder)
    data = pair_data(records, vectors)
    stories = event_stories(records)
    report: dict = {"folds": []}
    pooled: dict[str, int] = defaultdict(int)
    story_counts: dict[str, int] = defaultdict(int)
    models = []
    for number, events in enumerate(event_folds(records, folds)):
        train = [d for d in data if event_of(d.record["id"]) not in events]
        test = [d for d in data if event_of(d.record["id"]) in events]
        model = fit_model(train)
        fraction = _choose_fraction([s for s in stories if s.event not in events], vectors, model)
        model = replace(model, min_link_fraction=fraction)
        models.append(model)
        predicted = [p >= model.link_threshold for p in _probabilities(model.weights, model.bias, test)]
        counts = pair_counts(test, predicted)
        for key, value in counts.items():
            pooled[key] += value
        fold_story: dict[str, int] = defaultdict(int)
        for story in (s for s in stories if s.event in events):
            articles = story_articles(story, vectors)
            count_story(
                story, group_facts(articles, story_links(articles, model=model), fraction), fold_story
            )
        for key, value in fold_story.items():
            story_counts[key] += value
        held_out = {**scores_of(counts), **{f"story_{k}": v for k, v in scores_of(fold_story).items()}}
        report["folds"].append(
            {
                "fold": number,
                "events": len(events),
                "link_threshold": model.link_threshold,
                "same_threshold": model.same_threshold,
                "min_link_fraction": fraction,
                **{
                    (k if k.startswith("story_") else f"pair_{k}"): v
                    for k, v in held_out.items()
                    if k.endswith(("precision", "recall", "f1"))
                },
            }
        )
    report["pair"] = scores_of(pooled)
    report["story"] = scores_of(story_counts)
    return report, models


FRACTIONS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)


def _choose_fraction(
    stories: Sequence[EventStory], vectors: dict[str, np.ndarray], model: FactModel
) -> float:
    """The grouping fraction with the best mean of story link F1 and reported-alone F1 on these stories."""
    linked = []
    for story in stories:
        articles = story_articles(story, vectors)
        linked.append((story, articles, story_links(articles, model=model)))
    best, best_score = FRACTIONS[0], -1.0
    for fraction in FRACTIONS:
        counts: dict[str, int] = defaultdict(int)
        for story, articles, links in linked:
            count_story(story, group_facts(articles, links, fraction), counts)
        scores = scores_of(counts)
        score = (scores["link_f1"] + scores["unique_f1"]) / 2
        if score > best_score:
            best, best_score = fraction, score
    return best
