"""An outlet's page: its stories, what it alone reported and what it left out."""

from __future__ import annotations

import re

import pytest
from newsroom import article_text, build_newsroom, build_story, interleaved

from compare.models import Fact, Outlet, Sentence
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db


def _section(html: str, css: str) -> str:
    return re.search(rf'<section class="{css}">.*?</section>', html, flags=re.S)[0]


def test_it_lists_the_facts_only_this_outlet_reported(client):
    story = build_story(1, interleaved(4), own=3)  # Outlet 5 first, with three facts of its own
    outlet = Outlet.objects.get(name="Outlet 5")
    html = client.get(f"/outlets/{outlet.pk}/").content.decode()
    alone = _section(html, "reported-alone")
    own = Sentence.objects.filter(article__outlet=outlet, fact__outlet_count=1, article__story=story)
    assert own.values("fact").distinct().count() >= 3
    for sentence in own:
        assert sentence.text in alone
    # Nothing shared is listed as alone.
    for shared in Sentence.objects.filter(article__outlet=outlet, fact__outlet_count__gte=2)[:5]:
        assert shared.text not in alone


def test_it_lists_the_facts_two_other_outlets_reported_that_this_one_left_out(client):
    story = build_story(1, ["Outlet 1", "Outlet 2", "Outlet 3"])
    # Outlet 4 reports only the first two facts: the others, each in 2+ outlets' articles, are left out.
    ingest(ArticleInput(text=article_text(1, "Outlet 4", [0, 1], 9), outlet="Outlet 4"), story=story)
    outlet = Outlet.objects.get(name="Outlet 4")
    html = client.get(f"/outlets/{outlet.pk}/").content.decode()
    left_out = _section(html, "left-out")
    reported = set(Sentence.objects.filter(article__outlet=outlet).values_list("fact_id", flat=True))
    expected = Fact.objects.filter(story=story, outlet_count__gte=2).exclude(pk__in=reported)
    assert expected.exists()
    for fact in expected:
        assert fact.sentences.first().text in left_out
    for fact_id in reported:
        assert Sentence.objects.filter(fact_id=fact_id).first().text not in left_out


def test_a_fact_only_one_other_outlet_reported_is_not_left_out(client):
    story = build_story(1, ["Outlet 1"], own=2)
    ingest(ArticleInput(text=article_text(1, "Outlet 2", [2], 5), outlet="Outlet 2"), story=story)
    outlet = Outlet.objects.get(name="Outlet 2")
    html = client.get(f"/outlets/{outlet.pk}/").content.decode()
    assert "Nothing 2 or more other outlets reported." in _section(html, "left-out")


def test_it_lists_only_the_outlets_stories(client):
    build_story(1, ["Outlet 1", "Outlet 2"])
    build_story(2, ["Outlet 3", "Outlet 4"])
    html = client.get(f"/outlets/{Outlet.objects.get(name='Outlet 1').pk}/").content.decode()
    assert "Story 1:" in html and "Story 2:" not in html


@pytest.mark.parametrize("stories", [2, 14])
def test_the_outlet_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, stories):
    build_newsroom(stories)
    outlet = Outlet.objects.get(name="Outlet 5")
    # outlet, count, page, alone sentences, left-out facts
    with django_assert_max_num_queries(5):
        response = client.get(f"/outlets/{outlet.pk}/")
    assert response.status_code == 200


def test_an_unknown_outlet_is_a_404(client):
    assert client.get("/outlets/999999/").status_code == 404
