"""What the story screens show, computed in a fixed number of queries.

Views stay thin: they parse the request and hand over to these functions,
which never call the model (embeddings and alignment are already stored).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q, QuerySet

from compare.models import Article, Fact, Link, Sentence, Story

STORIES_PER_PAGE = 20


@dataclass(frozen=True)
class StoryFilters:
    query: str = ""
    outlet: int | None = None
    since: date | None = None
    until: date | None = None


def story_page(filters: StoryFilters, page_number: str | int | None) -> Page:
    """One page of stories, newest first, with their counts."""
    stories: QuerySet[Story] = Story.objects.all()
    if filters.query:
        stories = stories.filter(
            Q(title__icontains=filters.query)
            | Q(articles__cleaned_text__icontains=filters.query)
            | Q(articles__title__icontains=filters.query)
        )
    if filters.outlet:
        stories = stories.filter(articles__outlet_id=filters.outlet)
    if filters.since:
        stories = stories.filter(
            Q(articles__published__date__gte=filters.since)
            | Q(articles__published=None, updated_at__date__gte=filters.since)
        )
    if filters.until:
        stories = stories.filter(
            Q(articles__published__date__lte=filters.until)
            | Q(articles__published=None, updated_at__date__lte=filters.until)
        )
    stories = (
        stories.distinct()
        .annotate(
            article_count=Count("articles", distinct=True),
            shared_count=Count("facts", filter=~Q(facts__kind=Fact.Kind.UNIQUE), distinct=True),
            alone_count=Count("facts", filter=Q(facts__kind=Fact.Kind.UNIQUE), distinct=True),
            latest=Max("updated_at"),
        )
        .prefetch_related("articles__outlet")
        .order_by("-updated_at", "-id")
    )
    return Paginator(stories, STORIES_PER_PAGE).get_page(page_number)


@dataclass
class MarkedSentence:
    """A sentence as one column shows it, with what the other column says of it."""

    sentence: Sentence
    state: str  # "same" | "partial" | "alone"
    counterparts: list[Sentence] = field(default_factory=list)
    elsewhere: int = 0  # other outlets (beyond the pair) reporting the same fact

    @property
    def dom_id(self) -> str:
        return f"s-{self.sentence.article_id}-{self.sentence.index}"

    @property
    def counterpart_ids(self) -> str:
        return " ".join(f"s-{s.article_id}-{s.index}" for s in self.counterparts)


@dataclass
class Column:
    article: Article
    paragraphs: list[list[MarkedSentence]]
    counts: dict[str, int]


def default_pair(
    articles: list[Article], fact_counts: dict[int, int]
) -> tuple[Article | None, Article | None]:
    """The two articles with the most shared facts (ties: the earliest)."""
    ranked = sorted(articles, key=lambda a: (-fact_counts.get(a.pk, 0), a.pk))
    first = ranked[0] if ranked else None
    second = ranked[1] if len(ranked) > 1 else None
    if first and second and first.pk > second.pk:
        first, second = second, first
    return first, second


def shared_fact_counts(story: Story) -> dict[int, int]:
    rows = (
        Sentence.objects.filter(article__story=story, fact__isnull=False)
        .exclude(fact__kind=Fact.Kind.UNIQUE)
        .values("article_id")
        .annotate(n=Count("fact", distinct=True))
    )
    return {row["article_id"]: row["n"] for row in rows}


def _column(
    article: Article,
    sentences: list[Sentence],
    links: dict[int, list[tuple[Sentence, str]]],
    fact_outlets: dict[int, int],
) -> Column:
    marked = []
    for sentence in sentences:
        linked = links.get(sentence.pk, [])
        kinds = {kind for _, kind in linked}
        state = "same" if "same" in kinds else "partial" if "partial" in kinds else "alone"
        outlets = fact_outlets.get(sentence.fact_id, 1) if sentence.fact_id else 1
        elsewhere = max(0, outlets - (1 if state == "alone" else 2))
        marked.append(MarkedSentence(sentence, state, [s for s, _ in linked], elsewhere))
    return _assemble(article, marked)


def _assemble(article: Article, marked: list[MarkedSentence]) -> Column:
    """Group marked sentences into their paragraphs and count each state."""
    paragraphs: dict[int, list[MarkedSentence]] = defaultdict(list)
    counts = {"same": 0, "partial": 0, "alone": 0}
    for item in marked:
        counts[item.state] += 1
        paragraphs[item.sentence.paragraph].append(item)
    return Column(article, [paragraphs[k] for k in sorted(paragraphs)], counts)


def compare_pair(story: Story, left: Article, right: Article) -> tuple[Column, Column]:
    """Both columns of the side-by-side view, marked against each other."""
    sentences = list(
        Sentence.objects.filter(article__in=[left, right]).defer("embedding").order_by("article_id", "index")
    )
    by_pk = {s.pk: s for s in sentences}
    links: dict[int, list[tuple[Sentence, str]]] = defaultdict(list)
    pair_links = Link.objects.filter(story=story, a_id__in=by_pk, b_id__in=by_pk).exclude(
        verdict=Link.Verdict.REJECTED
    )
    for a_id, b_id, kind in pair_links.values_list("a_id", "b_id", "kind"):
        a, b = by_pk[a_id], by_pk[b_id]
        if a.article_id == b.article_id:
            continue
        links[a_id].append((b, kind))
        links[b_id].append((a, kind))
    fact_outlets = dict(Fact.objects.filter(story=story).values_list("id", "outlet_count"))
    return (
        _column(left, [s for s in sentences if s.article_id == left.pk], links, fact_outlets),
        _column(right, [s for s in sentences if s.article_id == right.pk], links, fact_outlets),
    )


def all_outlet_columns(story: Story, articles: list[Article]) -> list[Column]:
    """Every article, each sentence marked by how many outlets reported its fact."""
    facts = {
        pk: (kind, n)
        for pk, kind, n in Fact.objects.filter(story=story).values_list("id", "kind", "outlet_count")
    }
    by_article: dict[int, list[Sentence]] = defaultdict(list)
    for sentence in (
        Sentence.objects.filter(article__in=articles).defer("embedding").order_by("article_id", "index")
    ):
        by_article[sentence.article_id].append(sentence)
    columns = []
    for article in articles:
        marked = []
        for sentence in by_article[article.pk]:
            kind, outlets = facts.get(sentence.fact_id, ("unique", 1))
            state = {"shared": "same", "partial": "partial"}.get(kind, "alone")
            marked.append(MarkedSentence(sentence, state, [], max(0, outlets - 1)))
        columns.append(_assemble(article, marked))
    return columns


@dataclass
class MatrixRow:
    fact: Fact
    cells: list[Sentence | None]
    first_text: str


def fact_matrix(story: Story, articles: list[Article], sort: str = "") -> tuple[list[str], list[MatrixRow]]:
    """One row per fact, one column per outlet; each cell the outlet's first sentence for it."""
    outlets: list[str] = []
    for article in articles:
        if article.outlet.name not in outlets:
            outlets.append(article.outlet.name)
    column_of = {a.pk: outlets.index(a.outlet.name) for a in articles}
    facts = {f.pk: f for f in Fact.objects.filter(story=story).order_by("number")}
    cells: dict[int, list[Sentence | None]] = {pk: [None] * len(outlets) for pk in facts}
    for sentence in (
        Sentence.objects.filter(article__in=articles, fact__isnull=False)
        .defer("embedding")
        .order_by("article_id", "index")
    ):
        row = cells.get(sentence.fact_id)
        if row is not None and row[column_of[sentence.article_id]] is None:
            row[column_of[sentence.article_id]] = sentence
    rows = [
        MatrixRow(fact, cells[pk], next((c.text for c in cells[pk] if c is not None), ""))
        for pk, fact in facts.items()
    ]
    if sort == "outlets":
        rows.sort(key=lambda r: (-r.fact.outlet_count, r.fact.number))
    return outlets, rows


def coverage(outlets: list[str], rows: list[MatrixRow]) -> list[dict[str, int | str]]:
    """For each outlet: facts it shares with others and facts it alone reported."""
    summary = []
    for column, outlet in enumerate(outlets):
        reported = [r for r in rows if r.cells[column] is not None]
        alone = sum(1 for r in reported if sum(c is not None for c in r.cells) == 1)
        summary.append(
            {"outlet": outlet, "shared": len(reported) - alone, "alone": alone, "total": len(reported)}
        )
    return summary
