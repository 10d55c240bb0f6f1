"""Reading feeds with feedparser: RSS and Atom items, and entity declarations refused before parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from compare.services.feed_reader import FeedError, declares_entities, read_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Times</title><link>https://times.example/</link><description>d</description>
<item><title>Storm &lt;b&gt;shuts&lt;/b&gt; port</title><link> https://times.example/storm </link>
<guid>storm-1</guid><pubDate>Tue, 01 Dec 2026 10:00:00 GMT</pubDate></item>
<item><title>No date</title><link>https://times.example/b</link></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Herald</title><id>urn:h</id><updated>2026-12-01T10:00:00Z</updated>
<entry><title>Port closed</title><link href="https://herald.example/port"/><id>urn:1</id>
<updated>2026-12-01T09:30:00Z</updated></entry></feed>"""
LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>
<rss version="2.0"><channel><title>&b;</title></channel></rss>"""


def test_rss_items_come_with_link_title_guid_and_date():
    first, second = read_feed(RSS)
    assert first.link == "https://times.example/storm"
    assert first.title == "Storm <b>shuts</b> port"  # data, shown escaped by the templates
    assert (first.guid, first.published) == ("storm-1", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert second.published is None


def test_atom_entries_are_read_the_same_way():
    (entry,) = read_feed(ATOM)
    assert (entry.link, entry.title, entry.guid) == ("https://herald.example/port", "Port closed", "urn:1")
    assert entry.published == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "data", [LAUGHS, LAUGHS.replace(b"ENTITY", b"entity"), LAUGHS.decode().encode("utf-16")]
)
def test_a_feed_declaring_entities_is_refused_before_it_is_parsed(data, monkeypatch):
    import feedparser

    monkeypatch.setattr(feedparser, "parse", lambda *a, **k: pytest.fail("feedparser saw the feed"))
    assert declares_entities(data)
    with pytest.raises(FeedError, match="declares XML entities"):
        read_feed(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body><p>Hello</p></body></html>", "did not answer with an RSS or Atom feed"),
        (b"", "did not answer with an RSS or Atom feed"),
        (b"<rss version='2.0'><channel><title>News</title><item><title>Cut", "not well-formed XML"),
    ],
)
def test_what_is_not_a_readable_feed_says_so(data, message):
    with pytest.raises(FeedError, match=message):
        read_feed(data)
