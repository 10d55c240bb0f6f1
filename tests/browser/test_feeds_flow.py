"""The issue's "done when", in a real browser: an admin follows two local feeds on the feeds screen,
one poll turns their items into aligned articles of one story, and a page rewritten by its outlet
shows on the story page as a revision with its diff (screenshots at 1400 and 390 px)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from feedserver import FeedSite, atom, rss

from compare.models import Article, FeedItem, Story
from compare.services.revisions import check_due_items
from compare.services.roles import grant_role

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"
TIMES = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.",
    "Ferries to Gozo were cancelled until Wednesday morning.",
    "Fishermen dragged their boats up the slipway at Marsaxlokk on Monday.",
]
HERALD = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.",
    "All ferries to Gozo were cancelled until Wednesday morning.",
    "Schools in Sliema stayed open.",
]
REWRITTEN = [
    TIMES[0],
    TIMES[2].replace("on Monday", "late on Monday"),
    HERALD[2],
    "Two cargo ships waited outside.",
]


@pytest.fixture
def site(settings):
    settings.ALLOW_PRIVATE_URLS = True
    settings.FEED_HOST_INTERVAL = 0
    with FeedSite() as site:
        site.article("/times/storm", "Storm shuts Valletta harbour", TIMES)
        site.article("/herald/port", "Valletta port closed as gale hits Malta", HERALD)
        site.serve("/times.rss", rss([("Storm shuts Valletta harbour", site.url("/times/storm"))]))
        site.serve(
            "/herald.atom", atom([("Valletta port closed as gale hits Malta", site.url("/herald/port"))])
        )
        site.serve("/wire.rss", "<html><body>Service unavailable</body></html>", status=503)
        yield site


def sign_in(page, live_server, django_user_model) -> None:
    user = django_user_model.objects.create_user("chief", password=PASSWORD)
    grant_role(user, "admin")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "chief")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def both_widths(page, screenshot, name: str) -> None:
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": 1400, "height": 900})


def test_an_admin_follows_two_feeds_and_sees_a_rewritten_article_as_a_revision(
    live_server, page, screenshot, site, django_user_model
):
    sign_in(page, live_server, django_user_model)
    page.get_by_role("link", name="Feeds").click()
    page.wait_for_url("**/feeds/")
    feeds = [
        ("Times of Malta", "/times.rss"),
        ("Malta Herald", "/herald.atom"),
        ("Wire Service", "/wire.rss"),
    ]
    for outlet, path in feeds:
        page.fill("input[name=outlet]", outlet)
        page.fill("input[name=url]", site.url(path))
        page.get_by_role("button", name="Follow this feed").click()
        page.wait_for_selector(".message-success")
    assert page.locator("tr.feed-row").count() == 3

    call_command("poll_feeds", stdout=StringIO())  # one poll, as the worker loop or cron runs it

    page.reload()
    rows = page.locator("tr.feed-row")
    assert [rows.nth(n).locator("td").nth(2).inner_text() for n in range(3)] == ["1", "1", "0"]  # items found
    assert rows.nth(2).locator(".feed-error").inner_text() == "The feed answered with HTTP 503."
    assert "not yet" not in page.locator("table.feeds").inner_text()
    both_widths(page, screenshot, "feeds-01-screen")

    story = Story.objects.get()
    assert {a.outlet.name for a in Article.objects.filter(story=story)} == {"Times of Malta", "Malta Herald"}
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    assert page.locator("#comparison-panel .state-same").count() >= 4  # aligned: shared facts on both sides
    assert page.locator(".article-updates").count() == 0

    site.article("/times/storm", "Storm shuts Valletta harbour", REWRITTEN)
    item = FeedItem.objects.get(feed__outlet__name="Times of Malta")
    (revision,) = check_due_items(now=item.first_seen + timedelta(hours=1, seconds=1))

    page.reload()
    updates = page.locator(".article-updates")
    text = updates.text_content()  # as written: the headings are upper-cased by the stylesheet
    assert "Times of Malta: “Storm shuts Valletta harbour”" in text
    assert "No longer reports" in text and "Now reports" in text and "Reworded" in text
    assert updates.locator("ins", has_text="late").count() == 1
    assert updates.locator("del", has_text=TIMES[1]).count() == 1
    updates.scroll_into_view_if_needed()
    both_widths(page, screenshot, "feeds-02-story-revision")

    page.get_by_role("link", name="read every revision").click()
    page.wait_for_url(f"**/articles/{revision.article_id}/revisions/")
    page.get_by_role("link", name="Revision 1").click()
    assert TIMES[1] in page.locator(".revision-text").inner_text()
    both_widths(page, screenshot, "feeds-03-revisions")
