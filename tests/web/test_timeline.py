"""A story's timeline: who published when, and who reported each shared fact first."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from newsroom import START, _fact, article_text, build_story

from compare.models import Article, Sentence, Story
from compare.services.ingest import ArticleInput, ingest
from compare.services.timeline import story_timeline

pytestmark = pytest.mark.django_db


def _add(story: Story, outlet: str, facts: list[int], extra: int, published) -> Article:
    text = article_text(1, outlet, facts, extra)
    return ingest(ArticleInput(text=text, outlet=outlet, published=published), story=story).article


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Flood", title_set_by_editor=True)
    _add(story, "Late", [0, 1, 2], 11, START + timedelta(hours=6))
    _add(story, "Early", [0, 1], 2, START)
    _add(story, "Undated", [2, 3], 3, None)
    _add(story, "Also early", [1, 4], 4, START)  # the same moment as Early
    _add(story, "Second undated", [3, 4], 5, None)
    return story


def test_articles_are_in_publication_order_undated_last(client, story):
    html = client.get(f"/stories/{story.pk}/timeline/").content.decode()
    outlets = re.findall(r'<a href="/outlets/\d+/">([^<]+)</a>', html)
    assert outlets[:5] == ["Early", "Also early", "Late", "Undated", "Second undated"]
    assert html.count("no published date") == 2


def _report(story: Story, n: int):
    """The timeline's entry for the fact the newsroom's sentence ``n`` belongs to."""
    fact_id = Sentence.objects.filter(article__story=story, text=_fact(1, n)).values_list(
        "fact_id", flat=True
    )[0]
    return next(r for r in story_timeline(story).facts if r.fact.pk == fact_id)


def _names(articles: list[Article]) -> list[str]:
    return [a.outlet.name for a in articles]


def test_the_earliest_published_article_reported_a_fact_first(story):
    assert _names(_report(story, 0).first) == ["Early"]  # Early and Late
    # Late and an undated article: the dated one is first; the undated never is.
    assert _names(_report(story, 2).first) == ["Late"]


def test_articles_published_at_the_same_moment_share_first_place(story):
    tie = _report(story, 1)  # Late, Early and Also early
    assert set(_names(tie.first)) == {"Early", "Also early"}
    assert tie.later == 1  # Late reported it afterwards


def test_a_fact_only_undated_articles_reported_has_no_first(client, story):
    unknown = _report(story, 3)
    assert unknown.first == [] and unknown.later == 2
    html = client.get(f"/stories/{story.pk}/timeline/").content.decode()
    assert "First unknown: none of its 2 articles has a published date" in html


def test_the_story_page_links_to_its_timeline(client, story):
    html = client.get(f"/stories/{story.pk}/").content.decode()
    assert f'href="/stories/{story.pk}/timeline/">timeline</a>' in html


def test_the_timeline_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    small = build_story(1, ["Outlet 1", "Outlet 2"])
    big = build_story(2, [f"Outlet {n}" for n in range(1, 9)] * 2)
    for story in (small, big):
        with django_assert_max_num_queries(4):  # story, articles, facts, sentences
            assert client.get(f"/stories/{story.pk}/timeline/").status_code == 200


def test_an_unknown_story_timeline_is_a_404(client):
    assert client.get("/stories/999999/timeline/").status_code == 404
