"""Measure online story assignment on labelled articles (ECB+ clustering files).

Records are fed one at a time, in file order or by ``published`` when every
record has one, through the same :func:`~compare.nlp.clustering.assign` the app
uses; the stories made are scored with B-cubed against the gold labels.

The texts are raw scraped copy, so this module also holds the crude splitter
that turns them into sentences (link lines and bare datelines dropped) and a
dateline fallback for the publication time. Pure: records and an encoder in,
numbers out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from pathlib import Path
from typing import Any

import numpy as np

from compare.nlp.clustering import (
    ArticleProfile,
    ClusteringParams,
    StoryIndex,
    StoryState,
    assign,
    build_profile,
    default_params,
)
from compare.nlp.embedding import Encoder
from compare.nlp.entities import dateline, is_dateline, looks_like_url, repair_spacing
from compare.nlp.metrics import bcubed

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATION_TEXT = (
    "mr mrs ms dr jr sr st gen sen rep gov lt col sgt capt prof inc co corp ltd vs no fig ave"
    " jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_BOUNDARY = re.compile(r"[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_INITIALS = re.compile(r"^(?:[a-z]\.)+[a-z]?$")  # "l.a.", "u.s."


@dataclass(frozen=True)
class PreparedArticle:
    """One record, split and encoded: everything a run needs but the parameters."""

    id: str
    gold: str
    title: str
    sentences: tuple[str, ...]
    embeddings: np.ndarray  # title row first, then one row per sentence
    published: datetime | None


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def split_sentences(line: str) -> list[str]:
    """Split one line at sentence punctuation, but not after "Mr." or "U.S."."""
    pieces, start = [], 0
    for match in _BOUNDARY.finditer(line):
        before = line[start : match.start()].split()
        word = before[-1].lower().strip('"“(') if before else ""
        if word in _ABBREVIATIONS or _INITIALS.match(word) or (len(word) == 1 and word.isalpha()):
            continue
        pieces.append(line[start : match.start() + 1].strip())
        start = match.end()
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def split_article(title: str, text: str) -> tuple[str, list[str]]:
    """(usable title, body sentences) of raw scraped copy.

    Link lines and bare datelines are dropped (unless nothing else is left); a
    title that is itself a link or a dateline is replaced by the first sentence.
    """
    lines = [repair_spacing(" ".join(raw.split())) for raw in text.splitlines()]
    lines = [line for line in lines if line]
    kept = [line for line in lines if not looks_like_url(line) and not is_dateline(line)]
    sentences = [sentence for line in (kept or lines) for sentence in split_sentences(line)]
    title = repair_spacing(" ".join(title.split()))
    if not title or looks_like_url(title) or is_dateline(title):
        title = sentences[0] if sentences else ""
    return title, sentences


def record_published(record: Mapping[str, Any], infer_dateline: bool = True) -> datetime | None:
    """The record's ``published`` time, else (optionally) the date of a dateline near the top."""
    value = record.get("published")
    if value:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if infer_dateline:
        found = dateline(str(record.get("text", "")).splitlines())
        if found:
            return datetime.combine(found, time(12))  # midday: the hour is unknown
    return None


def feed_order(records: Sequence[Mapping[str, Any]]) -> list[int]:
    """File order, or by ``published`` when every record has one (ties keep file order)."""
    if records and all(r.get("published") for r in records):
        times = [record_published(r) for r in records]
        return sorted(range(len(records)), key=lambda i: times[i])
    return list(range(len(records)))


def prepare(
    records: Sequence[Mapping[str, Any]], encoder: Encoder, infer_dateline: bool = True
) -> list[PreparedArticle]:
    """Split and encode the records (in one batch), in feeding order."""
    order = feed_order(records)
    split = [split_article(str(records[i].get("title") or ""), str(records[i]["text"])) for i in order]
    texts = [text for title, sentences in split for text in (title, *sentences)]
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), dtype=np.float32)
    articles, offset = [], 0
    for i, (title, sentences) in zip(order, split, strict=True):
        rows = vectors[offset : offset + 1 + len(sentences)]
        offset += 1 + len(sentences)
        record = records[i]
        published = record_published(record, infer_dateline)
        articles.append(
            PreparedArticle(str(record["id"]), str(record["gold"]), title, tuple(sentences), rows, published)
        )
    return articles


def build_profiles(articles: Iterable[PreparedArticle], params: ClusteringParams) -> list[ArticleProfile]:
    return [build_profile(a.title, a.sentences, a.embeddings, a.published, params) for a in articles]


def cluster_online(profiles: Sequence[ArticleProfile], params: ClusteringParams) -> list[int]:
    """Story number of each profile, assigned one at a time as the app does."""
    dim = profiles[0].vector.shape[0] if profiles else 384
    index = StoryIndex(dim=dim, params=params)
    labels: list[int] = []
    next_key = 0
    for profile in profiles:
        story = assign(profile, index, params).story
        if story is None:
            story, next_key = next_key, next_key + 1
            index.add_story(story, StoryState.from_profile(profile))
        else:
            index.update(story, profile)
        labels.append(story)
    return labels


def score_labels(ids: Sequence[str], labels: Sequence[int], gold: Sequence[str]) -> dict[str, Any]:
    scores = bcubed(dict(zip(ids, labels, strict=True)), dict(zip(ids, gold, strict=True)))
    return {"n": len(ids), "stories": len(set(labels)), "gold_stories": len(set(gold)), **scores}


def run(
    articles: Sequence[PreparedArticle],
    params: ClusteringParams,
    profiles: Sequence[ArticleProfile] | None = None,
) -> dict[str, Any]:
    """Score one online pass; ``profiles`` may be passed in when only assignment knobs change."""
    profiles = profiles if profiles is not None else build_profiles(articles, params)
    labels = cluster_online(profiles, params)
    return score_labels([a.id for a in articles], labels, [a.gold for a in articles])


def evaluate_clustering(
    records: Sequence[Mapping[str, Any]],
    encoder: Encoder,
    params: ClusteringParams | None = None,
    infer_dateline: bool = True,
) -> dict[str, Any]:
    """n, stories, bcubed_precision, bcubed_recall, bcubed_f1 of one online pass over ``records``.

    Args:
        records: dicts with id, title, text, gold and optionally published.
        encoder: the sentence encoder (a caching one saves re-encoding).
        params: the shipped parameters by default.
        infer_dateline: use a dateline in the text when ``published`` is missing.
    """
    params = params or default_params()
    return run(prepare(records, encoder, infer_dateline), params)


def cosine_baseline_params(threshold: float) -> ClusteringParams:
    """Plain cosine threshold on a plain mean of the sentence vectors: no entities, no time."""
    return replace(
        ClusteringParams(),
        title_weight=1.0,
        lead_weight=1.0,
        max_sentences=10_000,
        entity_weight=0.0,
        time_weight=0.0,
        window_days=float("inf"),
        threshold=threshold,
        version="cosine-baseline",
    )
