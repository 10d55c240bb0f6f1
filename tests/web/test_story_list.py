"""The story list: one name per outlet, sorting, the event's dates, polling, bounded queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from newsroom import OUTLETS, START, build_newsroom, build_story, interleaved

from compare.models import Article, Outlet, Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

URL = "/"


def _cards(html: str) -> list[str]:
    return re.findall(r'<li class="story-card[^"]*".*?</li>', html, flags=re.S)


def _titles(html: str) -> list[str]:
    return re.findall(r'class="story-title" href="[^"]+">([^<]+)</a>', html)


def test_a_card_names_each_outlet_once_in_alphabetical_order(client):
    # Eight outlets publishing interleaved, the first (Outlet 5) again at the end.
    build_story(1, interleaved(8))
    (card,) = _cards(client.get(URL).content.decode())
    names = re.findall(r'href="/outlets/\d+/">([^<]+)</a>', card)
    assert names == sorted(OUTLETS)
    assert "9 articles from 8 outlets" in card


def test_outlet_names_link_to_the_outlet_page(client):
    build_story(1, interleaved(2))
    outlet = Outlet.objects.get(name="Outlet 5")
    assert f'href="/outlets/{outlet.pk}/">Outlet 5</a>' in client.get(URL).content.decode()


def test_a_card_shows_the_event_dates_not_when_it_was_updated(client):
    build_story(1, interleaved(3))  # published 1 Mar 08:00, 13:00, 18:00, 23:00
    build_story(2, interleaved(3), first_day=3, undated=4)
    html = client.get(URL).content.decode()
    assert "updated" not in html
    assert '<time datetime="2026-03-01">1 Mar 2026</time></span>' in html  # one day: one date
    assert "no published dates" in html


def test_a_card_spans_the_first_and_the_last_published_article(client):
    build_story(1, interleaved(6))  # 5-hourly from 1 Mar 08:00: the seventh on 2 Mar
    html = client.get(URL).content.decode()
    assert '1 Mar 2026</time> – <time datetime="2026-03-02">2 Mar 2026</time>' in html


@pytest.fixture
def four_stories() -> list[Story]:
    """Each wins one sort; articles are five hours apart from 08:00 on the story's first day."""
    return [
        build_story(1, interleaved(8), first_day=0),  # 8 outlets, 9 articles: last on day 2, 00:00
        build_story(2, interleaved(2), first_day=1, own=9),  # most facts alone; last day 1, 18:00
        build_story(3, interleaved(2), first_day=2),  # last day 2, 18:00
        build_story(4, ["Outlet 3"], first_day=3),  # one article, day 3, 08:00
    ]


def _order(client, sort: str) -> list[str]:
    return [t.split(":")[0] for t in _titles(client.get(URL, {"sort": sort}).content.decode())]


def test_it_sorts_by_latest_article_by_default(client, four_stories):
    assert _order(client, "") == ["Story 4", "Story 3", "Story 1", "Story 2"]
    assert _order(client, "latest") == _order(client, "")


def test_it_sorts_by_event_date_newest_event_first(client, four_stories):
    assert _order(client, "event") == ["Story 4", "Story 3", "Story 2", "Story 1"]


def test_it_sorts_by_number_of_outlets(client, four_stories):
    assert _order(client, "outlets")[0] == "Story 1"
    assert _order(client, "outlets")[-1] == "Story 4"


def test_it_sorts_by_facts_reported_alone(client, four_stories):
    assert _order(client, "alone")[0] == "Story 2"


def test_an_unknown_sort_falls_back_to_latest_article(client, four_stories):
    response = client.get(URL, {"sort": "'; drop table"})
    assert response.status_code == 200
    assert _order(client, "nonsense") == _order(client, "latest")


def test_the_sort_is_kept_across_pages_and_filters(client):
    build_newsroom(23)
    html = client.get(URL, {"sort": "outlets", "q": "in"}).content.decode()
    assert 'href="?sort=outlets&amp;q=in&amp;page=2"' in html
    assert '<option value="outlets" selected>' in html
    second = client.get(URL, {"sort": "outlets", "q": "in", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_an_outlet_filter_still_counts_every_article_of_the_story(client):
    build_story(1, interleaved(3))
    outlet = Outlet.objects.get(name="Outlet 6")
    html = client.get(URL, {"outlet": outlet.pk}).content.decode()
    assert "4 articles from 3 outlets" in html


def test_the_results_poll_every_30_seconds_with_the_same_filters_and_sort(client):
    build_story(1, interleaved(2))
    html = client.get(URL, {"sort": "alone", "q": "in", "page": 1}).content.decode()
    section = re.search(r'<section id="story-results"[^>]*>', html)[0]
    assert 'hx-trigger="every 30s"' in section
    poll = re.search(r'hx-get="\?([^"]+)"', section)[1].replace("&amp;", "&")
    assert {"sort=alone", "q=in", "page=1"} <= set(poll.split("&"))
    assert "seen=" in poll


def test_the_poll_marks_stories_and_articles_added_since_the_page_opened(client):
    old = build_story(1, interleaved(2))
    seen = timezone.now()
    new = build_story(2, interleaved(2), first_day=1)
    ingest(ArticleInput(text="Late news arrived.\n\nKavobe lumira setuka.", outlet="Outlet 2"), story=old)
    html = client.get(URL, {"seen": seen.isoformat()}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<section id="story-results"')
    cards = {
        Story.objects.get(pk=int(pk)).pk: card
        for pk, card in ((re.search(r'data-story="(\d+)"', c)[1], c) for c in _cards(html))
    }
    assert "is-new" in cards[new.pk] and ">new</span>" in cards[new.pk]
    assert "1 new article" in cards[old.pk] and "is-new" not in cards[old.pk]
    assert "1 new story since you opened this page" in html
    # The page as first opened marks nothing.
    assert "is-new" not in client.get(URL).content.decode()


def test_an_unreadable_seen_marks_nothing_and_does_not_fail(client):
    build_story(1, interleaved(2))
    for junk in ["yesterday", "9" * 200, "2026-13-45T99:00"]:
        response = client.get(URL, {"seen": junk})
        assert response.status_code == 200
        assert "is-new" not in response.content.decode()


@pytest.mark.parametrize("stories", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, stories):
    build_newsroom(stories)
    seen = (timezone.now() - timedelta(hours=1)).isoformat()
    # count, page, the page's outlets, the filter's outlets (+ session/user when signed in)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"sort": "alone", "seen": seen})
    assert response.status_code == 200
    assert len(_cards(response.content.decode())) == min(stories, 20)


def test_the_event_date_counts_dated_articles_before_undated_ones(client):
    story = build_story(1, interleaved(2), first_day=5, undated=1)
    assert Article.objects.filter(story=story, published=None).count() == 1
    html = client.get(URL).content.decode()
    assert (START + timedelta(days=5)).strftime("%-d %b %Y") in html
