"""Online story assignment: put each incoming article into its story, or start a new one.

(Parameters live in ``story_params``, article profiles and story states in
``story_profile``; this module re-exports them, so callers import from here.)

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

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from compare.nlp.stories.params import PARAMS_PATH, ClusteringParams, default_params, load_params
from compare.nlp.stories.profile import (
    ArticleProfile,
    StoryState,
    build_profile,
    central_title,
    epoch_seconds,
)

SECONDS_PER_DAY = 86_400.0


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
        moment = epoch_seconds(published)
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
        self._first[row] = epoch_seconds(state.first_published)
        self._last[row] = epoch_seconds(state.last_published)

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


__all__: Iterable[str] = (
    "PARAMS_PATH", "ArticleProfile", "Assignment", "Candidate", "ClusteringParams", "StoryIndex",
    "StoryState", "assign", "build_profile", "central_title", "default_params", "entity_overlap",
    "load_params",
)  # fmt: skip
