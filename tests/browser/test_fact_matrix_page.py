"""The fact matrix in a real browser at 1400 and 390 px.

Cells with "+N more", conflict markers, and a matrix that scrolls in its own box.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from newsroom import OUTLETS, build_story
from storm_story import HARBOUR_WEDNESDAY, HEADLINE, build_storm_story

from compare.models import Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WIDTHS = {"desktop": 1400, "phone": 390}
THIRD = Path(__file__).parent / "third_outlet.txt"


@pytest.fixture(params=list(WIDTHS))
def sized(request, browser):
    """A page at each width, named for its screenshots."""
    context = browser.new_context(viewport={"width": WIDTHS[request.param], "height": 900})
    page = context.new_page()
    yield request.param, page
    context.close()


def _page_width(page) -> int:
    """How wide the page is, the pair pickers aside.

    The pickers' own overflow at 390 px is fixed on the story-page branch (issue 17, item 10);
    taking them out here keeps this test about the matrix.
    """
    page.evaluate("document.querySelector('.pair-picker')?.remove()")
    return page.evaluate("document.documentElement.scrollWidth")


def _save(page, name: str, element: str | None = None) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if element:
        page.locator(element).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def test_a_matrix_cell_folds_further_sentences_and_marks_a_conflict(live_server, sized):
    size, page = sized
    story = build_storm_story()
    page.goto(f"{live_server.url}/stories/{story.pk}/#fact-matrix")
    matrix = page.locator("#fact-matrix")
    harbour = matrix.locator("tbody tr").first
    # Times of Malta said it twice; the headline waits behind "+1 more" until opened.
    more = harbour.locator("details.matrix-more")
    assert more.locator("summary").inner_text().startswith("+1 more")
    assert not more.get_by_text(HEADLINE).is_visible()
    more.locator("summary").click()
    assert more.get_by_text(HEADLINE).is_visible()
    # MaltaToday's Wednesday is marked where the editor looks, with the reason on hover and for readers.
    wednesday = harbour.locator("td.has-conflict")
    assert wednesday.count() == 1 and HARBOUR_WEDNESDAY[:40] in wednesday.inner_text()
    marker = wednesday.locator(".matrix-conflict")
    assert marker.is_visible() and marker.inner_text() == "≠"
    assert marker.get_attribute("title") == 'Dates differ: "Tuesday" vs "Wednesday"'
    assert "Differs from the row's sentence" in wednesday.locator(".visually-hidden").inner_text()
    assert _page_width(page) <= WIDTHS[size]
    matrix.locator(".table-scroll").evaluate("el => { el.scrollLeft = 0; }")
    _save(page, f"matrix-01-conflict-and-more-{size}", "#fact-matrix")


def test_an_eight_outlet_matrix_scrolls_in_its_own_box_and_the_page_never_sideways(live_server, sized):
    size, page = sized
    story = build_story(7, OUTLETS, own=2)
    page.goto(f"{live_server.url}/stories/{story.pk}/")
    box = page.locator("#fact-matrix .table-scroll")
    assert len(page.locator("#fact-matrix thead th").all_inner_texts()) == 2 + len(OUTLETS)
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider than its box ...
    assert _page_width(page) <= WIDTHS[size]  # ... and the page is not
    # Scrolled sideways, the row labels stay in view on a wide screen.
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    label = page.locator("#fact-matrix tbody th.matrix-label").first.bounding_box()
    frame = box.bounding_box()
    if size == "desktop":
        assert frame["x"] - 1 <= label["x"] <= frame["x"] + 2
    _save(page, f"matrix-02-eight-outlets-scrolled-{size}", "#fact-matrix")
    box.evaluate("el => { el.scrollLeft = 0; }")
    _save(page, f"matrix-03-eight-outlets-page-{size}")


@pytest.mark.slow
def test_the_seed_story_matrix_with_a_third_outlet(live_server, sized, use_real_model):
    size, page = sized
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    ingest(ArticleInput(text=THIRD.read_text(encoding="utf-8"), outlet="Wire Service"), story=story)
    page.goto(f"{live_server.url}/stories/{story.pk}/?sort=outlets#fact-matrix")
    labels = page.locator("#fact-matrix tbody th.matrix-label").all_inner_texts()
    assert any("foreign forces would be leaving" in label for label in labels)
    assert _page_width(page) <= WIDTHS[size]
    _save(page, f"matrix-04-seed-with-third-outlet-{size}", "#fact-matrix")
