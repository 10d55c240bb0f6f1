"""The fact-level pair model: which sentences of two articles report the same fact, or part of it.

Fitted on the product's own task (hand-labelled facts of three-outlet
events, ``compare.research.facts_fit``), not on paraphrase or same-event
data: 90% of the links editors draw are partial, one sentence carrying two
facts and the other one of them, which whole-sentence similarity misses.

Every pair of sentences of two articles gets features of three kinds:

* the pair on its own (``features.pair_feature_rows``): cosine, shared
  words, numbers, names, quotes, containment;
* where the pair stands in the article pair's cosine matrix: its rank in its
  row and column, the margin to the best or second best, a mutual best
  match, the cosine of the neighbouring sentences (facts come in runs);
* place and weight: headline and lead, positions, lengths, and the overlap
  of words weighted by their rarity in the story (a shared rare name says
  more than a shared "said").

A logistic regression over them gives P(link); a link needs P at least the
fitted threshold, and "same" (rather than "partial") a higher one. Inference
is numpy only; the weights live in ``params/facts.json``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.align.features import PAIR_NAMES, SentenceInfo, pair_feature_rows, sentence_info
from compare.nlp.embedding.encoders import PACKAGED_MODEL_ID

MODEL_PATH = Path(__file__).resolve().parents[1] / "params" / "facts.json"
FORMAT = "fact-pair-model/1"

STRUCTURE_NAMES = (
    "rank_row",
    "rank_col",
    "rank_min",
    "mutual_best",
    "row_margin",
    "col_margin",
    "z_row",
    "z_col",
    "row_max",
    "col_max",
    "diag_prev",
    "diag_next",
    "diag_max",
    "matrix_pct",
)
PLACE_NAMES = (
    "title_a",
    "title_b",
    "both_title",
    "title_lead",
    "pos_a",
    "pos_b",
    "logpos_a",
    "logpos_b",
    "relpos_a",
    "relpos_b",
    "pos_diff",
    "n_a",
    "n_b",
    "logwords_a",
    "logwords_b",
    "short_a",
    "short_b",
)
WEIGHT_NAMES = ("idf_shared", "idf_containment", "rare_shared", "names_shared_n")
FEATURE_NAMES = (
    tuple(f"pair_{n}" for n in PAIR_NAMES)
    + tuple(f"cos_{n}" for n in STRUCTURE_NAMES)
    + PLACE_NAMES
    + WEIGHT_NAMES
)
# A word this rare in the story (IDF over its sentences) counts as "rare".
RARE_IDF = 3.0


def story_idf(sentence_lists: Iterable[Sequence[str]]) -> dict[str, float]:
    """Rarity of each content word over all the story's sentences (a sentence is a document)."""
    counts: Counter[str] = Counter()
    total = 0
    for sentences in sentence_lists:
        for text in sentences:
            counts.update(sentence_info(text).content)
            total += 1
    return {word: math.log((total + 1) / (count + 0.5)) for word, count in counts.items()}


def _ranks(matrix: np.ndarray, axis: int) -> np.ndarray:
    """0 for the largest value along ``axis``, 1 for the next, ... (ties by position)."""
    order = np.argsort(-matrix, axis=axis, kind="stable")
    return np.argsort(order, axis=axis, kind="stable")


def _second(matrix: np.ndarray, axis: int) -> np.ndarray:
    if matrix.shape[axis] < 2:
        return np.full(matrix.shape[1 - axis], -1.0)
    return -np.partition(-matrix, 1, axis=axis).take(1, axis=axis)


def _shifted(matrix: np.ndarray, step: int) -> np.ndarray:
    """out[i, j] = matrix[i + step, j + step], 0 outside."""
    out = np.zeros_like(matrix)
    rows, cols = matrix.shape
    i0, i1 = max(0, -step), min(rows, rows - step)
    j0, j1 = max(0, -step), min(cols, cols - step)
    if i1 > i0 and j1 > j0:
        out[i0:i1, j0:j1] = matrix[i0 + step : i1 + step, j0 + step : j1 + step]
    return out


def structure_features(cos: np.ndarray) -> list[np.ndarray]:
    """STRUCTURE_NAMES: where each cell of a cosine matrix stands in its row and column."""
    row_max, col_max = cos.max(axis=1, keepdims=True), cos.max(axis=0, keepdims=True)
    row2, col2 = _second(cos, 1)[:, None], _second(cos, 0)[None, :]
    rank_row, rank_col = _ranks(cos, 1), _ranks(cos, 0)
    best_row, best_col = rank_row == 0, rank_col == 0
    z_row = (cos - cos.mean(axis=1, keepdims=True)) / (cos.std(axis=1, keepdims=True) + 1e-6)
    z_col = (cos - cos.mean(axis=0, keepdims=True)) / (cos.std(axis=0, keepdims=True) + 1e-6)
    flat = cos.ravel()
    percentile = np.argsort(np.argsort(flat, kind="stable"), kind="stable") / max(len(flat) - 1, 1)
    previous, following = _shifted(cos, -1), _shifted(cos, 1)
    return [
        np.log1p(rank_row),
        np.log1p(rank_col),
        np.log1p(np.minimum(rank_row, rank_col)),
        best_row & best_col,
        # The best of its row: its lead on the second; the others: their gap to the best.
        np.where(best_row, cos - row2, cos - row_max),
        np.where(best_col, cos - col2, cos - col_max),
        z_row,
        z_col,
        np.broadcast_to(row_max, cos.shape),
        np.broadcast_to(col_max, cos.shape),
        previous,
        following,
        np.maximum(previous, following),
        percentile.reshape(cos.shape),
    ]


def place_features(infos_a: Sequence[SentenceInfo], infos_b: Sequence[SentenceInfo]) -> list[np.ndarray]:
    """PLACE_NAMES: headline (sentence 0) and lead, positions and lengths."""
    na, nb = len(infos_a), len(infos_b)
    pos_a = np.broadcast_to(np.arange(na, dtype=float)[:, None], (na, nb))
    pos_b = np.broadcast_to(np.arange(nb, dtype=float)[None, :], (na, nb))
    title_a, title_b = pos_a == 0, pos_b == 0
    words_a = np.broadcast_to(np.array([max(x.n_words, 1) for x in infos_a], float)[:, None], (na, nb))
    words_b = np.broadcast_to(np.array([max(x.n_words, 1) for x in infos_b], float)[None, :], (na, nb))
    rel_a, rel_b = pos_a / max(na - 1, 1), pos_b / max(nb - 1, 1)
    return [
        title_a,
        title_b,
        title_a & title_b,
        (title_a & (pos_b <= 2)) | (title_b & (pos_a <= 2)),
        pos_a,
        pos_b,
        np.log1p(pos_a),
        np.log1p(pos_b),
        rel_a,
        rel_b,
        np.abs(rel_a - rel_b),
        np.full((na, nb), na, float),
        np.full((na, nb), nb, float),
        np.log(words_a),
        np.log(words_b),
        words_a < 6,
        words_b < 6,
    ]


def weight_features(
    infos_a: Sequence[SentenceInfo], infos_b: Sequence[SentenceInfo], idf: Mapping[str, float]
) -> list[np.ndarray]:
    """WEIGHT_NAMES: shared words weighted by their rarity in the story, rare words and names shared."""
    na, nb = len(infos_a), len(infos_b)
    shared_weight, containment, rare, names = (np.zeros((na, nb)) for _ in range(4))
    weight_b = [sum(idf.get(w, 1.0) for w in y.content) for y in infos_b]
    for i, x in enumerate(infos_a):
        weight_a = sum(idf.get(w, 1.0) for w in x.content)
        for j, y in enumerate(infos_b):
            shared = x.content & y.content
            weight = sum(idf.get(w, 1.0) for w in shared)
            shared_weight[i, j] = weight
            containment[i, j] = weight / max(min(weight_a, weight_b[j]), 1e-6)
            rare[i, j] = sum(1 for w in shared if idf.get(w, 0.0) > RARE_IDF)
            names[i, j] = len(x.names & y.names)
    return [shared_weight, containment, rare, names]


def grid_features(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    emb_a: np.ndarray,
    emb_b: np.ndarray,
    idf: Mapping[str, float],
) -> np.ndarray:
    """FEATURE_NAMES of every sentence pair of two articles, row-major: row k is pair (k // nb, k % nb).

    Args:
        texts_a, texts_b: the articles' sentences (sentence 0 is the headline).
        emb_a, emb_b: their unit embeddings, one row per sentence.
        idf: ``story_idf`` over the story the articles belong to.
    """
    na, nb = len(texts_a), len(texts_b)
    cos = np.asarray(emb_a, dtype=np.float64) @ np.asarray(emb_b, dtype=np.float64).T
    rows, cols = (grid.ravel() for grid in np.meshgrid(np.arange(na), np.arange(nb), indexing="ij"))
    infos_a, infos_b = [sentence_info(t) for t in texts_a], [sentence_info(t) for t in texts_b]
    blocks = [pair_feature_rows(infos_a, infos_b, rows, cols, cos[rows, cols])]
    grids = structure_features(cos) + place_features(infos_a, infos_b)
    grids += weight_features(infos_a, infos_b, idf)
    blocks += [np.asarray(grid, dtype=np.float64).reshape(-1, 1) for grid in grids]
    return np.hstack(blocks)


@dataclass(frozen=True)
class FactModel:
    """A fitted logistic regression over FEATURE_NAMES (weights on the raw features) and its thresholds."""

    weights: np.ndarray
    bias: float
    link_threshold: float
    same_threshold: float
    # ``group_facts``: the share of the cross-article pairs of two groups that must link for one fact.
    min_link_fraction: float = 0.6
    names: tuple[str, ...] = FEATURE_NAMES
    model_id: str = PACKAGED_MODEL_ID
    provenance: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(the pair reports a common fact) for each row of ``features``."""
        logits = np.clip(features @ self.weights + self.bias, -40.0, 40.0)
        return 1.0 / (1.0 + np.exp(-logits))

    def links(self, probabilities: np.ndarray) -> list[tuple[int, int, str, float]]:
        """(row, column, "same" | "partial", P) for the cells of an article pair's P matrix that link."""
        found = np.argwhere(probabilities >= self.link_threshold)
        return [
            (int(i), int(j), "same" if p >= self.same_threshold else "partial", float(p))
            for (i, j), p in zip(found.tolist(), probabilities[found[:, 0], found[:, 1]].tolist())
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "model_id": self.model_id,
            "features": list(self.names),
            "weights": [round(float(w), 8) for w in self.weights],
            "bias": round(float(self.bias), 8),
            "link_threshold": self.link_threshold,
            "same_threshold": self.same_threshold,
            "min_link_fraction": self.min_link_fraction,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FactModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} file")
        names = tuple(data["features"])
        if names != FEATURE_NAMES:
            raise ValueError("the model's features are not the ones this code computes: refit it")
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            link_threshold=float(data["link_threshold"]),
            same_threshold=float(data["same_threshold"]),
            min_link_fraction=float(data.get("min_link_fraction", 0.6)),
            names=names,
            model_id=str(data.get("model_id", PACKAGED_MODEL_ID)),
            provenance=data.get("provenance", {}),
        )


def save_model(model: FactModel, path: str | Path = MODEL_PATH) -> Path:
    path = Path(path)
    path.write_text(json.dumps(model.to_dict(), indent=1) + "\n", encoding="utf-8")
    return path


_loaded: dict[str, FactModel] = {}


def load_model(path: str | Path | None = None) -> FactModel:
    """The fitted model (default: ``params/facts.json``), read once per path."""
    key = str(Path(path) if path else MODEL_PATH)
    if key not in _loaded:
        _loaded[key] = FactModel.from_dict(json.loads(Path(key).read_text(encoding="utf-8")))
    return _loaded[key]


def pair_probabilities(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    emb_a: np.ndarray,
    emb_b: np.ndarray,
    idf: Mapping[str, float],
    model: FactModel,
) -> np.ndarray:
    """The (len(texts_a), len(texts_b)) matrix of P(link) of two articles' sentence pairs."""
    if not len(texts_a) or not len(texts_b):
        return np.zeros((len(texts_a), len(texts_b)))
    return model.probabilities(grid_features(texts_a, texts_b, emb_a, emb_b, idf)).reshape(
        len(texts_a), len(texts_b)
    )
