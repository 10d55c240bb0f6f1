"""HTML to article text, one paragraph per line, ready for ``process_text``.

trafilatura finds the main content and drops most navigation; when it finds
nothing (tiny pages, odd markup) a safe tag-strip takes over: scripts, styles,
forms and comments are removed with lxml_html_clean and block elements become
line breaks. Hostile or broken HTML never raises: the worst case is "".
"""

from __future__ import annotations

import logging
import re

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
