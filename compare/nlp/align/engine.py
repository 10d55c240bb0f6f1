"""Which sentences of different outlets report the same fact.

``align_pair`` links the sentences of two articles; ``group_facts`` turns the
links of a whole story (N articles) into facts, each one either shared by
several outlets, shared only in part, or reported by one outlet alone.

A link is decided at the level of facts: two small models over the features
of ``compare.nlp.align.features`` judge each candidate pair on its own (P(same
meaning), fitted on MRPC; a 0-5 similarity grade, fitted on STS-B news), and
structure does the rest (one "same" counterpart per sentence, a few partial
links at most, each with real evidence). Weights and thresholds come from
``params/alignment.json``, fitted offline by ``compare.research.alignment_fit``.
Inference is numpy only. The parameters live in ``align_params``, the
types in ``align_types``, the link decision in ``link_rules`` and
``group_facts`` in ``fact_grouping``; their names are importable from here
too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from compare.nlp.align.facts import group_facts
from compare.nlp.align.features import (
    ALIGNMENT_NAMES,
    PAIR_NAMES,
    context_features,
    pair_feature_matrix,
    pair_feature_rows,
    sentence_info,
)
from compare.nlp.align.links import (
    LEAD_KINDS,
    PairEvidence,
    candidate_pairs,
    decide_links,
    lead_bonus,
    pair_evidence,
)
from compare.nlp.align.params import PARAMS_PATH, AlignmentParams, Head, load_params
from compare.nlp.align.types import ArticleSentences, Fact, Link, SentenceRef

__all__ = [
    "LEAD_KINDS",
    "PARAMS_PATH",
    "AlignmentParams",
    "ArticleSentences",
    "Fact",
    "Head",
    "Link",
    "PairEvidence",
    "SentenceRef",
    "align_events",
    "align_pair",
    "alignment_features",
    "cosine_matrix",
    "decide_links",
    "group_facts",
    "load_params",
    "pair_evidence",
    "pair_probabilities",
    "pair_probability",
    "pair_similarities",
]


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _pair_matrix(texts_a: Sequence[str], texts_b: Sequence[str], emb_a: np.ndarray, emb_b: np.ndarray):
    if len(texts_a) != len(texts_b):
        raise ValueError("texts_a and texts_b differ in length")
    return pair_feature_matrix(texts_a, texts_b, np.sum(_unit(emb_a) * _unit(emb_b), axis=1))


def pair_probabilities(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    emb_a: np.ndarray,
    emb_b: np.ndarray,
    params: AlignmentParams | None = None,
) -> np.ndarray:
    """Calibrated P(same fact) for aligned lists of pairs (texts_a[k], texts_b[k]).

    Args:
        texts_a, texts_b: the sentences, pairwise.
        emb_a, emb_b: their embeddings, one row per sentence.
        params: fitted parameters; the packaged file when omitted.
    Returns:
        One probability per pair; above ``params.pair.threshold`` means "same".
    """
    params = params or load_params()
    if not len(texts_a):
        return np.zeros(0)
    return params.pair.predict(_pair_matrix(texts_a, texts_b, emb_a, emb_b), PAIR_NAMES)


def pair_probability(
    text_a: str, text_b: str, emb_a: np.ndarray, emb_b: np.ndarray, params: AlignmentParams | None = None
) -> float:
    """Calibrated P(same fact) of one sentence pair judged on its own."""
    return float(pair_probabilities([text_a], [text_b], emb_a, emb_b, params)[0])


def pair_similarities(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    emb_a: np.ndarray,
    emb_b: np.ndarray,
    params: AlignmentParams | None = None,
) -> np.ndarray:
    """Graded similarity on the STS scale (0 unrelated .. 5 equivalent), for ranking pairs."""
    params = params or load_params()
    if not len(texts_a):
        return np.zeros(0)
    return params.similarity.predict(_pair_matrix(texts_a, texts_b, emb_a, emb_b), PAIR_NAMES)


def cosine_matrix(a: ArticleSentences, b: ArticleSentences) -> np.ndarray:
    """Cosine of every sentence of ``a`` with every sentence of ``b``, computed once per article pair.

    einsum rather than ``@``: for matrices this small, a multithreaded BLAS
    call costs more in thread wake-ups than in arithmetic, badly so on a busy
    machine; einsum's own loop is predictable.
    """
    return np.einsum("ik,jk->ij", _unit(a.embeddings), _unit(b.embeddings))


def alignment_features(
    a: ArticleSentences, b: ArticleSentences, cos: np.ndarray, rows: np.ndarray, cols: np.ndarray
) -> np.ndarray:
    """Features (ALIGNMENT_NAMES) of the pairs (rows[k], cols[k]); shared with calibration."""
    infos_a = [sentence_info(t) for t in a.texts]
    infos_b = [sentence_info(t) for t in b.texts]
    return np.hstack(
        [
            pair_feature_rows(infos_a, infos_b, rows, cols, cos[rows, cols]),
            context_features(cos, _unit(a.embeddings), _unit(b.embeddings), rows, cols),
        ]
    )


def align_pair(a: ArticleSentences, b: ArticleSentences, params: AlignmentParams | None = None) -> list[Link]:
    """Link the sentences of two articles that report the same fact ("same") or part of it ("partial").

    Every candidate pair gets two judgements of the pair on its own: P(same
    meaning) from the MRPC-fitted pair head and a 0-5 grade from the
    STS-fitted similarity head. Then structure decides:

    * "same" needs both judgements above their thresholds, and each sentence
      gets at most one "same" counterpart in the other article: a greedy
      one-to-one assignment, strongest grade first, so "same" pairs are
      mutual best matches.
    * "partial" needs real evidence: a grade that says "roughly equivalent,
      some details differ", or the shorter sentence's content words sitting
      inside the longer one. A second "same"-strength counterpart becomes
      partial (the sentence covers two of the other's). Pairs graded at
      least ``partial_similarity`` are always kept; of the weaker,
      support-based ones each sentence keeps at most ``max_partials``, the
      strongest.

    Args:
        a, b: the two articles with their sentence embeddings.
        params: fitted parameters; the packaged file when omitted.
    Returns:
        Links sorted by (a sentence, b sentence); ``score`` is the graded
        similarity divided by 5, clipped to 0..1.
    """
    params = params or load_params()
    found = _candidates(a, b, params)
    if found is None:
        return []
    cos, rows, cols = found
    evidence = pair_evidence(a, b, cos, rows, cols, params)
    kinds = decide_links(rows, cols, evidence, params)
    return [
        Link(SentenceRef(a.article, int(i)), SentenceRef(b.article, int(j)), kind, _link_score(grade))
        for i, j, kind, grade in sorted(
            zip(rows.tolist(), cols.tolist(), kinds, evidence.similarity.tolist(), strict=True)
        )
        if kind
    ]


def _candidates(
    a: ArticleSentences, b: ArticleSentences, params: AlignmentParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The cosine matrix and the candidate (row, column) pairs; None when there are none."""
    if not len(a.texts) or not len(b.texts):
        return None
    cos = cosine_matrix(a, b)
    rows, cols = candidate_pairs(cos, params)
    return (cos, rows, cols) if len(rows) else None


def _link_score(grade: float) -> float:
    return round(min(max(grade / 5.0, 0.0), 1.0), 4)


# ECB+'s "same event" links many pairs of low cosine (~75% of scored pairs are
# links), so the event level keeps the candidate floor the fact level dropped
# for speed (which costs the fact level 3 of 7,125 links on ECB+ dev).
EVENT_CANDIDATE_FLOOR = 0.2


def event_candidate_floor(floor: float) -> float:
    """The event level's candidate cosine floor, given the fact level's; calibration fits on the same."""
    return min(floor, EVENT_CANDIDATE_FLOOR)


def align_events(
    a: ArticleSentences, b: ArticleSentences, params: AlignmentParams | None = None
) -> list[Link]:
    """Event-level links (ECB+'s notion: the two sentences mention the same real-world event).

    Far broader than "same fact" and not what the app shows; kept so the
    evaluation can report the ECB+-fitted operating point next to the app's.
    A link's kind is the fact-level kind when ``align_pair`` made one, else
    "partial"; its score is the alignment head's probability.
    """
    params = params or load_params()
    found = _candidates(a, b, replace(params, candidate_floor=event_candidate_floor(params.candidate_floor)))
    if found is None:
        return []
    cos, rows, cols = found
    logit = params.alignment.logit(alignment_features(a, b, cos, rows, cols), ALIGNMENT_NAMES)
    logit += params.lead_bonus * lead_bonus(a, b, rows, cols)
    p_link = 1.0 / (1.0 + np.exp(-logit))
    facts = {(link.a.sentence, link.b.sentence): link.kind for link in align_pair(a, b, params)}
    return [
        Link(
            SentenceRef(a.article, int(i)),
            SentenceRef(b.article, int(j)),
            facts.get((int(i), int(j)), "partial"),
            round(float(p), 4),
        )
        for i, j, p in zip(rows, cols, p_link, strict=True)
        if p >= params.alignment.threshold
    ]
