"""An outlet's blind spots, story by story: what only it reported, and what it left out.

"Left out" is a fact at least ``LEFT_OUT_MIN_OUTLETS`` other outlets reported in a
story this outlet covered, with no sentence of this outlet's articles in it. One
page of stories is three queries, whatever the number of stories or facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from compare.models import Article, Fact, Outlet, Sentence, Story

STORIES_PER_PAGE = 10
# A fact two other outlets reported is one an editor would expect here too; one other is
# just that outlet's own angle.
LEFT_OUT_MIN_OUTLETS = 2


@dataclass(frozen=True)
class FactLine:
    number: int
    text: str
    outlet_count: int


@dataclass
class OutletStory:
    story: Story
    alone: list[FactLine] = field(default_factory=list)
    left_out: list[FactLine] = field(default_factory=list)


def outlet_page(outlet: Outlet, page_number: str | int | None) -> Page:
    """One page of the outlet's stories, latest first, each with its blind spots."""
    covered = Article.objects.filter(outlet=outlet).values("story_id")
    stories = (
        Story.objects.filter(pk__in=covered)
        .annotate(
            own_articles=Count("articles", filter=Q(articles__outlet=outlet), distinct=True),
            outlet_count=Count("articles__outlet", distinct=True),
            latest_at=Coalesce(Max("articles__published"), Max("articles__created_at")),
        )
        .order_by("-latest_at", "-id")
    )
    page = Paginator(stories, STORIES_PER_PAGE).get_page(page_number)
    page.object_list = _blind_spots(outlet, list(page.object_list))
    return page


def _blind_spots(outlet: Outlet, stories: list[Story]) -> list[OutletStory]:
    by_story = {story.pk: OutletStory(story) for story in stories}
    alone = (
        Sentence.objects.filter(article__outlet=outlet, article__story__in=stories, fact__outlet_count=1)
        .order_by("article__story_id", "fact__number", "article_id", "index")
        .values_list("article__story_id", "fact_id", "fact__number", "text")
    )
    seen: set[int] = set()
    for story_id, fact_id, number, text in alone:
        if fact_id not in seen:  # the outlet's first sentence of the fact stands for it
            seen.add(fact_id)
            by_story[story_id].alone.append(FactLine(number, text, 1))
    first_sentence = Sentence.objects.filter(fact=OuterRef("pk")).order_by(
        "article__published", "article_id", "index"
    )
    left_out = (
        Fact.objects.filter(story__in=stories, outlet_count__gte=LEFT_OUT_MIN_OUTLETS)
        .exclude(sentences__article__outlet=outlet)
        .annotate(label=Subquery(first_sentence.values("text")[:1]))
        .order_by("story_id", "-outlet_count", "number")
        .values_list("story_id", "number", "label", "outlet_count")
    )
    for story_id, number, label, outlets in left_out:
        by_story[story_id].left_out.append(FactLine(number, label or "", outlets))
    return [by_story[story.pk] for story in stories]
