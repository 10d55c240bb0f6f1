"""The seed's wire credit in a real browser: a plain "Credit" line at the end of Haaretz's column."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from compare.models import Article, Story
from compare.services.roles import grant_role

pytestmark = pytest.mark.django_db(transaction=True)

CREDIT = "Reuters and DPA contributed to this report."


@pytest.fixture
def seed_story() -> Story:
    call_command("load_seeds", stdout=StringIO())  # the hashing encoder: no model needed
    return Story.objects.get()


def _check_credit_line(page, story: Story) -> None:
    column = page.locator("#comparison-panel .article-column", has=page.locator(".credits"))
    assert column.locator("header .outlet").inner_text().lower() == "haaretz"
    credit = column.locator(".credits .credit")
    assert credit.count() == 1
    assert re.sub(r"\s+", " ", credit.inner_text()).strip().lower() == f"credit {CREDIT}".lower()
    # Not a fact: no marker, no link into the fact panel, and not among the marked sentences.
    assert credit.locator(".marker").count() == 0
    assert credit.evaluate("el => el.closest('a')") is None
    sentences = column.locator("a.sentence")
    assert CREDIT not in sentences.all_inner_texts()
    # It closes the article: below its last paragraph.
    last = column.locator(".sentences .paragraph").last.bounding_box()
    assert credit.bounding_box()["y"] >= last["y"] + last["height"] - 1
    # The column's counts add up to its marked sentences: the credit is not "not in" the other outlet.
    counts = [
        int(n)
        for n in re.findall(r"(\d+) (?:shared|partly|not in)", column.locator("header .meta").inner_text())
    ]
    assert sum(counts) == sentences.count()


def test_the_seed_credit_shows_as_a_credit_at_the_articles_end(live_server, page, screenshot, seed_story):
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_server.url}/stories/{seed_story.pk}/")
    page.wait_for_selector("#comparison-panel .credits")
    _check_credit_line(page, seed_story)
    page.locator(".credits").scroll_into_view_if_needed()
    screenshot("credits-1400", full_page=False)


def test_the_seed_credit_shows_as_a_credit_on_a_phone(live_server, browser, seed_story):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(f"{live_server.url}/stories/{seed_story.pk}/")
    phone.wait_for_selector("#comparison-panel .credits")
    _check_credit_line(phone, seed_story)
    box = phone.locator(".credits .credit").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # wraps inside the phone's width
    phone.locator(".credits").scroll_into_view_if_needed()
    phone.screenshot(path="test-artifacts/credits-390.png", full_page=False)
    context.close()


def test_an_editor_can_take_a_line_that_is_no_credit_out_as_furniture(
    live_server, page, screenshot, seed_story, django_user_model
):
    user = django_user_model.objects.create_user("editor", password="correct horse battery staple")
    grant_role(user, "editor")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/stories/{seed_story.pk}/")
    page.fill("input[name=username]", "editor")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("button[type=submit]")
    page.wait_for_selector("#comparison-panel .credits")
    page.locator(".credits").scroll_into_view_if_needed()
    screenshot("credits-editor-1400", full_page=False)

    page.get_by_role("button", name="Not a credit: mark as page furniture").click()
    page.wait_for_selector(".messages")
    assert page.locator("#comparison-panel .credits").count() == 0
    haaretz = Article.objects.get(outlet__name="Haaretz")
    assert not haaretz.sentences.filter(kind="credit").exists()
    assert haaretz.removals.filter(reason="editor-marked", text=CREDIT).exists()
