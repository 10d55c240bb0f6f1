"""What the story screens show, computed in a fixed number of queries.

Views stay thin: they parse the request and hand over to these functions,
which never call the model (embeddings and alignment are already stored).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from compare.models import Article, Fact, Link, Sentence, Story
from compare.nlp.diff import Conflict, conflicts

STORIES_PER_PAGE = 20

# How the story list can be ordered: the request's ``sort`` value -> (label, ORM ordering).
# Each ends on the id so that a page never shows a story twice or skips one.
STORY_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "latest": ("Latest article", ("-latest_at", "-id")),
    "event": ("Event date", ("-event_at", "-id")),
    "outlets": ("Number of outlets", ("-outlet_count", "-latest_at", "-id")),
    "alone": ("Facts reported alone", ("-alone_count", "-latest_at", "-id")),
}
DEFAULT_SORT = "latest"


@dataclass(frozen=True)
class StoryFilters:
    query: str = ""
    outlet: int | None = None
    since: date | None = None
    until: date | None = None
    sort: str = DEFAULT_SORT
    # When the reader opened the list: stories and articles added after it are marked new.
    seen: datetime | None = None

    def __post_init__(self) -> None:
        if self.sort not in STORY_SORTS:
            object.__setattr__(self, "sort", DEFAULT_SORT)

    @property
    def narrowed(self) -> bool:
        return bool(self.query or self.outlet or self.since or self.until)


@dataclass(frozen=True)
class OutletName:
    pk: int
    name: str


@dataclass
class StoryCard:
    """One story as the list shows it: its outlets once each, its counts and its dates."""

    story: Story
    outlets: list[OutletName]
    first_published: datetime | None
    last_published: datetime | None
    is_new: bool = False
    new_articles: int = 0


def _narrowed(stories: QuerySet[Story], filters: StoryFilters) -> QuerySet[Story]:
    """Stories matching the filters, by subqueries: the counts are then taken over all their articles."""
    if filters.query:
        in_text = Q(cleaned_text__icontains=filters.query) | Q(title__icontains=filters.query)
        text = Article.objects.filter(in_text)
        stories = stories.filter(Q(title__icontains=filters.query) | Q(pk__in=text.values("story_id")))
    if not (filters.outlet or filters.since or filters.until):
        return stories
    # One article must satisfy the outlet and the dates together; without a published
    # date it counts by when its story last changed.
    articles = Article.objects.all()
    if filters.outlet:
        articles = articles.filter(outlet_id=filters.outlet)
    if filters.since:
        since = filters.since
        articles = articles.filter(
            Q(published__date__gte=since) | Q(published=None, story__updated_at__date__gte=since)
        )
    if filters.until:
        until = filters.until
        articles = articles.filter(
            Q(published__date__lte=until) | Q(published=None, story__updated_at__date__lte=until)
        )
    return stories.filter(pk__in=articles.values("story_id"))


def _fact_count(kind_filter: Q) -> Subquery:
    # A subquery, not a join: joining facts and articles at once would multiply the rows.
    facts = Fact.objects.filter(kind_filter, story=OuterRef("pk")).order_by().values("story")
    return Coalesce(Subquery(facts.annotate(n=Count("pk")).values("n")), 0)


def story_page(filters: StoryFilters, page_number: str | int | None) -> Page:
    """One page of story cards, in the order asked for, in a fixed number of queries."""
    stories = _narrowed(Story.objects.all(), filters)
    seen_filter = Q(articles__created_at__gt=filters.seen) if filters.seen else Q(pk=None)
    stories = stories.annotate(
        article_count=Count("articles", distinct=True),
        outlet_count=Count("articles__outlet", distinct=True),
        first_published=Min("articles__published"),
        last_published=Max("articles__published"),
        # Ordering falls back on when articles arrived where no published date is known.
        latest_at=Coalesce(Max("articles__published"), Max("articles__created_at"), "created_at"),
        event_at=Coalesce(Min("articles__published"), Min("articles__created_at"), "created_at"),
        new_articles=Count("articles", filter=seen_filter, distinct=True),
        shared_count=_fact_count(~Q(kind=Fact.Kind.UNIQUE)),
        alone_count=_fact_count(Q(kind=Fact.Kind.UNIQUE)),
    ).order_by(*STORY_SORTS[filters.sort][1])
    page = Paginator(stories, STORIES_PER_PAGE).get_page(page_number)
    page.object_list = _cards(list(page.object_list), filters.seen)
    return page


def _cards(stories: list[Story], seen: datetime | None) -> list[StoryCard]:
    """Each story with its outlets named once, alphabetically (one query for the whole page)."""
    outlets: dict[int, list[OutletName]] = defaultdict(list)
    rows = (
        Article.objects.filter(story__in=stories)
        .values_list("story_id", "outlet_id", "outlet__name")
        .distinct()
        .order_by("story_id", "outlet__name")
    )
    for story_id, outlet_id, name in rows:
        outlets[story_id].append(OutletName(outlet_id, name))
    return [
        StoryCard(
            story=story,
            outlets=outlets[story.pk],
            first_published=story.first_published,
            last_published=story.last_published,
            is_new=bool(seen and story.created_at > seen),
            new_articles=story.new_articles,
        )
        for story in stories
    ]


@dataclass
class MarkedSentence:
    """A sentence as one column shows it, with what the other column says of it."""

    sentence: Sentence
    state: str  # "same" | "partial" | "alone"
    counterparts: list[Sentence] = field(default_factory=list)
    elsewhere: int = 0  # other outlets (beyond the pair) reporting the same fact
    # An editor made or confirmed a link of it: shown apart from the machine's links.
    checked: bool = False
    # Numbers, dates or sources on which it disagrees with a counterpart: marked in the column.
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return f"s-{self.sentence.article_id}-{self.sentence.index}"

    @property
    def css_class(self) -> str:
        """All of its classes at once: the page renders hundreds of sentences."""
        extra = (" is-checked" if self.checked else "") + (" has-conflict" if self.conflicts else "")
        return f"sentence state-{self.state} kind-{self.sentence.kind}{extra}"

    @cached_property
    def note(self) -> str:
        """What its ✓ and ⚠ marks say, in words (its title, and read out with it)."""
        parts = ["Link checked by an editor."] if self.checked else []
        parts += [f"Check: {conflict.message}." for conflict in self.conflicts]
        return " ".join(parts)

    @property
    def counterpart_ids(self) -> str:
        return " ".join(f"s-{s.article_id}-{s.index}" for s in self.counterparts)


@dataclass
class Column:
    article: Article
    paragraphs: list[list[MarkedSentence]]
    counts: dict[str, int]
    # Credit lines ("Reuters contributed to this report"), shown at the article's end: not facts,
    # so never marked shared or alone, nor counted.
    credits: list[Sentence] = field(default_factory=list)


def default_pair(
    articles: list[Article], fact_counts: dict[int, int]
) -> tuple[Article | None, Article | None]:
    """The two articles with the most shared facts (ties: the earliest), of two outlets when there are two.

    An outlet's update of its own report shares almost everything with it: comparing
    an outlet with itself is kept for stories that have a single outlet.
    """
    ranked = sorted(articles, key=lambda a: (-fact_counts.get(a.pk, 0), a.pk))
    first = ranked[0] if ranked else None
    others = [a for a in ranked[1:] if first and a.outlet_id != first.outlet_id] or ranked[1:]
    second = others[0] if others else None
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


@dataclass(frozen=True)
class _PairLink:
    other: Sentence
    kind: str  # "same" | "partial"
    checked: bool  # made or confirmed by an editor


def _column(
    article: Article,
    sentences: list[Sentence],
    links: dict[int, list[_PairLink]],
    fact_outlets: dict[int, int],
) -> Column:
    marked = []
    for sentence in sentences:
        linked = links.get(sentence.pk, [])
        kinds = {link.kind for link in linked}
        state = "same" if "same" in kinds else "partial" if "partial" in kinds else "alone"
        outlets = fact_outlets.get(sentence.fact_id, 1) if sentence.fact_id else 1
        elsewhere = max(0, outlets - (1 if state == "alone" else 2))
        disagreements = [c for link in linked for c in conflicts(sentence.text, link.other.text)]
        marked.append(
            MarkedSentence(
                sentence,
                state,
                [link.other for link in linked],
                elsewhere,
                checked=any(link.checked for link in linked),
                conflicts=disagreements,
            )
        )
    return _assemble(article, marked)


def _assemble(article: Article, marked: list[MarkedSentence]) -> Column:
    """Group marked sentences into their paragraphs and count each state; credit lines go apart."""
    paragraphs: dict[int, list[MarkedSentence]] = defaultdict(list)
    counts = {"same": 0, "partial": 0, "alone": 0}
    credits = []
    for item in marked:
        if item.sentence.kind == Sentence.Kind.CREDIT:
            credits.append(item.sentence)
            continue
        counts[item.state] += 1
        paragraphs[item.sentence.paragraph].append(item)
    return Column(article, [paragraphs[k] for k in sorted(paragraphs)], counts, credits)


def compare_pair(story: Story, left: Article, right: Article) -> tuple[Column, Column]:
    """Both columns of the side-by-side view, marked against each other."""
    sentences = list(
        Sentence.objects.filter(article__in=[left, right]).defer("embedding").order_by("article_id", "index")
    )
    by_pk = {s.pk: s for s in sentences}
    links: dict[int, list[_PairLink]] = defaultdict(list)
    pair_links = Link.objects.filter(story=story, a_id__in=by_pk, b_id__in=by_pk).exclude(
        verdict=Link.Verdict.REJECTED
    )
    for a_id, b_id, kind, origin, verdict in pair_links.values_list(
        "a_id", "b_id", "kind", "origin", "verdict"
    ):
        a, b = by_pk[a_id], by_pk[b_id]
        # A link made before its sentence became a credit line does not make the credit a fact.
        if a.article_id == b.article_id or Sentence.Kind.CREDIT in (a.kind, b.kind):
            continue
        checked = origin == Link.Origin.EDITOR or verdict == Link.Verdict.CONFIRMED
        links[a_id].append(_PairLink(b, kind, checked))
        links[b_id].append(_PairLink(a, kind, checked))
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
