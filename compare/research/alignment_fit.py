"""Fit the alignment parameters on the train/dev evaluation files and write them with provenance.

Run ``python -m compare.research.alignment_fit --data-dir ../shared/eval-data`` (or
``manage.py calibrate_alignment``). Three heads share the feature code:

* ``pair`` (same fact?): logistic regression on MRPC train; C and the
  threshold come from 5-fold cross-validation on train (MRPC has no dev file).
* ``similarity`` (0-5 grade): ridge regression on STS-B news train; alpha
  chosen on STS-B news dev by Spearman correlation.
* fact-level thresholds on the similarity grade (``same_similarity``,
  ``partial_similarity``, ``containment_similarity``): each the grade that
  best separates an STS-B news dev gold level (Youden's J, which does not
  depend on how many related pairs the file happens to hold).
* ``alignment`` (same real-world event inside two articles, used only by the
  event-level ``align_events``): logistic regression on the scored pairs of
  ECB+ alignment train, with context features; C and the link threshold
  chosen on ECB+ alignment train (out of fold) and dev.

Test files are never read here except by ``--report``, which only prints.
scikit-learn is used to fit; the result is plain numbers in JSON, applied at
request time with numpy alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge

from compare.nlp.align.engine import (
    DEFAULT_MODEL_ID,
    PARAMS_PATH,
    AlignmentParams,
    Head,
    align_by_similarity,
    cosine_matrix,
    load_params,
)
from compare.nlp.align.features import PAIR_NAMES
from compare.nlp.embedding.encoders import Encoder, SentenceTransformerEncoder
from compare.research.baselines import plain_cosine_params
from compare.research.datasets import DiskCachedEncoder, module_command, read_jsonl, sha256_of
from compare.research.evaluation import (
    article_vectors,
    encode_unique,
    evaluate_alignment,
    evaluate_pairs,
    record_articles,
)
from compare.research.event_alignment import event_candidate_floor
from compare.research.features import ALIGNMENT_NAMES, alignment_features, pair_feature_matrix
from compare.research.metrics import PRF, binary_scores, prf, spearman

CACHE_DIR = Path("/tmp/eval-cache/align")
PAIR_C_GRID = (0.1, 0.3, 1.0, 3.0)
ALIGNMENT_C_GRID = (0.03, 0.1, 0.3, 1.0)
RIDGE_ALPHA_GRID = (1.0, 10.0, 30.0, 100.0, 300.0)


class EvalData:
    """The evaluation folder: records and cached encoders, one per file."""

    def __init__(self, data_dir: str | Path, inner: Encoder, cache_dir: str | Path = CACHE_DIR):
        self.data_dir = Path(data_dir)
        self.inner = inner
        self.cache_dir = Path(cache_dir)

    def records(self, stem: str) -> list[dict]:
        return read_jsonl(self.data_dir / f"{stem}.jsonl")

    def encoder(self, stem: str) -> DiskCachedEncoder:
        return DiskCachedEncoder(self.inner, self.cache_dir / f"{stem}.npz")

    def describe(self, stem: str) -> dict[str, Any]:
        path = self.data_dir / f"{stem}.jsonl"
        return {"file": path.name, "sha256": sha256_of(path), "records": len(read_jsonl(path))}


def pair_matrix(records: Sequence[dict], encoder: Encoder) -> np.ndarray:
    """PAIR_NAMES features of pair records, encoding each distinct text once."""
    vectors = encode_unique((t for r in records for t in (r["a"], r["b"])), encoder)
    cosines = [float(np.dot(vectors[r["a"]], vectors[r["b"]])) for r in records]
    return pair_feature_matrix([r["a"] for r in records], [r["b"] for r in records], np.asarray(cosines))


@dataclass
class AlignmentSet:
    """Every scored pair of an ECB+ file: features, gold label, and which scored sentences it joins."""

    features: np.ndarray
    labels: np.ndarray
    sentence_a: np.ndarray
    sentence_b: np.ndarray
    n_sentences: int
    records: np.ndarray

    def __add__(self, other: AlignmentSet) -> AlignmentSet:
        """Both sets pooled, as if one file (sentence and record ids kept apart)."""
        return AlignmentSet(
            np.vstack([self.features, other.features]),
            np.concatenate([self.labels, other.labels]),
            np.concatenate([self.sentence_a, other.sentence_a + self.n_sentences]),
            np.concatenate([self.sentence_b, other.sentence_b + self.n_sentences]),
            self.n_sentences + other.n_sentences,
            np.concatenate([self.records, other.records + int(self.records.max(initial=-1)) + 1]),
        )

    def column(self, name: str) -> np.ndarray:
        return self.features[:, ALIGNMENT_NAMES.index(name)]

    def candidates(self, floor: float, rank: int) -> np.ndarray:
        """The pairs ``align_by_similarity`` would score at all under these candidate settings."""
        rank_row = np.expm1(self.column("rank_in_row")).round()
        rank_col = np.expm1(self.column("rank_in_col")).round()
        return (self.column("cosine") >= floor) & ((rank_row < rank) | (rank_col < rank))

    def scores(self, predicted: np.ndarray) -> tuple[PRF, PRF]:
        """Pooled link and unique-sentence PRF, as ``evaluate_alignment`` counts them."""
        gold = self.labels == 1
        links = prf(
            int(np.sum(predicted & gold)), int(np.sum(predicted & ~gold)), int(np.sum(~predicted & gold))
        )
        gold_linked = np.zeros(self.n_sentences, dtype=bool)
        predicted_linked = np.zeros(self.n_sentences, dtype=bool)
        for ids in (self.sentence_a, self.sentence_b):
            np.logical_or.at(gold_linked, ids, gold)
            np.logical_or.at(predicted_linked, ids, predicted)
        gold_unique, predicted_unique = ~gold_linked, ~predicted_linked
        unique = prf(
            int(np.sum(gold_unique & predicted_unique)),
            int(np.sum(predicted_unique & ~gold_unique)),
            int(np.sum(gold_unique & ~predicted_unique)),
        )
        return links, unique


def alignment_set(records: Sequence[dict], encoder: Encoder) -> AlignmentSet:
    """ALIGNMENT_NAMES features and gold labels of every scored pair of ECB+ records."""
    vectors = article_vectors(records, encoder)
    blocks, labels, ids_a, ids_b, record_ids = [], [], [], [], []
    n_sentences = 0
    for number, record in enumerate(records):
        a, b = record_articles(record, vectors)
        scored_a, scored_b = record["scored_a"], record["scored_b"]
        rows = np.repeat(scored_a, len(scored_b)).astype(int)
        cols = np.tile(scored_b, len(scored_a)).astype(int)
        blocks.append(alignment_features(a, b, cosine_matrix(a, b), rows, cols))
        gold = {tuple(link) for link in record["gold_links"]}
        labels.extend(int((i, j) in gold) for i, j in zip(rows.tolist(), cols.tolist(), strict=True))
        ids_a.extend(n_sentences + np.repeat(np.arange(len(scored_a)), len(scored_b)))
        ids_b.extend(n_sentences + len(scored_a) + np.tile(np.arange(len(scored_b)), len(scored_a)))
        record_ids.extend([number] * len(rows))
        n_sentences += len(scored_a) + len(scored_b)
    return AlignmentSet(
        np.vstack(blocks),
        np.asarray(labels),
        np.asarray(ids_a),
        np.asarray(ids_b),
        n_sentences,
        np.asarray(record_ids),
    )


def fit_logistic(matrix: np.ndarray, labels: np.ndarray, names: Sequence[str], c: float) -> Head:
    """Standardise, fit an L2 logistic regression, keep only the numbers."""
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=5000).fit((matrix - mean) / scale, labels)
    return Head(tuple(names), mean, scale, model.coef_[0].copy(), float(model.intercept_[0]))


def fit_ridge(matrix: np.ndarray, targets: np.ndarray, names: Sequence[str], alpha: float) -> Head:
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale == 0] = 1.0
    model = Ridge(alpha=alpha).fit((matrix - mean) / scale, targets)
    return Head(tuple(names), mean, scale, model.coef_.copy(), float(model.intercept_), 0.0, "identity")


def best_threshold(scores: np.ndarray, objective, grid: np.ndarray) -> tuple[float, float]:
    """The grid value maximising ``objective(scores >= t)``; ties go to the middle of the plateau."""
    values = np.array([objective(scores >= t) for t in grid])
    best = np.flatnonzero(values >= values.max() - 1e-12)
    pick = best[len(best) // 2]
    return float(grid[pick]), float(values[pick])


def accuracy_plus_f1(labels: np.ndarray):
    def objective(predicted: np.ndarray) -> float:
        tp = float(np.sum(predicted & (labels == 1)))
        f1 = 2 * tp / (predicted.sum() + labels.sum()) if tp else 0.0
        return float(np.mean(predicted == (labels == 1))) + f1

    return objective


def _folds(n: int, k: int = 5, seed: int = 0) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[fold::k] for fold in range(k)]


def fit_pair_head(data: EvalData) -> tuple[Head, dict[str, Any]]:
    """MRPC train: C and threshold by 5-fold cross-validation, then refit on all of train."""
    records = data.records("mrpc-train")
    matrix = pair_matrix(records, data.encoder("mrpc-train"))
    labels = np.asarray([int(r["label"]) for r in records])
    objective, grid = accuracy_plus_f1(labels), np.round(np.arange(0.2, 0.81, 0.01), 2)
    best: tuple[float, float, float] | None = None
    for c in PAIR_C_GRID:
        out_of_fold = np.zeros(len(labels))
        for fold in _folds(len(labels)):
            train = np.setdiff1d(np.arange(len(labels)), fold)
            out_of_fold[fold] = fit_logistic(matrix[train], labels[train], PAIR_NAMES, c).predict(
                matrix[fold], PAIR_NAMES
            )
        threshold, value = best_threshold(out_of_fold, objective, grid)
        if best is None or value > best[2] + 1e-9:
            best = (c, threshold, value)
            cv_scores = _binary(out_of_fold >= threshold, labels)
    c, threshold, _ = best
    head = replace(fit_logistic(matrix, labels, PAIR_NAMES, c), threshold=threshold)
    return head, {
        "C": c,
        "threshold_objective": "accuracy + F1 of 5-fold out-of-fold predictions",
        "cv_scores": cv_scores,
    }


def _binary(predicted: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    scores = binary_scores(predicted.tolist(), labels.tolist())
    return {key: round(float(scores[key]), 4) for key in ("accuracy", "precision", "recall", "f1")}


def fit_similarity_head(data: EvalData) -> tuple[Head, dict[str, Any]]:
    """STS-B news train, alpha by Spearman on STS-B news dev."""
    train, dev = data.records("stsb-news-train"), data.records("stsb-news-dev")
    x_train = pair_matrix(train, data.encoder("stsb-news-train"))
    x_dev = pair_matrix(dev, data.encoder("stsb-news-dev"))
    y_train = np.asarray([float(r["score"]) for r in train])
    y_dev = [float(r["score"]) for r in dev]
    fits = {alpha: fit_ridge(x_train, y_train, PAIR_NAMES, alpha) for alpha in RIDGE_ALPHA_GRID}
    dev_rho = {
        alpha: spearman(head.predict(x_dev, PAIR_NAMES).tolist(), y_dev) for alpha, head in fits.items()
    }
    alpha = max(dev_rho, key=dev_rho.__getitem__)
    return fits[alpha], {"alpha": alpha, "dev_spearman": round(dev_rho[alpha], 4)}


# Gold STS level each fact-level threshold must separate: 3.5 lies between
# "roughly equivalent" (3) and "mostly equivalent" (4); 3 is "roughly
# equivalent, some important details differ"; 1.5 lies between "same topic"
# (1) and "share some details" (2), the floor for a partial link that also
# has structural support (containment or mutual best match).
FACT_LEVELS = {"same_similarity": 3.5, "partial_similarity": 3.0, "containment_similarity": 1.5}


def youden_threshold(scores: np.ndarray, positive: np.ndarray, grid: np.ndarray) -> tuple[float, float]:
    """The grid value maximising sensitivity + specificity - 1; ties go to the lowest."""
    values = [float(np.mean(scores[positive] >= t) + np.mean(scores[~positive] < t) - 1.0) for t in grid]
    best = int(np.argmax(values))
    return float(grid[best]), values[best]


def fit_fact_thresholds(data: EvalData, similarity: Head) -> tuple[dict[str, float], dict[str, Any]]:
    """Thresholds on the similarity grade for "same" and "partial", on STS-B news dev.

    Youden's J rather than F1: F1's optimum moves with the share of related
    pairs, which is 60% in STS-B news dev and far lower among the sentence
    pairs of two real articles.
    """
    records = data.records("stsb-news-dev")
    grades = similarity.predict(pair_matrix(records, data.encoder("stsb-news-dev")), PAIR_NAMES)
    gold = np.asarray([float(r["score"]) for r in records])
    grid = np.round(np.arange(0.5, 4.61, 0.05), 2)
    thresholds, notes = {}, {}
    for name, level in FACT_LEVELS.items():
        threshold, j = youden_threshold(grades, gold >= level, grid)
        thresholds[name] = threshold
        notes[name] = {"gold_at_least": level, "threshold": threshold, "youden_j": round(j, 4)}
    return thresholds, {"objective": "Youden's J on STS-B news dev, per gold level", **notes}


def fit_alignment_head(data: EvalData, floor: float, rank: int) -> tuple[Head, dict[str, Any]]:
    """ECB+ train scored pairs; C and the link threshold on train (out of fold) and dev pooled.

    The threshold maximises link F1 + unique F1. Link F1 alone is maximised
    by linking nearly everything (~75% of scored pairs are links), which finds
    no fact that one outlet alone reported and, in a real story where most
    sentence pairs are *not* about the same fact, links everything to
    everything. The threshold sits on a steep part of the curve, hence the
    pooling: 4,400 article pairs move it less than dev's 1,150 alone.
    """
    train = alignment_set(data.records("ecbplus-alignment-train"), data.encoder("ecbplus-alignment-train"))
    dev = alignment_set(data.records("ecbplus-alignment-dev"), data.encoder("ecbplus-alignment-dev"))
    pooled = train + dev
    candidates = pooled.candidates(floor, rank)
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)
    best: dict[str, Any] | None = None
    for c in ALIGNMENT_C_GRID:
        head = fit_logistic(train.features, train.labels, ALIGNMENT_NAMES, c)
        probabilities = np.concatenate([_out_of_fold(train, c), head.predict(dev.features, ALIGNMENT_NAMES)])
        curve = [(float(t), *pooled.scores(candidates & (probabilities >= t))) for t in grid]
        t, links, unique = max(curve, key=lambda row: row[1].f1 + row[2].f1)
        if best is None or links.f1 + unique.f1 > best["objective"]:
            best = {
                "objective": links.f1 + unique.f1,
                "threshold": t,
                "C": c,
                "head": head,
                "link_f1_optimal_threshold": max(curve, key=lambda row: row[1].f1)[0],
                "pooled_scores": {"link_f1": round(links.f1, 4), "unique_f1": round(unique.f1, 4)},
            }
    return replace(best["head"], threshold=best["threshold"]), {
        "C": best["C"],
        "threshold_objective": "max link F1 + unique F1 on train (5-fold, out of fold) and dev pooled",
        "pooled_scores": best["pooled_scores"],
        "link_f1_optimal_threshold": best["link_f1_optimal_threshold"],
        "train_pairs": int(len(train.labels)),
        "train_link_rate": round(float(train.labels.mean()), 4),
    }


def _out_of_fold(pairs: AlignmentSet, c: float, folds: int = 5) -> np.ndarray:
    """Probabilities for every pair from a model that never saw its article pair."""
    out = np.zeros(len(pairs.labels))
    fold_of_record = np.random.default_rng(0).permutation(int(pairs.records.max()) + 1) % folds
    fold = fold_of_record[pairs.records]
    for k in range(folds):
        held_out = fold == k
        head = fit_logistic(pairs.features[~held_out], pairs.labels[~held_out], ALIGNMENT_NAMES, c)
        out[held_out] = head.predict(pairs.features[held_out], ALIGNMENT_NAMES)
    return out


def plain_cosine_thresholds(data: EvalData) -> dict[str, float]:
    """The baseline's thresholds, picked like the model's: MRPC on train, ECB+ on train and dev pooled."""
    records = data.records("mrpc-train")
    cosines = pair_matrix(records, data.encoder("mrpc-train"))[:, PAIR_NAMES.index("cosine")]
    labels = np.asarray([int(r["label"]) for r in records])
    grid = np.round(np.arange(0.2, 0.96, 0.01), 2)
    pair_threshold, _ = best_threshold(cosines, accuracy_plus_f1(labels), grid)
    pooled = alignment_set(data.records("ecbplus-alignment-train"), data.encoder("ecbplus-alignment-train"))
    pooled += alignment_set(data.records("ecbplus-alignment-dev"), data.encoder("ecbplus-alignment-dev"))
    cosine, link_grid = pooled.column("cosine"), np.round(grid - 0.2, 2)
    link_threshold, _ = best_threshold(cosine, lambda p: pooled.scores(p)[0].f1, link_grid)
    balanced, _ = best_threshold(cosine, lambda p: sum(score.f1 for score in pooled.scores(p)), link_grid)
    return {"pair": pair_threshold, "link": link_threshold, "link_for_link_plus_unique_f1": balanced}


def links_lost_to_floor(data: EvalData, params: AlignmentParams, stem: str = "ecbplus-alignment-dev") -> dict:
    """Links the similarity engine makes on every sentence pair of ``stem``, with and without the floor.

    A link whose kind changes counts as one lost and one gained.

    The floor only saves time (every candidate costs a row of lexical
    features); this shows it costs (almost) no links.
    """
    records, encoder = data.records(stem), data.encoder(stem)
    vectors = article_vectors(records, encoder)
    unfloored = replace(params, candidate_floor=-1.0)
    kept = lost = gained = 0
    for record in records:
        a, b = record_articles(record, vectors)
        floored = {(x.a.sentence, x.b.sentence, x.kind) for x in align_by_similarity(a, b, params)}
        every = {(x.a.sentence, x.b.sentence, x.kind) for x in align_by_similarity(a, b, unfloored)}
        kept += len(every & floored)
        lost += len(every - floored)
        # Fewer candidates can also change others' structural support (best of row or column).
        gained += len(floored - every)
    return {
        "file": stem,
        "floor": params.candidate_floor,
        "links_without_floor": kept + lost,
        "links_lost": lost,
        "links_gained": gained,
    }


def calibrate(
    data: EvalData,
    floor: float = 0.4,
    rank: int = 8,
    model_id: str = DEFAULT_MODEL_ID,
    command: str = "",
) -> AlignmentParams:
    """Fit every head and setting; returns parameters whose provenance records how.

    Args:
        data: the evaluation folder, its encoders built on the model ``model_id`` names.
        floor, rank: the candidate settings, fixed by hand.
        model_id: recorded in the parameters: the heads only fit that model's vectors.
        command: the command line that ran the fit, recorded in the provenance.
    """
    pair, pair_notes = fit_pair_head(data)
    similarity, similarity_notes = fit_similarity_head(data)
    thresholds, fact_notes = fit_fact_thresholds(data, similarity)
    alignment, alignment_notes = fit_alignment_head(data, event_candidate_floor(floor), rank)
    params = AlignmentParams(
        pair,
        similarity,
        alignment,
        candidate_floor=floor,
        candidate_rank=rank,
        **thresholds,
        model_id=model_id,
    )
    baseline = plain_cosine_thresholds(data)
    dev = dev_scores(data, params)
    baseline_dev = dev_scores(
        data, plain_cosine_params(baseline["pair"], baseline["link_for_link_plus_unique_f1"])
    )
    provenance = {
        "fitted_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "encoder": f"{model_id}, float32 inference",
        "command": command,
        "files": {stem: data.describe(stem) for stem in TRAINING_FILES},
        "heads": {"pair": pair_notes, "similarity": similarity_notes, "alignment": alignment_notes},
        "fact_thresholds": fact_notes,
        "link_decision": [
            "align_by_similarity: candidates = cosine >= candidate_floor and among the candidate_rank best "
            "of their row or column.",
            "'same' = pair head P >= pair.threshold (headline/standfirst vs the other's headline, "
            "standfirst or lead: +lead_bonus on the logit, fixed by hand) AND grade >= same_similarity; "
            "then greedy one-to-one assignment by grade, so each sentence has at most one 'same' "
            "counterpart per other article.",
            "'partial' = a 'same'-strength pair that lost the assignment, or grade >= partial_similarity, "
            "or grade >= containment_similarity with structural support: the shorter sentence's content "
            "words >= partial_containment inside a sentence at least 1/partial_length_ratio as long "
            "(>= containment_min_words shared); or a headline/standfirst meeting the other's headline, "
            "standfirst or lead; or the pair is the best-graded counterpart of both its sentences; or of "
            "the much shorter one (length ratio < partial_length_ratio). Of the partials graded below "
            "partial_similarity, at most max_partials per sentence, strongest first.",
            "align_events (ECB+ 'same event', evaluation only): alignment head >= alignment.threshold.",
        ],
        "dev_scores": dev,
        "floor_check": links_lost_to_floor(data, params),
        "plain_cosine": {"thresholds": baseline, "dev_scores": baseline_dev},
        "notes": [
            "MRPC has no dev file: the pair head's C and threshold come from 5-fold CV on train.",
            "No test file was read to fit anything here.",
            "STS-B news train holds ~400 MRPC test pairs (its MSRpar part) and MRPC train holds STS-B test "
            "sentences, so the pair head sees only MRPC and the similarity head only STS-B.",
            "ECB+ candidate settings (cosine floor, rank) are fixed by hand for speed, not fitted; "
            "floor_check counts the dev links the floor costs.",
            "max_partials, lead_bonus, partial_containment, partial_length_ratio, containment_min_words "
            "are structural settings fixed by hand, not fitted.",
            "ECB+ gold is event-level ('same real-world event'), far broader than 'same fact': the app's "
            "fact-level align_by_similarity scores low link recall there by design; "
            "ecbplus_alignment_dev_event_level "
            "is the ECB+-fitted operating point, for comparison only.",
        ],
    }
    version = "align-" + provenance["fitted_at"][:10]
    return replace(params, version=version, provenance=provenance)


TRAINING_FILES = (
    "mrpc-train",
    "stsb-news-train",
    "stsb-news-dev",
    "ecbplus-alignment-train",
    "ecbplus-alignment-dev",
)


def dev_scores(data: EvalData, params: AlignmentParams) -> dict[str, Any]:
    """Scores through the same code path the app uses, on the dev files (MRPC: train, resubstitution)."""
    sts = evaluate_pairs(data.records("stsb-news-dev"), data.encoder("stsb-news-dev"), params)
    return {"stsb_news_dev_spearman": round(sts["spearman"], 4), **_alignment_scores(data, "dev", params)}


def test_scores(data: EvalData, params: AlignmentParams) -> dict[str, Any]:
    """Reporting only: the numbers on the test files. Never feed these back into fitting."""
    mrpc = evaluate_pairs(data.records("mrpc-test"), data.encoder("mrpc-test"), params)
    sts = evaluate_pairs(data.records("stsb-news-test"), data.encoder("stsb-news-test"), params)
    return {
        "mrpc_test": _rounded(mrpc),
        "stsb_news_test_spearman": round(sts["spearman"], 4),
        **_alignment_scores(data, "test", params),
    }


def _alignment_scores(data: EvalData, split: str, params: AlignmentParams) -> dict[str, Any]:
    """ECB+ alignment scores of one split at the fact level (the app's) and the event level."""
    records, encoder = data.records(f"ecbplus-alignment-{split}"), data.encoder(f"ecbplus-alignment-{split}")
    key = f"ecbplus_alignment_{split}"
    return {
        key: _rounded(evaluate_alignment(records, encoder, params)),
        f"{key}_event_level": _rounded(evaluate_alignment(records, encoder, params, level="event")),
    }


def _rounded(scores: dict[str, Any]) -> dict[str, Any]:
    return {key: round(value, 4) if isinstance(value, float) else value for key, value in scores.items()}


def write_params(params: AlignmentParams, path: str | Path = PARAMS_PATH) -> Path:
    path = Path(path)
    path.write_text(json.dumps(params.to_dict(), indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="../shared/eval-data")
    parser.add_argument("--cache-dir", default=str(CACHE_DIR))
    parser.add_argument("--output", default=str(PARAMS_PATH))
    parser.add_argument(
        "--report",
        action="store_true",
        help="do not fit: print dev and test scores of the params file and of plain cosine",
    )
    args = parser.parse_args(argv)
    data = EvalData(args.data_dir, SentenceTransformerEncoder(), args.cache_dir)
    if args.report:
        print(json.dumps(report(data, args.output), indent=1))
        return
    params = calibrate(data, command=module_command("compare.research.alignment_fit", argv))
    print(f"wrote {write_params(params, args.output)}")


def report(data: EvalData, params_path: str | Path) -> dict[str, Any]:
    """Dev and test scores of the fitted parameters and of the plain-cosine baselines.

    Every variant is scored at the fact level (the app's ``align_by_similarity``) and,
    separately labelled, at the event level (``align_events``); the model's
    event level is also shown at the ECB+ threshold that maximises link F1.
    """
    params = load_params(params_path)
    notes = params.provenance
    thresholds = notes["plain_cosine"]["thresholds"]
    link_optimal = notes["heads"]["alignment"]["link_f1_optimal_threshold"]
    variants = {
        "model": params,
        "model_event_level_at_link_f1_threshold": replace(
            params, alignment=replace(params.alignment, threshold=link_optimal)
        ),
        "plain_cosine": plain_cosine_params(thresholds["pair"], thresholds["link_for_link_plus_unique_f1"]),
        "plain_cosine_at_link_f1_threshold": plain_cosine_params(thresholds["pair"], thresholds["link"]),
    }
    return {name: {"dev": dev_scores(data, p), "test": test_scores(data, p)} for name, p in variants.items()}


if __name__ == "__main__":
    main()
