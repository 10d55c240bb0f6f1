"""Read an RSS or Atom feed's bytes into its items, refusing what a hostile feed could do to a parser.

feedparser does the parsing (no XML is hand-parsed here); before it sees the bytes, a feed that
declares entities is refused: a few hundred bytes of nested entity definitions ("billion laughs")
expand to gigabytes in a parser that honours them. A news feed has no reason to declare any.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser

# Any DOCTYPE internal subset that defines entities, in any case; a UTF-16 or UTF-32 feed is read
# with its zero bytes dropped, so the declaration cannot hide behind the encoding.
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


class FeedError(ValueError):
    """The feed cannot be read; the message is for the feeds screen."""


@dataclass(frozen=True)
class FeedEntry:
    """One item as the feed lists it: its link and title are data, checked before use."""

    link: str
    title: str
    guid: str
    published: datetime | None


def declares_entities(data: bytes) -> bool:
    return bool(_ENTITY_DECLARATION.search(data.replace(b"\x00", b"")))


def read_feed(data: bytes) -> list[FeedEntry]:
    """The feed's items in the order it lists them.

    Raises:
        FeedError: entities declared, or not a feed at all (the message says which).
    """
    if declares_entities(data):
        raise FeedError(
            "The feed declares XML entities, which can make it expand without limit; it was not read."
        )
    # A stream, never the bytes themselves: given a string feedparser would open it as a URL or a file.
    parsed = feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False)
    entries = [_entry(item) for item in parsed.entries]
    if not parsed.get("version") and not entries:
        raise FeedError("The address did not answer with an RSS or Atom feed.")
    # feedparser recovers what it can from broken XML; a feed cut off before its first link is broken.
    if parsed.bozo and not any(entry.link for entry in entries):
        raise FeedError("The feed is not well-formed XML and no items could be read from it.")
    return entries


def _entry(item: feedparser.FeedParserDict) -> FeedEntry:
    moment = item.get("published_parsed") or item.get("updated_parsed")
    return FeedEntry(
        link=str(item.get("link") or "").strip(),
        title=str(item.get("title") or "").strip(),
        guid=str(item.get("id") or "").strip(),
        published=datetime(*moment[:6], tzinfo=UTC) if moment else None,
    )
