"""HTML to article text, one paragraph per line, ready for ``process_text``.

trafilatura finds the main content and drops most navigation; when it finds
nothing (tiny pages, odd markup) a safe tag-strip takes over: scripts, styles,
forms and comments are removed with lxml_html_clean and block elements become
line breaks. Hostile or broken HTML never raises: the worst case is "".
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html
from lxml_html_clean import Cleaner

logger = logging.getLogger(__name__)

# Elements whose end is a paragraph break in the fallback tag-strip.
_BLOCK_TAGS = (
    "p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
    "section", "article", "header", "footer", "figcaption", "pre", "dd", "dt",
)  # fmt: skip
_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=False,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
)


def _with_title(title: str, text: str) -> str:
    """Put the title first, unless the text already starts with it."""
    title, text = title.strip(), text.strip()
    if not title or text.startswith(title):
        return text
    return f"{title}\n{text}" if text else title


def _trafilatura_text(html: str) -> str:
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, favor_recall=True
    )
    if document is None:
        return ""
    text = getattr(document, "text", None) or ""
    if not text.strip():
        return ""
    return _with_title(getattr(document, "title", None) or "", text)


def _strip_tags(html: str) -> str:
    """The visible text of the page, with block elements on their own lines."""
    root = lxml_html.document_fromstring(html)
    root = _CLEANER.clean_html(root)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
    title_element = root.find(".//title")
    title = title_element.text_content() if title_element is not None else ""
    if title_element is not None:
        title_element.drop_tree()
    text = root.text_content()
    lines = [re.sub(r"\s+", " ", line).strip() for line in text.split("\n")]
    return _with_title(title, "\n".join(line for line in lines if line))


def html_to_text(html: str) -> str:
    """Extract an article's text from a page.

    Args:
        html: the page source.
    Returns:
        The title (when found) on the first line, then one paragraph per line;
        "" when the page has no text at all.
    """
    if not html or not html.strip():
        return ""
    try:
        text = _trafilatura_text(html)
    except Exception:  # trafilatura on hostile markup: fall back, never fail an ingest
        logger.warning("trafilatura failed; falling back to a tag-strip", exc_info=True)
        text = ""
    if text:
        return text
    try:
        return _strip_tags(html)
    except Exception:  # lxml refuses some documents outright (e.g. only a NUL byte)
        logger.warning("tag-strip failed; returning no text", exc_info=True)
        return ""


@dataclass(frozen=True)
class PageMetadata:
    """What a page says about itself, as written there (the caller parses the date)."""

    title: str = ""
    published: str = ""


# Meta tags naming the publication time, most specific first (Open Graph article, schema.org
# microdata, Dublin Core, the common CMS names).
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time", "datepublished",
    "dc.date.issued", "dcterms.issued", "dc.date", "parsely-pub-date", "sailthru.date", "pubdate",
    "publishdate", "publish-date", "date",
)  # fmt: skip
_TITLE_META = ("og:title", "twitter:title", "headline", "dc.title")
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "webpage", "report"}


def _meta_values(root) -> dict[str, str]:
    """Each meta tag's content by its property, name or itemprop (lower-cased; the first one wins)."""
    values: dict[str, str] = {}
    for meta in root.iter("meta"):
        content = (meta.get("content") or "").strip()
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key and content:
                values.setdefault(key, content)
    return values


def _json_ld_objects(root) -> Iterator[dict]:
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue  # a page's broken JSON-LD is its problem, not the upload's
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))


def _json_ld(root) -> PageMetadata:
    """The article object's headline and datePublished (any object with a datePublished, failing that)."""
    dated = [item for item in _json_ld_objects(root) if isinstance(item.get("datePublished"), str)]

    def is_article(item: dict) -> bool:
        kinds = item.get("@type")
        return bool(
            {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])} & _ARTICLE_TYPES
        )

    for item in sorted(dated, key=lambda item: not is_article(item)):  # stable: page order otherwise
        if item["datePublished"].strip():
            headline = item.get("headline")
            return PageMetadata(
                headline.strip() if isinstance(headline, str) else "", item["datePublished"].strip()
            )
    return PageMetadata()


def _time_element(root) -> str:
    """A ``<time datetime>``: the one marked as the publication time, else the first."""
    found = [t for t in root.iter("time") if (t.get("datetime") or "").strip()]
    marked = [
        t for t in found if t.get("pubdate") is not None or "published" in (t.get("itemprop") or "").lower()
    ]
    return ((marked or found)[0].get("datetime") or "").strip() if found else ""


def page_metadata(html: str) -> PageMetadata:
    """The page's own title and publication time, from its meta tags, JSON-LD or ``<time>``.

    Never raises: a page without them (or one lxml refuses) gives empty strings.
    """
    if not html or not html.strip():
        return PageMetadata()
    try:
        root = lxml_html.document_fromstring(html)
    except Exception:  # lxml refuses some documents outright
        return PageMetadata()
    meta = _meta_values(root)
    ld = _json_ld(root)
    published = next((meta[k] for k in _PUBLISHED_META if meta.get(k)), "") or ld.published
    published = published or _time_element(root)
    title = next((meta[k] for k in _TITLE_META if meta.get(k)), "") or ld.title
    return PageMetadata(re.sub(r"\s+", " ", title).strip(), published)
