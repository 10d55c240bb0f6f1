"""Story list and story page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from compare.ingest import ArticleInput, ingest
from compare.models import Story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(article_input) -> Story:
    story = Story.objects.create(title="Storm in Valletta", title_set_by_editor=True)
    ingest(article_input, story=story)
    ingest(
        ArticleInput(
            text="Valletta harbour shut by gale. Ferries to Gozo stopped on Tuesday.", outlet="MaltaToday"
        ),
        story=story,
    )
    return story


def test_the_story_list_shows_stories_with_their_outlets(client, story):
    response = client.get(reverse("compare:story-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Storm in Valletta" in html
    assert "Times of Malta" in html and "MaltaToday" in html


def test_the_story_list_rejects_post(client):
    assert client.post(reverse("compare:story-list")).status_code == 405


def test_the_story_page_shows_both_articles_and_what_was_removed(client, story):
    response = client.get(reverse("compare:story-detail", args=[story.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ferries to Gozo were cancelled until Wednesday morning." in html
    assert "Valletta harbour shut by gale." in html
    assert "What cleaning removed" in html
    assert "Share this article" in html  # listed under the removals, not in the text


def test_the_story_page_escapes_article_text(client):
    story = Story.objects.create(title="XSS")
    ingest(
        ArticleInput(text='Officials said <script>alert("x")</script> nothing else on Monday.', outlet="X"),
        story=story,
    )
    html = client.get(reverse("compare:story-detail", args=[story.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html


def test_an_unknown_story_is_a_404(client):
    assert client.get(reverse("compare:story-detail", args=[999])).status_code == 404


def test_the_json_export_downloads(client, story):
    response = client.get(reverse("compare:story-export", args=[story.pk, "json"]))
    assert response.status_code == 200
    assert f'filename="story-{story.pk}-storm-in-valletta-' in response["Content-Disposition"]
    assert json.loads(response.content)["schema"] == "story-comparison/1"
