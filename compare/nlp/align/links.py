"""How ``align_pair`` decides which candidate pairs of sentences it links, and how.

Candidates are the pairs near the top of a row or column of the cosine
matrix (``candidate_pairs``); ``pair_evidence`` gathers both heads'
judgements of them and their structural support (a headline meeting the
other side's lead, a short sentence contained in a long one);
``decide_links`` makes each one "same", "partial" or no link.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from compare.nlp.align.features import PAIR_NAMES, pair_feature_rows, sentence_info
from compare.nlp.align.params import AlignmentParams
from compare.nlp.align.types import ArticleSentences

LEAD_KINDS = frozenset({"headline", "standfirst"})


def candidate_pairs(cos: np.ndarray, params: AlignmentParams) -> tuple[np.ndarray, np.ndarray]:
    """Pairs worth the lexical features: above a low cosine floor and near the top of a row or column.

    Real links are nearly always among the few best matches of one of their
    two sentences; everything else is skipped, which keeps a 50x50 article
    pair at a few hundred feature rows instead of 2,500.
    """
    k = params.candidate_rank
    rank_row = np.argsort(np.argsort(-cos, axis=1, kind="stable"), axis=1, kind="stable")
    rank_col = np.argsort(np.argsort(-cos, axis=0, kind="stable"), axis=0, kind="stable")
    mask = (cos >= params.candidate_floor) & ((rank_row < k) | (rank_col < k))
    rows, cols = np.nonzero(mask)
    return rows, cols


def lead_bonus(a: ArticleSentences, b: ArticleSentences, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """1.0 where a headline or standfirst meets the other side's headline, standfirst or lead.

    Headlines restate the lead in fewer, different words, so their lexical
    overlap is low; the calibration data carries no kinds, hence a fixed bonus,
    chosen by hand, not fitted.
    """
    if a.kinds is None or b.kinds is None:
        return np.zeros(len(rows))
    lead_a, lead_b = _lead_indices(a.kinds), _lead_indices(b.kinds)
    top_a = np.array([a.kinds[i] in LEAD_KINDS for i in rows], dtype=bool)
    top_b = np.array([b.kinds[j] in LEAD_KINDS for j in cols], dtype=bool)
    near_a = np.array([i in lead_a for i in rows], dtype=bool)
    near_b = np.array([j in lead_b for j in cols], dtype=bool)
    return ((top_a & near_b) | (top_b & near_a)).astype(np.float64)


def _lead_indices(kinds: Sequence[str]) -> set[int]:
    """Headline, standfirst and the first body sentence: the part that states the news."""
    lead = {i for i, kind in enumerate(kinds) if kind in LEAD_KINDS}
    first_body = next((i for i, kind in enumerate(kinds) if kind == "body"), None)
    if first_body is not None:
        lead.add(first_body)
    return lead


@dataclass(frozen=True)
class PairEvidence:
    """What the link decision knows about each candidate pair (one entry per pair)."""

    p_same: np.ndarray
    similarity: np.ndarray
    supported: np.ndarray
    shorter: np.ndarray | None = None

    def shorter_side(self) -> np.ndarray:
        """0 where a's sentence is much the shorter, 1 where b's is, -1 where neither."""
        return np.full(len(self.similarity), -1) if self.shorter is None else self.shorter


def pair_evidence(
    a: ArticleSentences,
    b: ArticleSentences,
    cos: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    params: AlignmentParams,
) -> PairEvidence:
    """Both heads' judgements of the pairs (rows[k], cols[k]) and their structural support.

    Headlines and standfirsts restate the lead in fewer, different words, so
    the pair head (which leans on shared vocabulary) gets ``lead_bonus`` on
    its logit for them, and such a pair counts as supported. So does a pair
    whose shorter sentence's content words sit inside the longer one.
    """
    infos_a = [sentence_info(t) for t in a.texts]
    infos_b = [sentence_info(t) for t in b.texts]
    features = pair_feature_rows(infos_a, infos_b, rows, cols, cos[rows, cols])
    lead = lead_bonus(a, b, rows, cols)
    logit = params.pair.logit(features, PAIR_NAMES) + params.lead_bonus * lead
    containment = features[:, PAIR_NAMES.index("content_containment")]
    # Shared content words, recovered from containment = shared / the smaller set's size.
    smaller = np.minimum(
        np.array([len(infos_a[i].content) for i in rows.tolist()]),
        np.array([len(infos_b[j].content) for j in cols.tolist()]),
    )
    shared = np.rint(containment * smaller)
    much_shorter = features[:, PAIR_NAMES.index("length_ratio")] < params.partial_length_ratio
    contained = (
        much_shorter & (containment >= params.partial_containment) & (shared >= params.containment_min_words)
    )
    words_a = np.array([infos_a[i].n_words for i in rows.tolist()])
    words_b = np.array([infos_b[j].n_words for j in cols.tolist()])
    shorter = np.where(much_shorter, np.where(words_a < words_b, 0, 1), -1)
    return PairEvidence(
        1.0 / (1.0 + np.exp(-logit)),
        params.similarity.predict(features, PAIR_NAMES),
        contained | (lead > 0),
        shorter,
    )


def decide_links(
    rows: np.ndarray, cols: np.ndarray, evidence: PairEvidence, params: AlignmentParams
) -> list[str]:
    """ "same", "partial" or "" (no link) for each candidate pair (rows[k], cols[k]).

    Args:
        rows, cols: sentence indices of the candidate pairs in the two articles.
        evidence: their judgements (``pair_evidence``).
        params: the thresholds and the partial cap.
    Returns:
        One kind per pair, "" for pairs left unlinked.
    """
    grade = evidence.similarity
    same_strength = (evidence.p_same >= params.pair.threshold) & (grade >= params.same_similarity)
    # Graded "roughly equivalent": a partial link at least, and exempt from the partial cap below.
    strong = grade >= params.partial_similarity
    partial_strength = same_strength | strong
    best_of_a, best_of_b = _best_of(rows, grade), _best_of(cols, grade)
    shorter = evidence.shorter_side()
    # The much shorter sentence's best counterpart: most often the longer
    # sentence it is a part of (one sentence covering two of the other's).
    shorter_best = ((shorter == 0) & best_of_a) | ((shorter == 1) & best_of_b)
    support = evidence.supported | (best_of_a & best_of_b) | shorter_best
    partial_strength |= support & (grade >= params.containment_similarity)
    kinds = [""] * len(rows)
    order = np.lexsort((cols, rows, -grade))  # strongest first; ties in reading order
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    for k in order[same_strength[order]]:
        i, j = int(rows[k]), int(cols[k])
        if i not in taken_a and j not in taken_b:
            kinds[k] = "same"
            taken_a.add(i)
            taken_b.add(j)
    # A pair graded "roughly equivalent" is a link however many others its
    # sentences have: a headline, standfirst, lead and quotation restating one
    # fact link to each other pairwise. Only the weaker, support-based partials
    # are capped, so a sentence does not collect every topical neighbour. (On
    # ECB+ dev, capping the strong ones too cost recall and bought no precision.)
    partials_a: Counter[int] = Counter()
    partials_b: Counter[int] = Counter()
    for k in order[partial_strength[order]]:
        i, j = int(rows[k]), int(cols[k])
        if kinds[k]:
            continue
        if not strong[k] and (partials_a[i] >= params.max_partials or partials_b[j] >= params.max_partials):
            continue
        kinds[k] = "partial"
        partials_a[i] += 1
        partials_b[j] += 1
    return kinds


def _best_of(sentences: np.ndarray, grade: np.ndarray) -> np.ndarray:
    """True for the pairs holding the highest grade among those of their sentence (``sentences[k]``)."""
    best = np.full(int(sentences.max(initial=-1)) + 1, -np.inf)
    np.maximum.at(best, sentences, grade)
    return grade >= best[sentences]
