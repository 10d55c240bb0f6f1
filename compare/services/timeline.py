"""A story in time: who published when, and which outlet reported each shared fact first.

"First" is the earliest published date among the articles with a sentence in the
fact. Articles without a published date are listed last and never count as first
while a dated article has the fact (nothing says when they appeared); a fact only
undated articles reported has no first. Articles published at the same moment
share first place. Three queries, whatever the size of the story.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from compare.models import Article, Fact, Sentence, Story


@dataclass
class TimelineArticle:
    article: Article
    firsts: int = 0  # shared facts this article reported first (ties included)


@dataclass
class FirstReport:
    """A fact two or more outlets reported, and who had it first."""

    fact: Fact
    text: str
    first: list[Article] = field(default_factory=list)  # several when published at the same moment
    first_at: datetime | None = None
    later: int = 0  # other articles that reported it afterwards or without a date


@dataclass
class Timeline:
    articles: list[TimelineArticle]
    facts: list[FirstReport]
    undated: int


def _publication_order(article: Article) -> tuple:
    # Dated articles by their date; the undated after them, in the order they arrived.
    return (article.published is None, article.published or article.created_at, article.pk)


def story_timeline(story: Story) -> Timeline:
    articles = sorted(story.articles.select_related("outlet"), key=_publication_order)
    by_pk = {a.pk: a for a in articles}
    facts = {f.pk: f for f in Fact.objects.filter(story=story, outlet_count__gte=2).order_by("number")}
    members: dict[int, dict[int, str]] = defaultdict(dict)  # fact -> article -> its first sentence of it
    rows = (
        Sentence.objects.filter(fact__in=list(facts), article__story=story)
        .order_by("article_id", "index")
        .values_list("fact_id", "article_id", "text")
    )
    for fact_id, article_id, text in rows:
        members[fact_id].setdefault(article_id, text)
    entries = {a.pk: TimelineArticle(a) for a in articles}
    reports = [_first_report(fact, members[pk], by_pk) for pk, fact in facts.items()]
    for report in reports:
        for article in report.first:
            entries[article.pk].firsts += 1
    reports.sort(key=_report_order)
    undated = sum(1 for a in articles if a.published is None)
    return Timeline([entries[a.pk] for a in articles], reports, undated)


def _report_order(report: FirstReport) -> tuple:
    # In the order the facts first appeared; those with no dated article last, in story order.
    when = report.first_at.timestamp() if report.first_at else 0.0
    return (report.first_at is None, when, report.fact.number)


def _first_report(fact: Fact, sentences: dict[int, str], by_pk: dict[int, Article]) -> FirstReport:
    dated = [by_pk[pk] for pk in sentences if by_pk[pk].published is not None]
    if not dated:
        text = next(iter(sentences.values()), "")
        return FirstReport(fact, text, [], None, len(sentences))
    first_at = min(a.published for a in dated)
    first = sorted((a for a in dated if a.published == first_at), key=lambda a: a.pk)
    return FirstReport(fact, sentences[first[0].pk], first, first_at, len(sentences) - len(first))
