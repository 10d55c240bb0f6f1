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
Inference is numpy only. The parameters live in ``params``, the types in
``types``, the link decision in ``links`` and ``group_facts`` in ``facts``;
their names are importable from here too. The event-level alignment that
only the evaluation runs is in ``compare.research.event_alignment``.
"""

from __future__ import annotations

import numpy as np

from compare.nlp.align.facts import group_facts
from compare.nlp.align.links import (
    LEAD_KINDS,
    PairEvidence,
    candidate_pairs,
    decide_links,
    pair_evidence,
)
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
