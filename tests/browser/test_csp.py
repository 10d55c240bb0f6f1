"""The Content-Security-Policy holds on the htmx pages: a real browser reports no violation."""

from __future__ import annotations

import pytest

from compare.models import Article, Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI + " " + event.sourceFile);
});
"""


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm in Valletta", title_set_by_editor=True)
    for outlet, text in [
        (
            "Times of Malta",
            "Gale-force winds closed the harbour in Valletta on Tuesday. Ferries were cancelled.",
        ),
        ("MaltaToday", "Gale-force winds closed Valletta harbour on Tuesday. Schools stayed open."),
        ("TVM", "Valletta harbour was closed by gale-force winds on Tuesday. Fishermen stayed home."),
    ]:
        ingest(ArticleInput(text=text, outlet=outlet), story=story)
    return story


def test_the_story_page_and_its_htmx_swaps_raise_no_csp_violation(live_server, page, story):
    page.add_init_script(RECORD_VIOLATIONS)
    console = []
    page.on("console", lambda message: console.append(message.text))
    response = page.goto(f"{live_server.url}/stories/{story.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("#comparison-panel")

    third = Article.objects.get(outlet__name="TVM")
    page.select_option("select[name=right]", str(third.pk))  # an htmx swap of the panel
    page.wait_for_url(f"**right={third.pk}**")
    page.locator("#comparison-panel a.sentence").first.click()  # an htmx swap of the fact detail
    page.wait_for_selector("#fact-detail h2")

    page.goto(f"{live_server.url}/?q=Valletta")  # the list's htmx search
    page.fill("input[name=q]", "Gale")
    page.wait_for_url("**q=Gale**")

    assert page.evaluate("window.__violations") == []
    assert not [text for text in console if "Content Security Policy" in text]
