"""An editor's walk through the seed story in a real browser."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from compare.models import Article, Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

THIRD = (Path(__file__).parent / "third_outlet.txt").read_text(encoding="utf-8")


@pytest.fixture
def seed_story(use_real_model) -> Story:
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    ingest(ArticleInput(text=THIRD, outlet="Wire Service", published=None), story=story)
    # A third headline may retitle the story (no editor fixed its title): read it back.
    story.refresh_from_db()
    return story


def test_an_editor_compares_the_seed_story(live_server, page, screenshot, seed_story):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name=seed_story.title).click()
    page.wait_for_selector("#comparison-panel")
    screenshot("01-story-page")

    # Switch the right-hand article: only the panel is swapped and the URL follows.
    wire = Article.objects.get(outlet__name="Wire Service")
    page.select_option("select[name=right]", str(wire.pk))
    page.wait_for_url(f"**right={wire.pk}**")
    page.wait_for_selector(f"#comparison-panel .article-column:nth-child(2) #article-{wire.pk}-title")
    screenshot("02-switched-right")

    # Follow a shared fact: its counterpart in the other column lights up.
    left_column = page.locator("#comparison-panel .article-column").first
    shared = left_column.locator("a.sentence.state-same, a.sentence.state-partial").first
    counterpart_id = shared.get_attribute("data-counterparts").split()[0]
    shared.click()
    page.wait_for_selector(f"#{counterpart_id}.is-counterpart")
    page.wait_for_selector("#fact-detail .counterpart")
    screenshot("03-followed-fact", full_page=False)

    # The fact matrix lists every outlet and sorts by coverage.
    page.get_by_role("link", name="sort by number of outlets").click()
    page.wait_for_selector("#fact-matrix table")
    headers = page.locator("#fact-matrix thead th").all_inner_texts()
    assert {"The New Arab", "Haaretz", "Wire Service"} <= set(headers)
    page.locator("#fact-matrix").scroll_into_view_if_needed()
    screenshot("04-fact-matrix")


def test_the_story_page_stacks_columns_on_a_phone(live_server, browser, seed_story):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"{live_server.url}/stories/{seed_story.pk}/")
    columns = phone.locator("#comparison-panel .article-column")
    first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"] - 1
    phone.screenshot(path="test-artifacts/05-phone.png", full_page=False)
    context.close()
