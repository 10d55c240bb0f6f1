"""Scores of the alignment engine on the evaluation files' JSON Lines records.

Pure functions over already-parsed records (``datasets.read_jsonl`` reads them):
``evaluate_pairs`` for the pair files (MRPC labels, STS-B scores) and
``evaluate_alignment`` for the ECB+ article-pair file, following the rules of
the eval-data README: given sentences as they are, only links between scored
sentences count, and a scored sentence with no gold link is "unique".
Every text is encoded in one batch call, so a caching encoder sees each once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from compare.nlp.align.engine import (
    AlignmentParams,
    ArticleSentences,
    Head,
    align_by_similarity,
    align_pair,
    load_params,
    unit_vectors,
)
from compare.nlp.align.features import PAIR_NAMES
from compare.nlp.align.pair_model import FactModel
from compare.nlp.embedding.encoders import Encoder
from compare.research.event_alignment import align_events
from compare.research.features import pair_feature_matrix
from compare.research.metrics import binary_scores, prf, spearman


def encode_unique(texts: Iterable[str], encoder: Encoder) -> dict[str, np.ndarray]:
    """Each distinct text's vector, all encoded in one call."""
    unique = list(dict.fromkeys(texts))
    vectors = encoder.encode(unique) if unique else np.zeros((0, encoder.dim), dtype=np.float32)
    return dict(zip(unique, vectors, strict=True))


def article_vectors(records: Iterable[dict], encoder: Encoder) -> dict[str, np.ndarray]:
    """The vector of every sentence of ECB+-style article-pair records."""
    return encode_unique((s for r in records for side in ("a", "b") for s in r[side]["sentences"]), encoder)


def record_articles(
    record: dict, vectors: dict[str, np.ndarray]
) -> tuple[ArticleSentences, ArticleSentences]:
    """The record's two articles (ids 0 and 1) with their sentence embeddings."""
    sides = []
    for key in ("a", "b"):
        sentences = record[key]["sentences"]
        embeddings = np.stack([vectors[s] for s in sentences]) if sentences else np.zeros((0, 1))
        sides.append(ArticleSentences(0 if key == "a" else 1, sentences, embeddings))
    return sides[0], sides[1]


def evaluate_pairs(records: Iterable[dict], encoder: Encoder, params: AlignmentParams | None = None) -> dict:
    """Pair task scores: accuracy/precision/recall/F1 on ``label``, Spearman on ``score``.

    Args:
        records: ``{"a": str, "b": str, "label": 0|1}`` and/or ``{"a", "b", "score": 0-5}``.
        encoder: turns sentences into unit vectors.
        params: fitted parameters; the packaged file when omitted.
    Returns:
        ``n`` plus the label metrics when any record has a label, and
        ``spearman`` (with ``n_scored``) when any has a score.
    """
    params = params or load_params()
    records = list(records)
    vectors = encode_unique((text for r in records for text in (r["a"], r["b"])), encoder)
    result: dict[str, Any] = {"n": len(records)}
    labelled = [r for r in records if r.get("label") is not None]
    if labelled:
        probabilities = _judge(params.pair, labelled, vectors)
        predicted = probabilities >= params.pair.threshold
        scores = binary_scores(predicted.tolist(), [int(r["label"]) for r in labelled])
        result.update({key: value for key, value in scores.items() if key != "n"})
        result["n_labelled"] = len(labelled)
    scored = [r for r in records if r.get("score") is not None]
    if scored:
        similarities = _judge(params.similarity, scored, vectors)
        result["spearman"] = spearman(similarities.tolist(), [float(r["score"]) for r in scored])
        result["n_scored"] = len(scored)
    return result


def pair_scores(
    head: Head, texts_a: Sequence[str], texts_b: Sequence[str], emb_a: np.ndarray, emb_b: np.ndarray
) -> np.ndarray:
    """One head's judgement of each pair (texts_a[k], texts_b[k]), judged on its own.

    Args:
        head: ``params.pair`` for a calibrated P(same fact), ``params.similarity``
            for a grade on the STS scale (0 unrelated .. 5 equivalent).
        texts_a, texts_b: the sentences, pairwise.
        emb_a, emb_b: their embeddings, one row per sentence.
    Returns:
        One score per pair.
    """
    if not len(texts_a):
        return np.zeros(0)
    if len(texts_a) != len(texts_b):
        raise ValueError("texts_a and texts_b differ in length")
    cosines = np.sum(unit_vectors(emb_a) * unit_vectors(emb_b), axis=1)
    return head.predict(pair_feature_matrix(texts_a, texts_b, cosines), PAIR_NAMES)


def _judge(head: Head, records: Sequence[dict], vectors: dict[str, np.ndarray]) -> np.ndarray:
    texts_a = [r["a"] for r in records]
    texts_b = [r["b"] for r in records]
    emb_a = np.stack([vectors[t] for t in texts_a])
    emb_b = np.stack([vectors[t] for t in texts_b])
    return pair_scores(head, texts_a, texts_b, emb_a, emb_b)


# Pooled counts (micro-averaging, as the eval-data README asks): links "tp"/"fp"/"fn",
# sentences reported alone "alone_tp"/"alone_fp"/"alone_fn", and "n_pairs" scored.
Counts = dict[str, int]


def scores_of(counts: Counts) -> dict[str, float | int]:
    """Link and reported-alone precision/recall/F1 (and their counts) from pooled counts."""
    links = prf(counts["tp"], counts["fp"], counts["fn"])
    alone = prf(counts["alone_tp"], counts["alone_fp"], counts["alone_fn"])
    return {**links.as_dict("link_"), **alone.as_dict("unique_")}


LEVELS = ("fact", "similarity", "event")


def evaluate_alignment(
    records: Iterable[dict],
    encoder: Encoder,
    params: AlignmentParams | None = None,
    level: str = "fact",
    model: FactModel | None = None,
) -> dict:
    """Link and unique-sentence precision/recall/F1 over ECB+-style article pairs.

    Args:
        records: ``{"a": {"sentences": [...]}, "b": {...}, "scored_a": [...],
            "scored_b": [...], "gold_links": [[i, j], ...]}``.
        encoder: turns sentences into unit vectors.
        params: fitted parameters; the packaged file when omitted.
        level: "fact" runs ``align_pair``, the app's own code path (the fact-level
            pair model); "similarity"
            runs the previous engine, ``align_by_similarity``; "event" runs
            ``align_events``, the ECB+-fitted "same real-world event" operating
            point, which matches ECB+'s gold better but is not what the app shows.
        model: the pair model of the "fact" level; the shipped one when omitted.
    Returns:
        n_records, n_pairs (scored pairs), link_precision/recall/f1 and
        unique_precision/recall/f1, all from counts pooled over records.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    params = params or load_params()
    records = list(records)
    vectors = article_vectors(records, encoder)
    counts: Counts = defaultdict(int)
    for record in records:
        count_pair(record, predicted_links(record, vectors, params, level, model), counts)
    return {"level": level, "n_records": len(records), "n_pairs": counts["n_pairs"], **scores_of(counts)}


def predicted_links(
    record: dict,
    vectors: dict[str, np.ndarray],
    params: AlignmentParams,
    level: str = "fact",
    model: FactModel | None = None,
) -> set[tuple[int, int]]:
    """The links the level's engine makes between the record's scored sentences."""
    a, b = record_articles(record, vectors)
    if level == "fact":
        links = align_pair(a, b, model=model)
    elif level == "similarity":
        links = align_by_similarity(a, b, params)
    else:
        links = align_events(a, b, params)
    scored_a, scored_b = set(record["scored_a"]), set(record["scored_b"])
    return {
        (link.a.sentence, link.b.sentence)
        for link in links
        if link.a.sentence in scored_a and link.b.sentence in scored_b
    }


def event_of(record_id: str) -> str:
    """``<event>-nyt-fox`` -> ``<event>``: the part of a facts record's id that names the event.

    Other files' ids have no such suffix; each of their records is its own event.
    """
    return record_id.rsplit("-", 2)[0]


def count_pair(record: dict, predicted: set[tuple[int, int]], counts: Counts) -> None:
    """Add one article pair's counts: links between scored sentences, and scored sentences left alone."""
    scored_a, scored_b = record["scored_a"], record["scored_b"]
    gold = {(i, j) for i, j in record["gold_links"] if i in scored_a and j in scored_b}
    counts["n_pairs"] += len(scored_a) * len(scored_b)
    counts["tp"] += len(predicted & gold)
    counts["fp"] += len(predicted - gold)
    counts["fn"] += len(gold - predicted)
    for side, scored in ((0, scored_a), (1, scored_b)):
        gold_linked = {pair[side] for pair in gold}
        predicted_linked = {pair[side] for pair in predicted}
        for sentence in scored:
            gold_unique = sentence not in gold_linked
            predicted_unique = sentence not in predicted_linked
            counts["alone_tp"] += gold_unique and predicted_unique
            counts["alone_fp"] += predicted_unique and not gold_unique
            counts["alone_fn"] += gold_unique and not predicted_unique
