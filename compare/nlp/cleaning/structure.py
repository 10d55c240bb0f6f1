"""Pipeline step 5: structure, marking each kept block headline, standfirst, heading (crosshead) or body.

``assign_kinds`` finds the headline (by a known title, or by shape after
any kicker), removes site navigation above it, and marks the standfirst
below it and the crossheads in the body.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from compare.nlp.cleaning.block_work import Editor, Work, remove
from compare.nlp.text.normalize import text_key
from compare.nlp.text.shape import has_terminal_punctuation, looks_like_heading, words

_TITLE_CUTOFF = 90.0
# A given title is looked for among the first blocks; short lines above it are navigation.
_TITLE_SEARCH_BLOCKS = 6
_NAVIGATION_MAX_WORDS = 8
_KICKER_MAX_WORDS = 2
# Furniture that also sits between body paragraphs, so it does not set a standfirst apart.
_NOT_HEADER_FURNITURE = frozenset({None, "advert", "related-link", "repeated", "editor-marked", "teaser"})
_HEADLINE_MAX_WORDS = 25
_STANDFIRST_MAX_WORDS = 60


def _matches_title(line: str, title: str) -> bool:
    """Equal or nearly so, or the line is most of a page title ("Headline | Site")."""
    a, b = text_key(line), text_key(title)
    if not a or not b:
        return False
    return a == b or fuzz.ratio(a, b) >= _TITLE_CUTOFF or (a in b and len(a) >= 0.6 * len(b))


def _looks_like_headline(line: str) -> bool:
    """Short and not ending with a full stop (a question or exclamation is fine)."""
    bare = line.rstrip("\"'”’»)] ")
    return 0 < len(words(line)) <= _HEADLINE_MAX_WORDS and not bare.endswith((".", ":", ",", ";", "…"))


def _remove_above(kept: list[Work], position: int, text: str, editor: Editor) -> None:
    """Remove the blocks above the headline as site navigation (sections, kickers)."""
    for other in (w for w in kept[:position] if not w.protected):
        if remove(other, text, "navigation", other.start, other.end, editor):
            other.drop()


def is_kicker(line: str) -> bool:
    """A section label or kicker above a headline: "World", "Middle East", "EXCLUSIVE"."""
    tokens = words(line)
    return 0 < len(tokens) <= _KICKER_MAX_WORDS and all(t[:1].isupper() for t in tokens)


def _find_headline(works: list[Work], text: str, title: str | None, editor: Editor) -> Work | None:
    """The headline block, removing site navigation and kickers above it.

    With a known title, the block matching it among the first few is the
    headline, and short lines above it are navigation. Otherwise the first
    title-shaped block is, after any capitalised one- or two-word labels.
    """
    kept = [w for w in works if w.kept and not w.is_credit]
    lines = [text[w.start : w.end] for w in kept]
    if title:
        for position, line in enumerate(lines[:_TITLE_SEARCH_BLOCKS]):
            if _matches_title(line, title):
                if all(len(words(above)) <= _NAVIGATION_MAX_WORDS for above in lines[:position]):
                    _remove_above(kept, position, text, editor)
                return kept[position]
    position = 0
    while position < min(len(kept) - 1, _TITLE_SEARCH_BLOCKS) and is_kicker(lines[position]):
        position += 1
    candidate = kept[position] if position < len(kept) - 1 else None
    if candidate is None or candidate.caption or not _looks_like_headline(lines[position]):
        return None
    _remove_above(kept, position, text, editor)
    return candidate


def _is_standfirst(work: Work, works: list[Work], text: str) -> bool:
    """A single sentence under the headline, set apart: no final stop, or furniture right after it.

    Scraped pages put the share bar, the reading time or the byline between
    the standfirst and the body, so furniture there marks the end of the
    standfirst; a lead paragraph runs straight into the next paragraph.
    """
    line = text[work.start : work.end]
    if len(work.sentences) != 1 or len(words(line)) > _STANDFIRST_MAX_WORDS:
        return False
    if not has_terminal_punctuation(line):
        return True
    after = works[work.block.index + 1 :]
    # Restored furniture ("2 min read" an editor kept) still sets the standfirst apart.
    next_kept = next(
        (w.block.index for w in after if w.kept and w.restored_as is None and not w.is_credit), len(works)
    )
    return any(
        (w.signal or w.restored_as) not in _NOT_HEADER_FURNITURE for w in after if w.block.index < next_kept
    )


def _as_one_sentence(work: Work) -> None:
    """Headlines, standfirsts and crossheads are one unit, whatever their full stops."""
    first, last = work.sentences[0][0], work.sentences[-1][1]
    if not any(first < r.end and r.start < last for r in work.removals):
        work.sentences = [(first, last)]


def assign_kinds(works: list[Work], text: str, title: str | None, editor: Editor) -> str:
    """Mark headline, standfirst, crossheads and body; return the headline text.

    Photo captions stay body, whatever their shape; credit lines stay credits
    (one unit each, like a crosshead).
    """
    headline = _find_headline(works, text, title, editor)
    if headline is not None:
        headline.kind = "headline"
        below = [
            w
            for w in works
            if w.kept and w.block.index > headline.block.index and not w.caption and not w.is_credit
        ]
        if below and _is_standfirst(below[0], works, text):
            below[0].kind = "standfirst"
    for work in (w for w in works if w.kept):
        line = text[work.start : work.end]
        if (
            work.kind == "body"
            and not work.caption
            and work.restored_as is None  # restored furniture is kept as written, not promoted
            and len(work.sentences) == 1
            and looks_like_heading(line)
        ):
            work.kind = "heading"
        if work.kind != "body":
            _as_one_sentence(work)
    return text[headline.start : headline.end] if headline is not None else ""
