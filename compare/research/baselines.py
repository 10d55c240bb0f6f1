"""Plain-cosine alignment parameters: the baseline every fitted model is compared against."""

from __future__ import annotations

import numpy as np

from compare.nlp.align.params import AlignmentParams, Head


def cosine_head(threshold: float, link: str = "logistic") -> Head:
    """Plain cosine: P crosses 0.5 exactly at ``threshold`` (or, as ``identity``, the cosine itself)."""
    steep = 50.0 if link == "logistic" else 1.0
    bias = -steep * threshold if link == "logistic" else 0.0
    return Head(("cosine",), np.zeros(1), np.ones(1), np.array([steep]), bias, 0.5, link)


def plain_cosine_params(pair_threshold: float, link_threshold: float) -> AlignmentParams:
    """Every decision a bare cosine threshold, no candidate pruning, no cap.

    The grade is the cosine itself: "same" at ``pair_threshold`` (still one
    counterpart per sentence), any link at ``link_threshold``.
    """
    return AlignmentParams(
        cosine_head(pair_threshold),
        cosine_head(0.0, link="identity"),
        cosine_head(link_threshold),
        candidate_floor=-1.0,
        candidate_rank=1_000_000,
        lead_bonus=0.0,
        same_similarity=pair_threshold,
        partial_similarity=link_threshold,
        containment_similarity=link_threshold,
        max_partials=1_000_000,
        version="plain-cosine",
    )
