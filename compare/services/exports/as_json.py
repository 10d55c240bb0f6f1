"""The JSON export: the story as data, in the ``story-comparison/1`` schema.

The schema only grows: fields are added, never renamed or removed, so a reader
of an older export keeps working. Added since the first version: each fact's
``label`` (its clearest sentence, as the matrix names its row) and ``conflicts``
(its sentences that disagree with that label); each link's ``origin``
(machine | editor), ``verdict`` (confirmed, or null when no editor reviewed it)
and ``conflicts`` (where its two sentences disagree).
"""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Prefetch

from compare.models import Fact, Link, Removal, Sentence, Story
from compare.nlp.diff import Conflict, conflicts
from compare.services import fact_matrix
from compare.services.exports.base import Button, Exporter

SCHEMA = "story-comparison/1"


def story_articles(story: Story):
    """The story's articles with their sentences and removals, in a fixed number of queries."""
    return (
        story.articles.select_related("outlet")
        .prefetch_related(
            Prefetch("sentences", queryset=Sentence.objects.order_by("index").defer("embedding")),
            Prefetch("removals", queryset=Removal.objects.order_by("position", "start")),
        )
        .order_by("published", "created_at", "id")
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _ref(sentence: Sentence) -> dict[str, int]:
    return {"article": sentence.article_id, "sentence": sentence.index}


def _conflict(conflict: Conflict) -> dict[str, str]:
    return {"kind": conflict.kind, "a": conflict.a, "b": conflict.b, "message": conflict.message}


def _fact_labels(story: Story, articles: list) -> dict[int, dict[str, Any]]:
    """Each fact's label and its sentences' conflicts with it, as the fact matrix shows them."""
    _, rows = fact_matrix.fact_matrix(story, articles)
    out = {}
    for row in rows:
        found = [
            {"sentence": _ref(item.sentence), **_conflict(conflict)}
            for cell in row.cells
            if cell
            for item in cell.sentences
            for conflict in item.conflicts
        ]
        label = {**_ref(row.label), "text": row.label.text} if row.label else None
        out[row.fact.pk] = {"label": label, "conflicts": found}
    return out


def story_comparison(story: Story) -> dict[str, Any]:
    """The story in the ``story-comparison/1`` JSON schema."""
    articles = list(story_articles(story))
    facts = list(Fact.objects.filter(story=story).order_by("number"))
    labels = _fact_labels(story, articles)
    fact_by_id = {fact.pk: fact for fact in facts}
    members: dict[int, list[dict[str, int]]] = {fact.pk: [] for fact in facts}
    outlets: dict[int, list[str]] = {fact.pk: [] for fact in facts}
    out_articles = []
    for article in articles:
        sentences = []
        for sentence in article.sentences.all():
            fact_id = sentence.fact_id
            if fact_id in members:
                members[fact_id].append({"article": article.pk, "sentence": sentence.index})
                if article.outlet.name not in outlets[fact_id]:
                    outlets[fact_id].append(article.outlet.name)
            fact = fact_by_id.get(fact_id)
            sentences.append(
                {
                    "index": sentence.index,
                    "text": sentence.text,
                    "paragraph": sentence.paragraph,
                    "kind": sentence.kind,
                    "unique": bool(fact and fact.kind == Fact.Kind.UNIQUE),
                    "fact": fact.number if fact else None,
                }
            )
        out_articles.append(
            {
                "id": article.pk,
                "outlet": article.outlet.name,
                "title": article.title,
                "url": article.url or None,
                "published": _iso(article.published),
                "status": article.status,
                "sentences": sentences,
                "removed": [{"text": r.text, "reason": r.reason} for r in article.removals.all()],
            }
        )
    links = (
        Link.objects.filter(story=story)
        .exclude(verdict=Link.Verdict.REJECTED)
        .select_related("a", "b")
        .defer("a__embedding", "b__embedding")
        .order_by("a__article_id", "a__index", "b__article_id", "b__index")
    )
    return {
        "schema": SCHEMA,
        "story": {"id": story.pk, "title": story.title},
        "articles": out_articles,
        "facts": [
            {
                "id": fact.number,
                "kind": fact.kind,
                "outlets": outlets[fact.pk],
                "members": members[fact.pk],
                **labels.get(fact.pk, {"label": None, "conflicts": []}),
            }
            for fact in facts
        ],
        "links": [
            {
                "a": {"article": link.a.article_id, "sentence": link.a.index},
                "b": {"article": link.b.article_id, "sentence": link.b.index},
                "kind": link.kind,
                "score": round(link.score, 4),
                "origin": link.origin,
                "verdict": link.verdict or None,
                "conflicts": [_conflict(c) for c in conflicts(link.a.text, link.b.text)],
            }
            for link in links
        ],
    }


def _render(story: Story, left_id: int | None, right_id: int | None) -> bytes:
    return json.dumps(story_comparison(story), ensure_ascii=False, indent=2).encode("utf-8")


EXPORTER = Exporter("json", "application/json", _render, (Button("JSON"),))
