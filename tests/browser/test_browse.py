"""The story list, outlet pages, timelines and signing out, in a real browser at 1400 and 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from newsroom import build_newsroom, build_story, interleaved

from compare.models import Story
from compare.services import corrections
from compare.services.roles import grant_role

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = {"desktop": 1400, "phone": 390}
PASSWORD = "correct horse battery staple"

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def newsroom() -> list[Story]:
    stories = build_newsroom(30)
    build_story(99, interleaved(8), first_day=40, own=2)  # the newest: eight outlets, one twice
    return stories


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """A page at each width, named for its screenshots."""
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    yield request.param, page
    context.close()


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide"


def _save(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    # caret="initial": hiding the caret leaves style="" on inputs, which htmx's history
    # snapshot keeps and the Content-Security-Policy then refuses on restore (a test artifact).
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True, caret="initial")


def test_story_cards_name_each_outlet_once_and_sort(live_server, sized, newsroom):
    size, page = sized
    page.goto(live_server.url + "/")
    first = page.locator(".story-card").first
    assert first.locator(".story-title").inner_text().startswith("Story 99")
    names = first.locator(".outlets a").all_inner_texts()
    assert names == sorted(set(names)) and len(names) == 8  # nine articles, eight outlets, once each
    assert "9 articles from 8 outlets" in first.inner_text()
    assert re.search(r"\d+ \w+ 2026 – \d+ \w+ 2026", first.inner_text())  # the event's dates
    _no_sideways_scroll(page)
    _save(page, f"browse-01-story-list-{size}")

    # Sort by facts reported alone: the results are swapped in place and the URL follows.
    page.select_option("select[name=sort]", "alone")
    page.wait_for_url("**sort=alone**")
    page.wait_for_selector("#story-results .meta:has-text('sorted by facts reported alone')")
    counts = [int(t.split()[0]) for t in page.locator(".story-card .count-alone").all_inner_texts()]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    # Page 2 keeps the sort; back returns to page 1.
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert "sort=alone" in page.url
    page.wait_for_selector("text=Page 2 of 2")
    page.go_back()
    page.wait_for_selector("text=Page 1 of 2")
    page.select_option("select[name=sort]", "outlets")
    page.wait_for_url("**sort=outlets**")
    page.wait_for_selector("#story-results .meta:has-text('sorted by number of outlets')")
    _save(page, f"browse-02-sorted-by-outlets-{size}")
    assert page.evaluate("window.__violations") == []


def test_without_javascript_the_sort_is_a_plain_form(live_server, browser, newsroom):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.select_option("select[name=sort]", "outlets")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**sort=outlets**")
    assert "8 outlets" in page.locator(".story-card").first.inner_text()
    context.close()


def test_the_list_marks_a_story_that_arrives_while_it_is_open(live_server, page, newsroom):
    page.goto(live_server.url + "/?sort=latest")
    page.wait_for_selector(".story-card")
    build_story(120, interleaved(3), first_day=60)
    page.wait_for_selector(".story-card.is-new", timeout=40_000)  # the 30 s poll
    card = page.locator(".story-card.is-new")
    assert card.locator(".story-title").inner_text().startswith("Story 120")
    assert "1 new story since you opened this page" in page.inner_text("#story-results")
    assert "seen=" not in page.url  # polling does not change the address
    _save(page, "browse-03-new-story-marked")


def test_the_outlet_page_and_the_timeline(live_server, sized, newsroom):
    size, page = sized
    page.goto(live_server.url + "/")
    page.locator(".story-card").first.get_by_role("link", name="Outlet 3").click()
    page.wait_for_selector("h1:has-text('Outlet 3')")
    assert page.locator(".blind-spot-card").count() > 1
    assert page.locator(".reported-alone li").count() > 0
    _no_sideways_scroll(page)
    _save(page, f"browse-04-outlet-page-{size}")

    story = Story.objects.get(title__startswith="Story 99")
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    page.locator("p.meta").first.get_by_role("link", name="timeline").click()
    page.wait_for_selector("h1:has-text('Timeline')")
    assert page.locator(".timeline-entry").count() == 9
    assert page.locator(".first-report").count() > 0
    _no_sideways_scroll(page)
    _save(page, f"browse-05-timeline-{size}")
    assert page.evaluate("window.__violations") == []


def test_signing_out_stays_in_the_app(live_server, sized, django_user_model, newsroom):
    size, page = sized
    user = django_user_model.objects.create_user("maria", password=PASSWORD)
    grant_role(user, "editor")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.wait_for_selector("h1:has-text('Sign in')")
    _save(page, f"browse-06-sign-in-{size}")
    page.fill("input[name=username]", "maria")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector(".account >> text=maria")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("h1:has-text('You are signed out')")
    text = page.inner_text("body")
    assert "quality time" not in text and "Django administration" not in text
    assert page.locator(".site-header").count() == 1
    _no_sideways_scroll(page)
    _save(page, f"browse-07-signed-out-{size}")
    assert page.evaluate("window.__violations") == []


def test_a_merged_away_story_leads_to_its_new_home(live_server, page, newsroom):
    target, other = newsroom[0], newsroom[1]
    gone = other.pk
    corrections.merge_stories(target, other, None)
    page.goto(f"{live_server.url}/stories/{gone}/")
    page.wait_for_url(f"**/stories/{target.pk}/")
    assert page.locator("h1").inner_text() == Story.objects.get(pk=target.pk).title
