"""Online story assignment: put each incoming article into its story, or start a new one.

An article becomes an :class:`ArticleProfile` (a unit vector, its entities, its
publication time). Each active story is a :class:`StoryState`: the sum of its
articles' vectors, their count, how many of them mention each entity and the
time span they cover. :class:`StoryIndex` keeps every active story's centroid in
one preallocated matrix, so deciding costs one matrix-vector product over the
active stories, whatever the number of articles ever stored.

Topic similarity alone merges look-alike events (two earthquakes, two
celebrities in rehab), so the decision also weighs shared names, places,
numbers and dates (rarer entities count more), the time gap and the story's
size::

    score = cosine_weight * cosine(article, centroid)
          + entity_weight * weighted Dice overlap of article and story entities
          - time_weight * log1p(days between the article and the story's span)
          + size_weight * log(articles in the story)

and the article joins the best story when ``score >= threshold``. The size
term is the "rich get richer" prior of online Bayesian clustering (a Chinese
restaurant process): a story many outlets already cover is a likelier home
than a one-article story, whose single article is weak evidence of what the
event is.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.entities import extract_entities

PARAMS_PATH = Path(__file__).with_name("clustering_params.json")
SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class ClusteringParams:
    """Every knob of profile building and assignment; see clustering_params.json for values."""

    # Fallbacks when clustering_params.json is missing; they equal its fitted values.
    title_weight: float = 1.0  # the headline counts as one more lead sentence
    lead_weight: float = 1.0  # the first sentences say who, what, where
    lead_sentences: int = 3
    max_sentences: int = 5  # later sentences drift to background shared by look-alike events
    entity_sentences: int = 10  # names further down are mostly other cases and history
    cosine_weight: float = 1.0
    entity_weight: float = 2.0
    time_weight: float = 0.03  # per log-day of gap: 1 day costs 0.02, a week 0.06, a year 0.18
    size_weight: float = 0.1
    threshold: float = 1.1
    top_n: int = 20  # stories re-ranked with entities after the cosine pre-selection
    window_days: float = 365.0  # stories this far from the article's date are not candidates
    version: str = "defaults"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClusteringParams:
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def load_params(path: str | Path | None = None) -> ClusteringParams:
    """Read the calibrated parameters (the ``params`` object of clustering_params.json)."""
    data = json.loads(Path(path or PARAMS_PATH).read_text(encoding="utf-8"))
    return ClusteringParams.from_dict(data.get("params", data))


_DEFAULT_PARAMS: ClusteringParams | None = None


def default_params() -> ClusteringParams:
    """The shipped parameters, read once; built-in defaults if the file is missing."""
    global _DEFAULT_PARAMS
    if _DEFAULT_PARAMS is None:
        _DEFAULT_PARAMS = load_params() if PARAMS_PATH.exists() else ClusteringParams()
    return _DEFAULT_PARAMS


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so naive and aware times can be compared."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _timestamp(moment: datetime | None) -> float:
    """Seconds since the epoch, NaN when unknown."""
    return math.nan if moment is None else _as_utc(moment).timestamp()


@dataclass(frozen=True)
class ArticleProfile:
    """What assignment needs to know about one article."""

    vector: np.ndarray  # unit float32: weighted mean of headline, lead and sentence embeddings
    entities: frozenset[str]  # normalised names/places/numbers/dates
    published: datetime | None = None


def _sentence_weights(count: int, params: ClusteringParams) -> np.ndarray:
    weights = np.ones(count, dtype=np.float32)
    weights[: params.lead_sentences] = params.lead_weight
    weights[params.max_sentences :] = 0.0
    return weights


def build_profile(
    title: str,
    sentences: Sequence[str],
    embeddings: np.ndarray,
    published: datetime | None = None,
    params: ClusteringParams | None = None,
) -> ArticleProfile:
    """Summarise an article as a unit vector plus its entities.

    Args:
        title: the headline.
        sentences: the body sentences, in order.
        embeddings: unit rows; ``len(sentences) + 1`` rows with the title's first,
            or ``len(sentences)`` rows when the title was not encoded.
        published: publication time if known.
        params: profile weights; the shipped parameters by default.
    Returns:
        An ArticleProfile whose vector is the weighted mean of the rows, renormalised.
    """
    params = params or default_params()
    embeddings = np.asarray(embeddings, dtype=np.float32)
    has_title_row = len(embeddings) == len(sentences) + 1
    if not has_title_row and len(embeddings) != len(sentences):
        raise ValueError("embeddings must have one row per sentence, plus optionally the title first")
    weights = _sentence_weights(len(sentences), params)
    headline = title.strip().casefold()
    # Scraped pages repeat the headline as the first line; count it once, as the title.
    weights[[i for i, s in enumerate(sentences) if s.strip().casefold() == headline]] = 0.0
    if has_title_row:
        weights = np.concatenate([[params.title_weight if title.strip() else 0.0], weights])
    vector = weights @ embeddings if len(embeddings) else np.zeros(0, dtype=np.float32)
    norm = float(np.linalg.norm(vector)) if vector.size else 0.0
    if norm == 0.0:
        raise ValueError("an article needs at least one non-empty, non-zero embedding")
    entities = extract_entities(title, list(sentences[: params.entity_sentences]))
    return ArticleProfile((vector / norm).astype(np.float32), entities, published)


@dataclass
class StoryState:
    """What the database keeps per story so the index can be rebuilt and updated in place.

    ``to_json`` holds everything but the vector sum, which is stored separately
    as little-endian float32 bytes (``vector_bytes()``; ``from_json(data, vector)``).
    """

    vector_sum: np.ndarray
    count: int = 0
    entity_counts: dict[str, int] = field(default_factory=dict)
    first_published: datetime | None = None
    last_published: datetime | None = None

    @classmethod
    def from_profile(cls, profile: ArticleProfile) -> StoryState:
        """A new one-article story."""
        state = cls(np.zeros_like(profile.vector, dtype=np.float32))
        state.add(profile)
        return state

    def add(self, profile: ArticleProfile) -> None:
        self.vector_sum = self.vector_sum + profile.vector
        self.count += 1
        for entity in profile.entities:
            self.entity_counts[entity] = self.entity_counts.get(entity, 0) + 1
        if profile.published is not None:
            moment = _as_utc(profile.published)
            if self.first_published is None or moment < _as_utc(self.first_published):
                self.first_published = moment
            if self.last_published is None or moment > _as_utc(self.last_published):
                self.last_published = moment

    def remove(self, profile: ArticleProfile) -> None:
        """Take an article out. The time span is kept: without the other articles'
        dates it cannot shrink, and a span too wide only makes the window lenient."""
        self.vector_sum = self.vector_sum - profile.vector
        self.count = max(0, self.count - 1)
        for entity in profile.entities:
            left = self.entity_counts.get(entity, 0) - 1
            if left > 0:
                self.entity_counts[entity] = left
            else:
                self.entity_counts.pop(entity, None)

    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.vector_sum))
        return (self.vector_sum / norm if norm else self.vector_sum).astype(np.float32)

    def vector_bytes(self) -> bytes:
        return np.asarray(self.vector_sum, dtype="<f4").tobytes()

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "entity_counts": dict(sorted(self.entity_counts.items())),
            "first_published": self.first_published.isoformat() if self.first_published else None,
            "last_published": self.last_published.isoformat() if self.last_published else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], vector: bytes | Sequence[float] | np.ndarray) -> StoryState:
        if isinstance(vector, bytes | bytearray | memoryview):
            array = np.frombuffer(vector, dtype="<f4").astype(np.float32)
        else:
            array = np.asarray(vector, dtype=np.float32)
        first, last = data.get("first_published"), data.get("last_published")
        return cls(
            vector_sum=array,
            count=int(data["count"]),
            entity_counts={str(k): int(v) for k, v in data.get("entity_counts", {}).items()},
            first_published=datetime.fromisoformat(first) if first else None,
            last_published=datetime.fromisoformat(last) if last else None,
        )


@dataclass(frozen=True)
class Candidate:
    """One story considered for an article, with the parts of its score."""

    story: int
    score: float
    similarity: float  # cosine between the article and the story centroid
    shared_entities: tuple[str, ...]  # rarest first


@dataclass(frozen=True)
class Assignment:
    """The decision: ``story`` None means start a new story."""

    story: int | None
    candidates: list[Candidate]


class StoryIndex:
    """The active stories, searchable in one vectorised pass.

    Centroids live in a preallocated float32 matrix that doubles when full;
    dropped stories free their row for the next one, so the matrix tracks the
    number of *active* stories. Entity document frequencies (over the active
    stories' articles) are kept in step, for rarity weights.
    """

    def __init__(self, dim: int = 384, params: ClusteringParams | None = None, capacity: int = 1024):
        self.params = params or default_params()
        self.dim = dim
        self._centroids = np.zeros((capacity, dim), dtype=np.float32)
        self._first = np.full(capacity, np.nan)
        self._last = np.full(capacity, np.nan)
        self._live = np.zeros(capacity, dtype=bool)
        self._row_keys = np.full(capacity, -1, dtype=np.int64)
        self._rows: dict[int, int] = {}
        self._free: list[int] = []
        self._high_water = 0
        self._states: dict[int, StoryState] = {}
        self._document_frequency: dict[str, int] = {}
        self._articles = 0

    def __len__(self) -> int:
        return len(self._states)

    def __contains__(self, key: object) -> bool:
        return key in self._states

    def state(self, key: int) -> StoryState:
        return self._states[key]

    def keys(self) -> list[int]:
        return list(self._states)

    def add_story(self, key: int, state: StoryState) -> None:
        """Add (or replace) a story, e.g. when rebuilding the index from the database."""
        if key in self._states:
            self.drop(key)
        row = self._free.pop() if self._free else self._next_row()
        self._rows[key] = row
        self._row_keys[row] = key
        self._live[row] = True
        self._states[key] = state
        self._count_entities(state.entity_counts.items(), +1)
        self._articles += state.count
        self._write_row(key)

    def update(self, key: int, profile: ArticleProfile) -> None:
        """Add one article to an existing story."""
        self._states[key].add(profile)
        self._count_entities(((e, 1) for e in profile.entities), +1)
        self._articles += 1
        self._write_row(key)

    def remove_article(self, key: int, profile: ArticleProfile) -> None:
        """Take one article out of a story; a story left empty is dropped."""
        state = self._states[key]
        state.remove(profile)
        self._count_entities(((e, 1) for e in profile.entities), -1)
        self._articles = max(0, self._articles - 1)
        if state.count == 0:
            self.drop(key)
        else:
            self._write_row(key)

    def drop(self, key: int) -> None:
        """Forget a story (closed, merged or out of the active window)."""
        state = self._states.pop(key)
        self._count_entities(state.entity_counts.items(), -1)
        self._articles = max(0, self._articles - state.count)
        row = self._rows.pop(key)
        self._live[row] = False
        self._row_keys[row] = -1
        self._centroids[row] = 0.0
        self._free.append(row)

    def drop_older_than(self, cutoff: datetime) -> list[int]:
        """Drop stories whose last article is older than ``cutoff``; returns their keys."""
        stale = self._live & (self._last < _timestamp(cutoff))
        keys = [int(k) for k in self._row_keys[stale]]
        for key in keys:
            self.drop(key)
        return keys

    def idf(self, entity: str) -> float:
        """Rarity weight over the active articles, smoothed so it is positive from the first one."""
        return math.log((self._articles + 2) / (self._document_frequency.get(entity, 0) + 1))

    def candidates(
        self, profile: ArticleProfile, k: int = 3, params: ClusteringParams | None = None
    ) -> list[Candidate]:
        """The ``k`` best-scoring stories for an article, best first.

        Cosine is computed for every active story at once; only the ``top_n``
        closest are scored on entities and time, which keeps a call cheap at
        100,000 stories.
        """
        params = params or self.params
        used = self._high_water
        if not self._states:
            return []
        similarities = self._centroids[:used] @ profile.vector.astype(np.float32)
        gaps = self._gap_days(profile.published, used)
        eligible = self._live[:used] & (gaps <= params.window_days)
        similarities = np.where(eligible, similarities, -np.inf)
        pool = min(params.top_n, int(eligible.sum()))
        if pool == 0:
            return []
        rows = np.argpartition(-similarities, pool - 1)[:pool]
        scored = [
            self._score(int(row), float(similarities[row]), float(gaps[row]), profile, params) for row in rows
        ]
        scored.sort(key=lambda c: (-c.score, c.story))
        return scored[:k]

    def _score(
        self, row: int, similarity: float, gap_days: float, profile: ArticleProfile, params: ClusteringParams
    ) -> Candidate:
        key = int(self._row_keys[row])
        overlap, shared = entity_overlap(profile.entities, self._states[key], self.idf)
        score = (
            params.cosine_weight * similarity
            + params.entity_weight * overlap
            - params.time_weight * math.log1p(gap_days)
            + params.size_weight * math.log(max(self._states[key].count, 1))
        )
        return Candidate(key, score, similarity, shared)

    def _gap_days(self, published: datetime | None, used: int) -> np.ndarray:
        """Days between the article and each story's time span; 0 when either date is unknown."""
        moment = _timestamp(published)
        if math.isnan(moment):
            return np.zeros(used)
        before = self._first[:used] - moment
        after = moment - self._last[:used]
        gaps = np.fmax(np.fmax(before, after), 0.0) / SECONDS_PER_DAY
        return np.nan_to_num(gaps, nan=0.0)

    def _next_row(self) -> int:
        if self._high_water == len(self._centroids):
            self._grow()
        self._high_water += 1
        return self._high_water - 1

    def _grow(self) -> None:
        capacity = 2 * len(self._centroids)
        self._centroids = _resized(self._centroids, capacity, 0.0)
        self._first = _resized(self._first, capacity, np.nan)
        self._last = _resized(self._last, capacity, np.nan)
        self._live = _resized(self._live, capacity, False)
        self._row_keys = _resized(self._row_keys, capacity, -1)

    def _write_row(self, key: int) -> None:
        row, state = self._rows[key], self._states[key]
        self._centroids[row] = state.centroid()
        self._first[row] = _timestamp(state.first_published)
        self._last[row] = _timestamp(state.last_published)

    def _count_entities(self, counts: Iterable[tuple[str, int]], sign: int) -> None:
        frequency = self._document_frequency
        for entity, count in counts:
            left = frequency.get(entity, 0) + sign * count
            if left > 0:
                frequency[entity] = left
            else:
                frequency.pop(entity, None)


def _resized(array: np.ndarray, capacity: int, fill: Any) -> np.ndarray:
    grown = np.full((capacity, *array.shape[1:]), fill, dtype=array.dtype)
    grown[: len(array)] = array
    return grown


def entity_overlap(
    entities: frozenset[str], state: StoryState, idf: Callable[[str], float]
) -> tuple[float, tuple[str, ...]]:
    """Weighted Dice overlap of an article's entities and a story's, in [0, 1].

    Each entity weighs its rarity (idf). On the story side an entity counts in
    proportion to the share of the story's articles that mention it, so a stray
    mention in a big story weighs little, while the names every article repeats
    carry the story. Dice (not "share of the article's entities") penalises both
    sides' unmatched names: a look-alike event has its own people and places.

    Returns:
        (overlap, shared entities rarest first).
    """
    if not entities or state.count == 0:
        return 0.0, ()
    weights = {entity: idf(entity) for entity in entities}
    article_mass = sum(weights.values())
    story_mass = sum(idf(entity) * count for entity, count in state.entity_counts.items()) / state.count
    shared = [e for e in entities if e in state.entity_counts]
    shared_mass = sum(weights[e] * state.entity_counts[e] for e in shared) / state.count
    shared.sort(key=lambda e: (-weights[e], e))
    total = article_mass + story_mass
    return (2 * shared_mass / total if total > 0 else 0.0), tuple(shared)


def assign(profile: ArticleProfile, index: StoryIndex, params: ClusteringParams | None = None) -> Assignment:
    """Pick the story an article belongs to, or None for a new story. The index is not changed.

    Args:
        profile: the incoming article.
        index: the active stories.
        params: weights and threshold; the index's parameters by default.
    Returns:
        An Assignment with the best candidates, best first.
    """
    params = params or index.params
    candidates = index.candidates(profile, k=3, params=params)
    joined = candidates[0].story if candidates and candidates[0].score >= params.threshold else None
    return Assignment(joined, candidates)


def central_title(titles: Sequence[str], vectors: np.ndarray) -> str:
    """A story's readable title: the headline closest to the mean of all its headlines.

    Args:
        titles: the headlines of the story's articles.
        vectors: one unit row per headline (or per article).
    Returns:
        The most central headline; ties go to the earliest.
    """
    if not titles:
        return ""
    vectors = np.asarray(vectors, dtype=np.float32)
    if len(vectors) != len(titles):
        raise ValueError("one vector per title")
    scores = vectors @ vectors.sum(axis=0)
    return titles[int(np.argmax(scores))]


__all__: Iterable[str] = (
    "ArticleProfile", "Assignment", "Candidate", "ClusteringParams", "StoryIndex", "StoryState",
    "assign", "build_profile", "central_title", "default_params", "entity_overlap", "load_params",
)  # fmt: skip
