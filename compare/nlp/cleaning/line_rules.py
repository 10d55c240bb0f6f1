"""Pipeline step 2: the line rules, applied block by block.

Editor marks first, then a phrase doubled on the line and a caption label or
photo credit at its edges (``line_edges``), then ``cleaning.classify_line``.
Two rules look beyond one line: a bare name beside header furniture is a
byline, and short lines listed under "More on this story" or "Related
Topics" are that list's items.
"""

from __future__ import annotations

from compare.nlp.cleaning.block_work import Editor, Work, remove
from compare.nlp.cleaning.credits import CREDIT, is_credit_line
from compare.nlp.cleaning.line_edges import doubled_unit_end, strip_credit
from compare.nlp.cleaning.rules import classify_line, is_bare_name
from compare.nlp.cleaning.structure import is_kicker
from compare.nlp.text.shape import is_body_like, looks_like_heading, words

# List headers, and the reason their items are removed under.
_LIST_HEADERS = {"more-stories": "teaser", "tags": "tags"}
_LIST_HEADER_MAX_WORDS = 6
_LIST_ITEM_MAX_WORDS = 12
# Header furniture that shows a bare name beside it is a byline.
_BESIDE_BYLINES = frozenset({"timestamp", "reading-time", "byline", "share-button"})


def _strip_line_edges(work: Work, text: str, editor: Editor) -> None:
    """Take off extra copies of a doubled phrase, a caption label and a trailing photo credit."""
    block = work.block
    unit_end = doubled_unit_end(block.text)
    if unit_end is not None and remove(
        work, text, "doubled-phrase", block.start + unit_end, block.end, editor
    ):
        work.end = block.start + unit_end
    keep_start, keep_end = strip_credit(text[work.start : work.end])
    if keep_start and remove(work, text, "photo-credit", work.start, work.start + keep_start, editor):
        work.start += keep_start
        keep_end -= keep_start
    credit = work.start + keep_end < work.end
    if credit and remove(work, text, "photo-credit", work.start + keep_end, work.end, editor):
        work.end = work.start + keep_end
    # What is left of a line that carried a label or credit is a photo caption.
    work.caption = any(r.reason == "photo-credit" for r in work.removals) and work.kept


def _apply_line_rules(work: Work, text: str, editor: Editor, in_header: bool) -> None:
    """Editor marks first, then the line's edges, then the whole-line rules."""
    if editor.drops(work.block.text):
        remove(work, text, "editor-marked", work.start, work.end)
        work.drop()
        return
    work.protected = editor.protects(work.block.text)
    if is_credit_line(work.block.text.strip()):
        work.kind = CREDIT  # kept whole, as the article's credit: attribution is not furniture
        return
    if work.protected:
        work.restored_as = classify_line(text[work.start : work.end].strip(), in_header=in_header)
        return
    _strip_line_edges(work, text, editor)
    line = text[work.start : work.end]
    if not line:
        return
    reason = "editor-marked" if editor.drops(line) else classify_line(line, in_header=in_header)
    if reason and remove(work, text, reason, work.start, work.end, editor):
        work.drop()


def apply_all_line_rules(works: list[Work], text: str, editor: Editor) -> None:
    """Line rules for every block; the header runs from below the headline to the first body paragraph.

    The headline is taken to be the first kept line that is not a section label.
    """
    below_headline = in_body = False
    header: list[Work] = []
    for work in works:
        if below_headline and not in_body:
            header.append(work)
        _apply_line_rules(work, text, editor, in_header=below_headline and not in_body)
        if work.kept and not work.is_credit:  # a credit is no headline and no body
            line = text[work.start : work.end]
            below_headline = below_headline or not is_kicker(line)
            in_body = in_body or is_body_like(line)
    _remove_bare_bylines(header, works, text, editor)


def _remove_bare_bylines(header: list[Work], works: list[Work], text: str, editor: Editor) -> None:
    """A bare name under the headline is a byline when dates or reading times sit next to it.

    Alone, "Jane Doe" could be a deck in title case; beside a timestamp it is the author.
    """
    for work in header:
        if not work.kept or work.protected or not is_bare_name(text[work.start : work.end]):
            continue
        index = work.block.index
        neighbours = works[max(index - 1, 0) : index] + works[index + 1 : index + 2]
        beside = any(w.whole_reason in _BESIDE_BYLINES for w in neighbours)
        if beside and remove(work, text, "byline", work.start, work.end, editor):
            work.drop()


def remove_lists_after_headers(works: list[Work], text: str, editor: Editor) -> None:
    """Short title-like lines under "More on this story" or "Related Topics" are that list's items.

    The list ends at the first kept line that reads as prose; removed lines in
    between (dates, photo credits) and credit lines do not end it.
    """
    reason: str | None = None
    for work in works:
        if work.is_credit:  # a credit between the items neither ends the list nor is an item
            continue
        if not work.kept:
            header = work.whole_reason in _LIST_HEADERS and len(work.removals) == 1
            heading_text = work.removals[-1].text if work.removals else ""
            if (
                header
                and len(words(heading_text)) <= _LIST_HEADER_MAX_WORDS
                and not heading_text[:-1].count(":")
            ):
                reason = _LIST_HEADERS[work.whole_reason or ""]
            continue
        line = text[work.start : work.end]
        if reason is None or work.protected or not looks_like_heading(line, max_words=_LIST_ITEM_MAX_WORDS):
            reason = None
            continue
        if remove(work, text, reason, work.start, work.end, editor):
            work.drop()
