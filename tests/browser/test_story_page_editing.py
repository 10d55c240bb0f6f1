"""The story page as an editor works it, in a real browser at 1400 and 390 px (hashing encoder, no model).

Corrections that keep the editor on the page, a pair switch that takes the exports and the
matrix along, the followed fact beside the sentence, conflicts and checked links marked in the
columns, the keyboard, and pages that never scroll sideways.
"""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from newsroom import build_story, interleaved

from compare.models import Article, Link, Story
from compare.services.ingest import ArticleInput, ingest
from compare.services.roles import grant_role

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = {"desktop": 1400, "phone": 390}
PASSWORD = "correct horse battery staple"

POST = """Storm closes the harbour in Valletta

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning as waves reached six metres.
Twenty fishing boats were moved inland by their crews before the storm arrived.
Forecasters expect the wind to drop by the weekend, according to the Met Office.
Schools in the north of the island stayed closed for the day.
"""
UPDATE = POST + "Power was restored to most homes by the evening.\n"
TIMES = """Valletta harbour shut as gale hits Malta

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning as waves reached six metres.
Forty fishing boats were moved inland by their crews before the storm arrived.
The wind should drop by the weekend, forecasters expect.
Insurers said repair bills would run into millions of euros.
"""
GAZETTE = """Gale shuts Valletta port

Ferries to Gozo were cancelled until Wednesday morning as waves reached six metres.
Insurers said repair bills would run into millions of euros.
A cruise ship waited offshore for the wind to ease.
"""


@pytest.fixture
def storm() -> Story:
    """Harbour Post (a report and its update), Island Times and Gazette, no URLs: a newsroom's small story."""
    story = Story.objects.create(title="Storm closes Valletta harbour", title_set_by_editor=True)
    ingest(ArticleInput(text=POST, outlet="Harbour Post"), story=story)
    ingest(ArticleInput(text=UPDATE, outlet="Harbour Post"), story=story)
    ingest(ArticleInput(text=TIMES, outlet="Island Times"), story=story)
    ingest(ArticleInput(text=GAZETTE, outlet="Gazette"), story=story)
    return story


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("maria", password=PASSWORD)
    grant_role(user, "editor")
    return user


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """A page at each width, named for its screenshots."""
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    page = context.new_page()
    yield request.param, page
    context.close()


def _sign_in(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "maria")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_selector(".account >> text=maria")


def _save(page, name: str, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page, caret="initial")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page is {width} px wide: {_widest(page)}"


def _widest(page) -> list[str]:
    """What sticks out past the right edge, for the failure message."""
    return page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter(el => !el.parentElement.closest(".table-scroll") || el.matches(".visually-hidden"))
            .slice(0, 8)
            .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`)"""
    )


def _in_view(page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    assert box is not None, f"{selector} is not shown"
    assert box["y"] >= -1 and box["y"] + min(box["height"], 200) <= viewport["height"] + 1, box
    return box


def _articles() -> tuple[Article, Article, Article]:
    post = Article.objects.filter(outlet__name="Harbour Post").order_by("id").first()
    times = Article.objects.get(outlet__name="Island Times")
    gazette = Article.objects.get(outlet__name="Gazette")
    return post, times, gazette


def test_a_confirmed_link_keeps_the_editor_on_the_story_page(live_server, sized, storm, editor):
    size, page = sized
    post, times, _ = _articles()
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/stories/{storm.pk}/")
    # The default pair is two outlets, never Harbour Post against its own update.
    assert page.locator("select[name=left]").input_value() == str(post.pk)
    assert page.locator("select[name=right]").input_value() == str(times.pk)
    # No URL and no date: no "·" left hanging in the column's line.
    for meta in page.locator(".article-column .column-meta").all_inner_texts():
        assert not meta.strip().startswith("·") and not meta.strip().endswith("·")

    # The conflict is marked on the sentence in the columns, before any click.
    boats = page.locator(f"#comparison-panel .article-column #{_dom_id(post, 'Twenty')}")
    assert boats.locator(".conflict-mark").is_visible()
    assert "Check: Numbers differ" in boats.locator(".visually-hidden").inner_text()

    boats.click()
    page.wait_for_selector("#fact-detail .counterpart")
    assert page.locator("#fact-detail .conflict").count() == 1
    page.get_by_role("button", name="Confirm link").first.click()
    page.wait_for_url(f"**/stories/{storm.pk}/?left={post.pk}&right={times.pk}&focus=*")
    # The message shows where the editor acted, in view: in the panel of the followed sentence.
    assert "Link confirmed." in page.locator("#fact-detail .messages").inner_text()
    _in_view(page, "#fact-detail .messages")
    assert page.locator("link[rel=stylesheet]").count() == 1  # the whole page, styled, not a fragment
    # The change is visible: the link now shows as an editor's (solid, with a ✓) and the panel says so.
    boats = page.locator(f"#comparison-panel .article-column #{_dom_id(post, 'Twenty')}")
    assert "is-checked" in boats.get_attribute("class")
    assert boats.locator(".checked-mark").is_visible()
    style = boats.evaluate("el => getComputedStyle(el).borderBottomStyle")
    machine = page.locator("#comparison-panel a.sentence.state-same:not(.is-checked)").first
    assert style == "solid" and machine.evaluate("el => getComputedStyle(el).borderBottomStyle") == "dotted"
    assert "confirmed by an editor" in page.locator("#fact-detail").inner_text()
    _no_sideways_scroll(page)
    _save(page, f"story-edit-01-confirmed-{size}", full_page=False)


def _dom_id(article: Article, starts: str) -> str:
    sentence = article.sentences.get(text__startswith=starts)
    return f"s-{article.pk}-{sentence.index}"


def test_switching_the_pair_takes_exports_and_matrix_links_along(live_server, sized, storm):
    size, page = sized
    post, times, gazette = _articles()
    page.goto(f"{live_server.url}/stories/{storm.pk}/")
    page.select_option("select[name=right]", str(gazette.pk))
    page.wait_for_url(f"**right={gazette.pk}**")
    page.wait_for_selector(f"#comparison-panel #article-{gazette.pk}-title")
    html_export = page.get_by_role("link", name="HTML page").get_attribute("href")
    assert f"left={post.pk}&right={gazette.pk}" in html_export
    assert f"right={gazette.pk}" in page.get_by_role("link", name="PDF").get_attribute("href")
    matrix_links = page.locator("#fact-matrix td a").evaluate_all("links => links.map(a => a.href)")
    assert matrix_links and all(f"right={times.pk}" not in href for href in matrix_links)
    assert any(f"right={gazette.pk}" in href for href in matrix_links)
    sort = page.get_by_role("link", name="sort by number of outlets").get_attribute("href")
    assert f"right={gazette.pk}" in sort
    _no_sideways_scroll(page)
    _save(page, f"story-edit-02-switched-pair-{size}")


def test_the_followed_fact_opens_beside_the_sentence_and_in_view(live_server, sized, storm):
    size, page = sized
    post, _, _ = _articles()
    page.goto(f"{live_server.url}/stories/{storm.pk}/")
    sentence = page.locator(f"#{_dom_id(post, 'Forecasters')}")
    sentence.evaluate("el => el.scrollIntoView({block: 'end'})")  # low on the screen
    sentence.click()
    page.wait_for_selector("#fact-detail .counterpart")
    panel = _in_view(page, "#fact-detail")
    assert page.evaluate("document.activeElement.closest('#fact-detail') !== null")  # read next
    # Word diffs read as sentences: both shown plainly, spaces kept at the joins.
    assert page.locator("#fact-detail .diff-pair dd").count() >= 1
    assert "according to the Met Office" in page.locator("#fact-detail h2").inner_text()  # whole
    columns = page.locator("#comparison-panel .article-column")
    if size == "desktop":  # a third column, beside both articles
        right_column = columns.nth(1).bounding_box()
        assert panel["x"] >= right_column["x"] + right_column["width"]
        page.mouse.wheel(0, 250)  # it stays in view while the articles scroll past
        page.wait_for_timeout(300)
        section = page.locator("#comparison-panel").bounding_box()
        if section["y"] + section["height"] >= panel["height"] + 20:
            _in_view(page, "#fact-detail")
    else:  # docked at the bottom of the screen
        assert abs(panel["y"] + panel["height"] - page.viewport_size["height"]) <= 1
        assert panel["width"] >= page.viewport_size["width"] - 1
        # A sentence low on the screen (one without counterparts, which would scroll the page
        # themselves) stays seen, above the sheet.
        alone = page.locator(f"#{_dom_id(post, 'Schools')}")
        alone.evaluate("el => el.scrollIntoView({block: 'end'})")
        alone.click()
        page.wait_for_selector("#fact-detail h2:has-text('Schools')")
        page.wait_for_timeout(300)
        followed, sheet = alone.bounding_box(), page.locator("#fact-detail").bounding_box()
        assert followed["y"] >= 0 and followed["y"] + followed["height"] <= sheet["y"]
    _no_sideways_scroll(page)
    _save(page, f"story-edit-03-fact-beside-{size}", full_page=False)
    page.get_by_role("link", name="Close", exact=True).click()
    assert page.locator("#fact-detail .counterpart").count() == 0


def test_without_javascript_the_followed_fact_is_shown_by_the_page(live_server, browser, storm):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    post, times, _ = _articles()
    page.goto(f"{live_server.url}/stories/{storm.pk}/")
    page.locator(f"#{_dom_id(post, 'Forecasters')}").click()
    page.wait_for_url("**focus=**")
    _in_view(page, "#fact-detail")
    page.select_option("select[name=right]", str(Article.objects.get(outlet__name="Gazette").pk))
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**right=*")
    assert "right=" in page.get_by_role("link", name="HTML page").get_attribute("href")
    context.close()


def test_the_keyboard_reaches_and_follows_sentences_without_tabbing_through_them(live_server, page, storm):
    post, times, _ = _articles()
    page.goto(f"{live_server.url}/stories/{storm.pk}/")
    page.keyboard.press("Tab")  # Skip to content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the comparison"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = _dom_id(post, "Storm closes")
    assert page.evaluate("document.activeElement.id") == first
    page.keyboard.press("j")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == _dom_id(post, "Ferries")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == _dom_id(post, "Gale-force")
    page.keyboard.press("ArrowRight")  # its counterpart in the other column
    assert page.evaluate("document.activeElement.id") == _dom_id(times, "Gale-force")
    page.keyboard.press("Enter")
    page.wait_for_selector("#fact-detail .counterpart")
    assert "Gale-force winds" in page.locator("#fact-detail h2").inner_text()
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == _dom_id(times, "Gale-force")
    # One Tab stop per column: Tab from the right column leaves the comparison.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.article-column') === null")


@pytest.fixture
def big_stories() -> list[Story]:
    call_command("load_seeds", stdout=StringIO())
    seed = Story.objects.get()
    return [seed, build_story(99, interleaved(8), first_day=40, own=2)]


def test_story_pages_never_scroll_sideways(live_server, sized, big_stories):
    size, page = sized
    for n, story in enumerate(big_stories):
        page.goto(f"{live_server.url}/stories/{story.pk}/")
        page.wait_for_selector("#comparison-panel")
        _no_sideways_scroll(page)
        left = page.locator("select[name=left]").bounding_box()
        right = page.locator("select[name=right]").bounding_box()
        assert left["x"] + left["width"] <= page.viewport_size["width"]
        assert right["x"] + right["width"] <= page.viewport_size["width"]
        page.locator("#comparison-panel a.sentence").first.click()
        page.wait_for_selector("#fact-detail h2")
        _no_sideways_scroll(page)
        if page.locator("#fact-matrix").count():
            box = page.locator("#fact-matrix .table-scroll").bounding_box()
            assert box["x"] + box["width"] <= page.viewport_size["width"] + 1
        _save(page, f"story-edit-04-{'seed' if n == 0 else 'eight-outlets'}-{size}")


def test_an_editor_made_link_is_marked_as_checked(live_server, page, storm, editor):
    post, times, _ = _articles()
    schools = post.sentences.get(text__startswith="Schools")
    insurers = times.sentences.get(text__startswith="Insurers")
    Link.objects.create(
        story=storm, a=schools, b=insurers, kind="partial", origin=Link.Origin.EDITOR, score=1.0
    )
    page.goto(f"{live_server.url}/stories/{storm.pk}/?left={post.pk}&right={times.pk}")
    mark = page.locator(f"#{_dom_id(post, 'Schools')}")
    assert "is-checked" in mark.get_attribute("class")
    assert mark.get_attribute("title") == "Link checked by an editor."


def test_a_lone_article_without_a_url_leaves_no_dot_hanging(live_server, page):
    story = Story.objects.create(title="Storm closes Valletta harbour", title_set_by_editor=True)
    published = datetime(2026, 3, 3, 9, 0, tzinfo=timezone.get_current_timezone())
    ingest(ArticleInput(text=POST, outlet="Harbour Post", published=published), story=story)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    meta = page.locator(".article-column header p.meta").inner_text().strip()
    assert meta == "3 Mar 2026"


def test_linking_and_marking_furniture_keep_the_editor_on_the_story_page(live_server, page, storm, editor):
    post, times, _ = _articles()
    _sign_in(page, live_server)
    page.goto(f"{live_server.url}/stories/{storm.pk}/?left={post.pk}&right={times.pk}")
    page.locator(f"#{_dom_id(post, 'Schools')}").click()
    page.wait_for_selector("#fact-detail .link-form")
    insurers = times.sentences.get(text__startswith="Insurers")
    page.select_option("#fact-detail select[name=b]", str(insurers.pk))
    page.get_by_role("button", name="Link", exact=True).click()
    page.wait_for_url(f"**/stories/{storm.pk}/?left={post.pk}&right={times.pk}&focus=*")
    assert "Sentences linked." in page.locator("#fact-detail .messages").inner_text()
    assert "is-checked" in page.locator(f"#{_dom_id(post, 'Schools')}").get_attribute("class")
    _save(page, "story-edit-05-linked-desktop", full_page=False)

    page.get_by_role("button", name="Not part of the article: mark as page furniture").click()
    page.wait_for_url(f"**/stories/{storm.pk}/?left={post.pk}&right={times.pk}**")
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert "Marked as page furniture" in page.locator(".messages").inner_text()
    assert "Schools in the north" not in page.locator("#comparison-panel .sentences").first.inner_text()
