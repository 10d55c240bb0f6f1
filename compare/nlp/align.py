"""Which sentences of different outlets report the same fact.

``align_pair`` links the sentences of two articles; ``group_facts`` turns the
links of a whole story (N articles) into facts, each one either shared by
several outlets, shared only in part, or reported by one outlet alone.

A link is decided at the level of facts: two small models over the features
of ``compare.nlp.features`` judge each candidate pair on its own (P(same
meaning), fitted on MRPC; a 0-5 similarity grade, fitted on STS-B news), and
structure does the rest (one "same" counterpart per sentence, a few partial
links at most, each with real evidence). Weights and thresholds come from
``alignment_params.json``, fitted offline by ``compare.nlp.calibration``.
Inference is numpy only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.features import (
    ALIGNMENT_NAMES,
    PAIR_NAMES,
    context_features,
    pair_feature_matrix,
    pair_feature_rows,
    sentence_info,
)

PARAMS_PATH = Path(__file__).with_name("alignment_params.json")
LEAD_KINDS = frozenset({"headline", "standfirst"})


@dataclass(frozen=True, eq=False)
class Head:
    """A linear model over named features, standardised: logistic (a probability) or identity (a score).

    Features are looked up by name, so a head fitted on a subset of the
    features keeps working when features are added to the code.
    """

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    link: str = "logistic"

    def logit(self, matrix: np.ndarray, names: Sequence[str]) -> np.ndarray:
        """The linear score of every row of ``matrix`` (columns named by ``names``)."""
        try:
            columns = [names.index(name) for name in self.features]
        except ValueError as error:
            raise ValueError(f"parameters use a feature the code lacks: {error}") from None
        standard = (matrix[:, columns] - self.mean) / self.scale
        return standard @ self.weights + self.bias

    def predict(self, matrix: np.ndarray, names: Sequence[str]) -> np.ndarray:
        raw = self.logit(matrix, names)
        return 1.0 / (1.0 + np.exp(-raw)) if self.link == "logistic" else raw

    def __eq__(self, other: object) -> bool:
        # Compared by value as stored (arrays have no plain truth value).
        return isinstance(other, Head) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "mean": _floats(self.mean),
            "scale": _floats(self.scale),
            "weights": _floats(self.weights),
            "bias": round(float(self.bias), 6),
            "threshold": round(float(self.threshold), 6),
            "link": self.link,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Head:
        n = len(data["features"])
        arrays = [np.asarray(data[key], dtype=np.float64) for key in ("mean", "scale", "weights")]
        if any(array.shape != (n,) for array in arrays):
            raise ValueError("a head's mean, scale and weights must match its features")
        return cls(
            tuple(data["features"]),
            *arrays,
            float(data["bias"]),
            float(data.get("threshold", 0.5)),
            data.get("link", "logistic"),
        )

    @classmethod
    def on_cosine(cls, threshold: float, link: str = "logistic") -> Head:
        """Plain cosine: P crosses 0.5 exactly at ``threshold`` (the baseline to beat)."""
        steep = 50.0 if link == "logistic" else 1.0
        bias = -steep * threshold if link == "logistic" else 0.0
        return cls(("cosine",), np.zeros(1), np.ones(1), np.array([steep]), bias, 0.5, link)


def _floats(array: np.ndarray) -> list[float]:
    return [round(float(value), 6) for value in array]


@dataclass(frozen=True)
class AlignmentParams:
    """Everything ``align_pair`` and ``group_facts`` need that was fitted or chosen on data.

    ``pair`` answers "same fact?" for a pair on its own (MRPC-like),
    ``similarity`` grades it 0-5 (STS-like); ``align_pair`` uses these two.
    ``alignment`` answers "same event?" inside two whole articles (ECB+-like,
    with context features); only ``align_events`` uses it.

    Thresholds on the grade: ``same_similarity`` for "same" (with the pair
    head's own threshold), ``partial_similarity`` for "partial", and the
    lower ``containment_similarity`` for a short sentence whose content words
    sit inside a longer one.
    """

    pair: Head
    similarity: Head
    alignment: Head
    candidate_floor: float = 0.2
    candidate_rank: int = 3
    lead_bonus: float = 3.0
    same_similarity: float = 3.15
    partial_similarity: float = 2.7
    containment_similarity: float = 1.85
    partial_length_ratio: float = 0.6
    partial_containment: float = 0.8
    containment_min_words: int = 3
    max_partials: int = 2
    fact_min_link_fraction: float = 0.6
    version: str = "unfitted"
    provenance: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        heads = {name: getattr(self, name).to_dict() for name in ("pair", "similarity", "alignment")}
        settings = {name: getattr(self, name) for name in _SETTINGS}
        return {
            "version": self.version,
            "heads": heads,
            "settings": settings,
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AlignmentParams:
        heads = {name: Head.from_dict(data["heads"][name]) for name in ("pair", "similarity", "alignment")}
        settings = {name: data["settings"][name] for name in _SETTINGS if name in data["settings"]}
        return cls(
            **heads, **settings, version=str(data.get("version", "")), provenance=data.get("provenance", {})
        )

    @classmethod
    def plain_cosine(cls, pair_threshold: float, link_threshold: float) -> AlignmentParams:
        """The baseline: every decision is a bare cosine threshold, no candidate pruning, no cap.

        The grade is the cosine itself: "same" at ``pair_threshold`` (still one
        counterpart per sentence), any link at ``link_threshold``.
        """
        return cls(
            Head.on_cosine(pair_threshold),
            Head.on_cosine(0.0, link="identity"),
            Head.on_cosine(link_threshold),
            candidate_floor=-1.0,
            candidate_rank=1_000_000,
            lead_bonus=0.0,
            same_similarity=pair_threshold,
            partial_similarity=link_threshold,
            containment_similarity=link_threshold,
            max_partials=1_000_000,
            version="plain-cosine",
        )


_SETTINGS = (
    "candidate_floor",
    "candidate_rank",
    "lead_bonus",
    "same_similarity",
    "partial_similarity",
    "containment_similarity",
    "partial_length_ratio",
    "partial_containment",
    "containment_min_words",
    "max_partials",
    "fact_min_link_fraction",
)


def load_params(path: str | Path | None = None) -> AlignmentParams:
    """Read the fitted parameters (default: ``alignment_params.json`` beside this module)."""
    return _load_params(str(Path(path) if path else PARAMS_PATH))


@lru_cache(maxsize=8)
def _load_params(path: str) -> AlignmentParams:
    with open(path, encoding="utf-8") as handle:
        return AlignmentParams.from_dict(json.load(handle))


@dataclass(frozen=True, order=True)
class SentenceRef:
    """One sentence: the article's key (any int id) and the sentence's index in it."""

    article: int
    sentence: int


@dataclass(frozen=True)
class Link:
    """Two sentences of different articles that report the same fact ("same") or overlap ("partial")."""

    a: SentenceRef
    b: SentenceRef
    kind: str
    score: float


@dataclass(frozen=True)
class Fact:
    """A group of sentences reporting one fact: "shared", "partial" or "unique" (one sentence)."""

    id: int
    kind: str
    members: tuple[SentenceRef, ...]
    articles: tuple[int, ...]


@dataclass(frozen=True)
class ArticleSentences:
    """An article's sentences with their unit embeddings (one row per sentence) and kinds."""

    article: int
    texts: Sequence[str]
    embeddings: np.ndarray
    kinds: Sequence[str] | None = None


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


def _candidates(cos: np.ndarray, params: AlignmentParams) -> tuple[np.ndarray, np.ndarray]:
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


def _lead_bonus(a: ArticleSentences, b: ArticleSentences, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
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
      partial (the sentence covers two of the other's). Each sentence keeps
      at most ``max_partials`` partial links, the strongest.

    Args:
        a, b: the two articles with their sentence embeddings.
        params: fitted parameters; the packaged file when omitted.
    Returns:
        Links sorted by (a sentence, b sentence); ``score`` is the graded
        similarity divided by 5, clipped to 0..1.
    """
    params = params or load_params()
    if not len(a.texts) or not len(b.texts):
        return []
    cos = cosine_matrix(a, b)
    rows, cols = _candidates(cos, params)
    if not len(rows):
        return []
    evidence = pair_evidence(a, b, cos, rows, cols, params)
    kinds = decide_links(rows, cols, evidence, params)
    return [
        Link(SentenceRef(a.article, int(i)), SentenceRef(b.article, int(j)), kind, _link_score(grade))
        for i, j, kind, grade in sorted(
            zip(rows.tolist(), cols.tolist(), kinds, evidence.similarity.tolist(), strict=True)
        )
        if kind
    ]


def _link_score(grade: float) -> float:
    return round(min(max(grade / 5.0, 0.0), 1.0), 4)


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
    lead = _lead_bonus(a, b, rows, cols)
    logit = params.pair.logit(features, PAIR_NAMES) + params.lead_bonus * lead
    shared = np.array([len(infos_a[i].content & infos_b[j].content) for i, j in zip(rows, cols, strict=True)])
    much_shorter = features[:, PAIR_NAMES.index("length_ratio")] < params.partial_length_ratio
    contained = (
        much_shorter
        & (features[:, PAIR_NAMES.index("content_containment")] >= params.partial_containment)
        & (shared >= params.containment_min_words)
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
    partial_strength = same_strength | (grade >= params.partial_similarity)
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
    partials_a: Counter[int] = Counter()
    partials_b: Counter[int] = Counter()
    for k in order[partial_strength[order]]:
        i, j = int(rows[k]), int(cols[k])
        if kinds[k] or partials_a[i] >= params.max_partials or partials_b[j] >= params.max_partials:
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
    if not len(a.texts) or not len(b.texts):
        return []
    cos = cosine_matrix(a, b)
    rows, cols = _candidates(cos, params)
    if not len(rows):
        return []
    logit = params.alignment.logit(alignment_features(a, b, cos, rows, cols), ALIGNMENT_NAMES)
    logit += params.lead_bonus * _lead_bonus(a, b, rows, cols)
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


def group_facts(
    articles: Sequence[ArticleSentences], links: Sequence[Link], params: AlignmentParams | None = None
) -> list[Fact]:
    """Group the links of a story into facts; every sentence ends in exactly one fact.

    Average linkage, strongest links first: two groups merge only when most
    of the cross-article pairs between them are linked. Connected components
    would chain unrelated sentences through one weak middle link.

    Args:
        articles: the story's articles (their order sets the order of facts).
        links: links between sentences of different articles (from ``align_pair``).
        params: fitted parameters; the packaged file when omitted.
    Returns:
        Facts ordered by their first sentence; ids 0..n-1.
    """
    params = params or load_params()
    order = {article.article: position for position, article in enumerate(articles)}
    if len(order) != len(articles):
        raise ValueError("article keys must be distinct")
    refs = [SentenceRef(article.article, i) for article in articles for i in range(len(article.texts))]
    known = set(refs)
    linked: dict[tuple[SentenceRef, SentenceRef], Link] = {}
    for link in links:
        if link.a not in known or link.b not in known:
            raise ValueError(f"link {link} names a sentence not among the articles")
        if link.a.article != link.b.article:
            linked[_key(link.a, link.b)] = link
    groups = _average_linkage(refs, linked, params.fact_min_link_fraction)
    sort_key = lambda ref: (order[ref.article], ref.sentence)  # noqa: E731
    ordered = sorted((sorted(group, key=sort_key) for group in groups), key=lambda g: sort_key(g[0]))
    return [_make_fact(n, members, linked, order) for n, members in enumerate(ordered)]


def _key(x: SentenceRef, y: SentenceRef) -> tuple[SentenceRef, SentenceRef]:
    return (x, y) if x < y else (y, x)


def _average_linkage(
    refs: list[SentenceRef], linked: dict[tuple[SentenceRef, SentenceRef], Link], min_fraction: float
) -> list[list[SentenceRef]]:
    neighbours: dict[SentenceRef, set[SentenceRef]] = {ref: set() for ref in refs}
    for x, y in linked:
        neighbours[x].add(y)
        neighbours[y].add(x)
    group_of = {ref: n for n, ref in enumerate(refs)}
    groups: dict[int, list[SentenceRef]] = {n: [ref] for n, ref in enumerate(refs)}
    for link in sorted(linked.values(), key=lambda lk: (-lk.score, lk.a, lk.b)):
        first, second = group_of[link.a], group_of[link.b]
        if first == second:
            continue
        if _link_fraction(groups[first], groups[second], neighbours) < min_fraction:
            continue
        for ref in groups[second]:
            group_of[ref] = first
        groups[first].extend(groups.pop(second))
    return list(groups.values())


def _link_fraction(
    first: list[SentenceRef], second: list[SentenceRef], neighbours: dict[SentenceRef, set[SentenceRef]]
) -> float:
    """Share of the cross-article pairs between two groups that are linked."""
    second_set = set(second)
    linked_pairs = sum(len(neighbours[x] & second_set) for x in first)
    second_articles = Counter(ref.article for ref in second)
    cross_pairs = sum(len(second) - second_articles[x.article] for x in first)
    return linked_pairs / cross_pairs if cross_pairs else 0.0


def _make_fact(
    fact_id: int,
    members: list[SentenceRef],
    linked: dict[tuple[SentenceRef, SentenceRef], Link],
    order: dict[int, int],
) -> Fact:
    articles = tuple(sorted({ref.article for ref in members}, key=order.__getitem__))
    if len(members) == 1:
        kind = "unique"
    else:
        inside = [linked.get(_key(x, y)) for n, x in enumerate(members) for y in members[n + 1 :]]
        kind = "shared" if any(link is not None and link.kind == "same" for link in inside) else "partial"
    return Fact(fact_id, kind, tuple(members), articles)
