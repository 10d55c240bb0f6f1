"""The types alignment works on and returns: sentences, the links between them, and facts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


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
