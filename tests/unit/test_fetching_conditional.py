"""The guarded fetcher's request headers and conditional answers (used by the feed poller)."""

from __future__ import annotations

import pytest
from feedserver import FeedSite

from compare.services.fetching import FetchError, fetch_page


@pytest.fixture
def site():
    with FeedSite() as site:
        yield site


def test_headers_are_sent_and_the_validators_come_back(site):
    url = site.serve("/feed", "<rss/>", etag='"abc"', last_modified="Tue, 01 Dec 2026 10:00:00 GMT")
    page = fetch_page(url, allow_private=True, headers={"User-Agent": "feeds-test/1"})
    assert (page.status, page.data, page.etag, page.last_modified) == (
        200,
        b"<rss/>",
        '"abc"',
        "Tue, 01 Dec 2026 10:00:00 GMT",
    )
    assert site.requests[0].headers["User-Agent"] == "feeds-test/1"


def test_a_304_is_an_answer_not_an_error(site):
    url = site.serve("/feed", "<rss/>", etag='"abc"')
    page = fetch_page(url, allow_private=True, headers={"If-None-Match": '"abc"'})
    assert page.not_modified and page.data == b""


def test_errors_carry_the_status_and_name_what_was_fetched(site):
    url = site.serve("/feed", "gone", status=410)
    with pytest.raises(FetchError, match="The feed answered with HTTP 410.") as caught:
        fetch_page(url, allow_private=True, what="feed")
    assert caught.value.status == 410
