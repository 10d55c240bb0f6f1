"""Which sentences of different outlets report the same fact.

``align_pair`` links the sentences of two articles with the fact-level pair
model (``pair_model``, fitted on hand-labelled facts); ``group_facts`` turns
the links of a whole story (N articles) into facts, each one either shared
by several outlets, shared only in part, or reported by one outlet alone.

``align_by_similarity`` is the previous engine, kept as a baseline: two
small models over the features
of ``compare.nlp.align.features`` judge each candidate pair on its own (P(same
meaning), fitted on MRPC; a 0-5 similarity grade, fitted on STS-B news), and
structure does the rest (one "same" counterpart per sentence, a few partial
links at most, each with real evidence). Weights and thresholds come from
``params/alignment.json``, fitted offline by ``compare.research.alignment_fit``.
Inference is numpy only. The parameters live in ``params``, the types in
``types``, the link decision in ``links`` and ``group_facts`` in ``facts``;
their names are importable from here too. The event-level alignment that
only the evaluation runs is in ``compare.research.event_alignment``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from compare.nlp.align.facts import group_facts
from compare.nlp.align.links import (
    LEAD_KINDS,
    PairEvidence,
    candidate_pairs,
    decide_links,
    pair_evidence,
)
from compare.nlp.align.pair_model import FactModel, load_model, pair_probabilities, story_idf
from compare.nlp.align.params import DEFAULT_MODEL_ID, PARAMS_PATH, AlignmentParams, Head, load_params
from compare.nlp.align.types import ArticleSentences, Fact, Link, SentenceRef

__all__ = [
    "DEFAULT_MODEL_ID",
    "LEAD_KINDS",
    "PARAMS_PATH",
    "AlignmentParams",
    "ArticleSentences",
    "Fact",
    "Head",
    "Link",
    "PairEvidence",
    "SentenceRef",
    "align_by_similarity",
    "align_pair",
    "candidates",
    "cosine_matrix",
    "decide_links",
    "group_facts",
    "load_params",
    "pair_evidence",
    "unit_vectors",
]


def unit_vectors(vectors: np.ndarray) -> np.ndarray:
    """The rows scaled to unit length, as float64 (zero rows stay zero)."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def cosine_matrix(a: ArticleSentences, b: ArticleSentences) -> np.ndarray:
    """Cosine of every sentence of ``a`` with every sentence of ``b``, computed once per article pair.

    einsum rather than ``@``: for matrices this small, a multithreaded BLAS
    call costs more in thread wake-ups than in arithmetic, badly so on a busy
    machine; einsum's own loop is predictable.
    """
    return np.einsum("ik,jk->ij", unit_vectors(a.embeddings), unit_vectors(b.embeddings))


def align_by_similarity(
    a: ArticleSentences, b: ArticleSentences, params: AlignmentParams | None = None
) -> list[Link]:
    """The previous engine, kept as the baseline ``evaluate`` reports and the event level builds on.

    Links the sentences of two articles that report the same fact ("same") or
    part of it ("partial"). Every candidate pair gets two judgements of the pair on its own: P(same
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
    found = candidates(a, b, params)
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


def align_pair(
    a: ArticleSentences,
    b: ArticleSentences,
    *,
    model: FactModel | None = None,
    idf: Mapping[str, float] | None = None,
) -> list[Link]:
    """Link the sentences of two articles that report a common fact: all of it ("same") or part ("partial").

    The fact-level pair model (``pair_model``) judges every sentence pair of
    the two articles, in the context of each article and of the story.

    Args:
        a, b: the two articles with their sentence embeddings.
        model: the fitted pair model; the packaged ``params/facts.json`` when omitted.
        idf: word rarity (``story_idf``); by default over the two articles
            alone, so that a pair's links never depend on the rest of the
            story or on the order articles joined it.
    Returns:
        Links sorted by (a sentence, b sentence); ``score`` is P(link).
    """
    model = model or load_model()
    idf = idf if idf is not None else story_idf([a.texts, b.texts])
    probabilities = pair_probabilities(a.texts, b.texts, a.embeddings, b.embeddings, idf, model)
    return [
        Link(SentenceRef(a.article, i), SentenceRef(b.article, j), kind, round(p, 4))
        for i, j, kind, p in model.links(probabilities)
    ]


def candidates(
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
