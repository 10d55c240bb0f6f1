"""Story list and story page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from compare.models import Article, Story
from compare.services.ingest import ArticleInput, ingest

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


def test_the_story_list_answers_htmx_with_the_results_only(client, story):
    response = client.get(reverse("compare:story-list"), {"q": "Gozo"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="story-results"')
    assert "<html" not in html and "Storm in Valletta" in html


def test_the_story_list_filters_by_text_outlet_and_date(client, story):
    other = Story.objects.create(title="Quake in Lima", title_set_by_editor=True)
    ingest(ArticleInput(text="A strong earthquake shook Lima on Monday.", outlet="El Comercio"), story=other)
    url = reverse("compare:story-list")
    assert "Quake in Lima" not in client.get(url, {"q": "Gozo"}).content.decode()
    outlet = Article.objects.get(outlet__name="El Comercio").outlet
    html = client.get(url, {"outlet": outlet.pk}).content.decode()
    assert "Quake in Lima" in html and "Storm in Valletta" not in html
    assert "No story matches" in client.get(url, {"until": "1999-01-01"}).content.decode()


def test_the_story_list_paginates(client):
    for n in range(25):
        Story.objects.create(title=f"Story number {n}", title_set_by_editor=True)
    first = client.get(reverse("compare:story-list")).content.decode()
    second = client.get(reverse("compare:story-list"), {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Story number 24" in first
    assert "Story number 0" in second


def test_the_story_page_answers_htmx_with_the_panel_and_what_follows_the_pair(client, story):
    left, right = Article.objects.order_by("id")
    url = reverse("compare:story-detail", args=[story.pk])
    response = client.get(url, {"left": right.pk, "right": left.pk}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="comparison-panel"')
    assert "<html" not in html and "editor-tools" not in html
    assert html.index(f"article-{right.pk}-title") < html.index(f"article-{left.pk}-title")
    # The export buttons and the matrix slot come along out of band, for the new pair.
    assert '<nav class="exports" id="export-buttons" aria-label="Export" hx-swap-oob="true">' in html
    assert f"export.html?left={right.pk}&amp;right={left.pk}" in html
    assert '<div id="fact-matrix-slot" hx-swap-oob="true">' in html


def test_following_a_sentence_returns_its_counterparts_with_a_word_diff(client, story):
    left, right = Article.objects.order_by("id")
    sentence = left.sentences.get(text__startswith="Gale-force")
    url = reverse("compare:sentence-detail", args=[story.pk, sentence.pk])
    html = client.get(url, {"other": right.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<aside id="fact-detail"')
    assert "Following:" in html


def test_following_without_javascript_renders_the_detail_in_the_page(client, story):
    left, right = Article.objects.order_by("id")
    sentence = left.sentences.get(text__startswith="Gale-force")
    url = reverse("compare:story-detail", args=[story.pk])
    html = client.get(url, {"left": left.pk, "right": right.pk, "focus": sentence.pk}).content.decode()
    assert "Following:" in html and "<html" in html


@pytest.mark.parametrize("outlets", [2, 5])
def test_the_story_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, outlets):
    story = Story.objects.create(title="Harbour closed", title_set_by_editor=True)
    for n in range(outlets):
        text = "\n".join(
            f"Gale-force winds closed the harbour in Valletta on Tuesday, source {n} said in report {k}."
            for k in range(12)
        )
        ingest(ArticleInput(text=f"Harbour closed ({n})\n\n{text}", outlet=f"Outlet {n}"), story=story)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("compare:story-detail", args=[story.pk]))
    assert response.status_code == 200


def test_reading_can_require_sign_in(client, story, settings):
    settings.READING_REQUIRES_LOGIN = True
    response = client.get(reverse("compare:story-detail", args=[story.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_fragments_forms_return_to_the_story_page_with_the_pair_and_the_sentence(editor_client, story):
    left, right = Article.objects.order_by("id")
    sentence = right.sentences.get(text__startswith="Ferries")
    url = reverse("compare:sentence-detail", args=[story.pk, sentence.pk])
    response = editor_client.get(url, {"other": left.pk, "side": "right"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    page = reverse("compare:story-detail", args=[story.pk])
    query = f"left={left.pk}&amp;right={right.pk}&amp;focus={sentence.pk}"
    expected = f"{page}?{query}#s-{right.pk}-{sentence.index}"
    assert f'name="next" value="{expected}"' in html
    assert "/sentences/" not in html.split('name="next"')[1].split(">")[0]


def test_a_correction_never_returns_off_the_story_page(editor_client, story):
    left, right = Article.objects.order_by("id")
    link = story.links.first()
    url = reverse("compare:link-verdict", args=[link.pk])
    for target in ("https://evil.example/", "//evil.example/", f"/stories/{story.pk + 1}/"):
        response = editor_client.post(url, {"verdict": "confirmed", "next": target})
        assert response.status_code == 302
        assert response["Location"] == reverse("compare:story-detail", args=[story.pk])


def test_the_default_pair_is_two_outlets_even_when_an_update_shares_more():
    from compare.services.screens import default_pair

    report, update, other = Article(pk=1, outlet_id=1), Article(pk=2, outlet_id=1), Article(pk=3, outlet_id=2)
    assert default_pair([report, update, other], {1: 9, 2: 9, 3: 4}) == (report, other)
    # A story of one outlet still compares its two articles.
    assert default_pair([report, update], {1: 9, 2: 9}) == (report, update)


def test_switching_the_pair_keeps_the_matrix_order(client, story):
    html = client.get(reverse("compare:story-detail", args=[story.pk]), {"sort": "outlets"}).content.decode()
    picker = html[html.index('<form class="pair-picker"') :]
    assert '<input type="hidden" name="sort" value="outlets">' in picker[: picker.index("</form>")]
