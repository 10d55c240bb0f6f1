"""What story assignment knows about an article (its profile) and about a story (its state).

An article becomes an :class:`ArticleProfile`: a unit vector (weighted mean of
its headline and lead embeddings), its entities and its publication time. A
story is a :class:`StoryState`: the sum of its articles' vectors, their count,
how many of them mention each entity and the time span they cover; it is what
the database stores per story.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from compare.nlp.stories.entities import extract_entities
from compare.nlp.stories.params import ClusteringParams, default_params


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC, so naive and aware times can be compared."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def epoch_seconds(moment: datetime | None) -> float:
    """Seconds since the epoch, NaN when unknown."""
    return math.nan if moment is None else _as_utc(moment).timestamp()


@dataclass(frozen=True)
class ArticleProfile:
    """What assignment needs to know about one article."""

    vector: np.ndarray  # unit float32: weighted mean of headline, lead and sentence embeddings
    entities: frozenset[str]  # normalised names/places/numbers/dates
    published: datetime | None = None
    profile_key: str = ""  # ClusteringParams.profile_key() of the knobs it was built with


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
    return ArticleProfile((vector / norm).astype(np.float32), entities, published, params.profile_key())


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
    profile_key: str = ""  # the knobs its articles' profiles were built with ("": unknown, older data)

    @classmethod
    def from_profile(cls, profile: ArticleProfile) -> StoryState:
        """A new one-article story."""
        state = cls(np.zeros_like(profile.vector, dtype=np.float32), profile_key=profile.profile_key)
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
            "profile_key": self.profile_key,
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
            profile_key=str(data.get("profile_key", "")),
        )


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
