"""From raw article text to kept paragraphs and typed sentence spans.

``process_text`` runs these steps, each a function below:

1. normalise the text and cut it into blocks, one per non-empty line;
2. line rules, block by block: editor marks, a phrase doubled on the line, a
   caption label or photo credit at its edges, then ``cleaning.classify_line``
   (with bylines under the headline, and items listed under "Related Topics");
3. repetition: a block seen before, then, once blocks are split into
   sentences, a sentence of four words or more seen before;
4. the end of the page: teasers for other stories (``cleaning.find_teasers``,
   with an on-topic flag from the encoder's embeddings when there is one);
5. structure: headline, standfirst, crossheads ("heading") and body;
6. assembly of ``cleaned_text`` with exact sentence spans.

Every removal keeps its exact text and span in the normalised text, so an
editor can see why something went and restore it (``keep_blocks``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from compare.nlp.cleaning import (
    MARKER_REASONS,
    REASONS,
    Removal,
    classify_line,
    doubled_unit_end,
    find_teasers,
    has_terminal_punctuation,
    is_bare_name,
    is_body_like,
    looks_like_heading,
    strip_credit,
    words,
)
from compare.nlp.embedding import Encoder
from compare.nlp.normalize import Block, normalize_text, split_blocks, text_key
from compare.nlp.segment import split_sentences

__all__ = ["REASONS", "ProcessedArticle", "Removal", "SentenceSpan", "process_text"]

# Repeated sentences shorter than this may be legitimate ("No comment.").
_MIN_REPEATED_SENTENCE_WORDS = 4
# Blocks this long are compared fuzzily, to catch a copy with a typo fixed.
_FUZZY_MIN_WORDS = 8
_FUZZY_CUTOFF = 95.0
# Off topic: less than this share of the body's median similarity to the centroid.
_OFF_TOPIC_RATIO = 0.5
# Fewer body paragraphs than this give no reliable centroid.
_MIN_CORE_FOR_TOPIC = 3
_TITLE_CUTOFF = 90.0
# List headers, and the reason their items are removed under.
_LIST_HEADERS = {"more-stories": "teaser", "tags": "tags"}
_LIST_HEADER_MAX_WORDS = 6
_LIST_ITEM_MAX_WORDS = 12
# A given title is looked for among the first blocks; short lines above it are navigation.
_TITLE_SEARCH_BLOCKS = 6
_NAVIGATION_MAX_WORDS = 8
_KICKER_MAX_WORDS = 2
# Header furniture that shows a bare name beside it is a byline.
_BESIDE_BYLINES = frozenset({"timestamp", "reading-time", "byline", "share-button"})
# Furniture that also sits between body paragraphs, so it does not set a standfirst apart.
_NOT_HEADER_FURNITURE = frozenset({None, "advert", "related-link", "repeated", "editor-marked", "teaser"})
_HEADLINE_MAX_WORDS = 25
_STANDFIRST_MAX_WORDS = 60


@dataclass(frozen=True)
class SentenceSpan:
    """One kept sentence and where it stands in ``cleaned_text``."""

    index: int
    text: str
    paragraph: int
    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class ProcessedArticle:
    """The cleaned article, its sentences and everything that was taken out."""

    title: str
    normalized_text: str
    cleaned_text: str
    paragraphs: list[str]
    sentences: list[SentenceSpan]
    removed: list[Removal]


@dataclass
class Work:
    """The mutable state of one block while the pipeline runs (offsets are in the normalised text)."""

    block: Block
    start: int
    end: int
    protected: bool = False
    removals: list[Removal] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    kind: str = "body"
    # A label or credit was stripped from the line: it is a photo caption.
    caption: bool = False

    @property
    def kept(self) -> bool:
        return self.start < self.end

    @property
    def whole_reason(self) -> str | None:
        """The reason when the block went entirely (its last removal), else None."""
        return self.removals[-1].reason if self.removals and not self.kept else None

    def drop(self) -> None:
        self.end = self.start
        self.sentences = []


class _Editor:
    """The editor's choices, compared by text key so spacing and case do not matter."""

    def __init__(self, keep: Collection[str], drop: Collection[str]):
        self.keep = {text_key(normalize_text(t)) for t in keep} - {""}
        self.drop = {text_key(normalize_text(t)) for t in drop} - {""}

    def protects(self, text: str) -> bool:
        return text_key(text) in self.keep

    def drops(self, text: str) -> bool:
        return text_key(text) in self.drop


def remove(work: Work, text: str, reason: str, start: int, end: int, editor: _Editor | None = None) -> bool:
    """Record the removal of ``text[start:end]`` unless the editor restored it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return True
    if editor is not None and reason != "editor-marked" and editor.protects(text[start:end]):
        return False
    work.removals.append(Removal(text[start:end], reason, work.block.index, start, end))
    return True


def _strip_line_edges(work: Work, text: str, editor: _Editor) -> None:
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


def _apply_line_rules(work: Work, text: str, editor: _Editor, in_header: bool) -> None:
    """Editor marks first, then the line's edges, then the whole-line rules."""
    if editor.drops(work.block.text):
        remove(work, text, "editor-marked", work.start, work.end)
        work.drop()
        return
    work.protected = editor.protects(work.block.text)
    if work.protected:
        return
    _strip_line_edges(work, text, editor)
    line = text[work.start : work.end]
    if not line:
        return
    reason = "editor-marked" if editor.drops(line) else classify_line(line, in_header=in_header)
    if reason and remove(work, text, reason, work.start, work.end, editor):
        work.drop()


def _apply_all_line_rules(works: list[Work], text: str, editor: _Editor) -> None:
    """Line rules for every block; the header runs from below the headline to the first body paragraph.

    The headline is taken to be the first kept line that is not a section label.
    """
    below_headline = in_body = False
    header: list[Work] = []
    for work in works:
        if below_headline and not in_body:
            header.append(work)
        _apply_line_rules(work, text, editor, in_header=below_headline and not in_body)
        if work.kept:
            line = text[work.start : work.end]
            below_headline = below_headline or not _is_kicker(line)
            in_body = in_body or is_body_like(line)
    _remove_bare_bylines(header, works, text, editor)


def _remove_bare_bylines(header: list[Work], works: list[Work], text: str, editor: _Editor) -> None:
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


def _remove_lists_after_headers(works: list[Work], text: str, editor: _Editor) -> None:
    """Short title-like lines under "More on this story" or "Related Topics" are that list's items.

    The list ends at the first kept line that reads as prose; removed lines in
    between (dates, credits) do not end it.
    """
    reason: str | None = None
    for work in works:
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


def _remove_repeated_blocks(works: list[Work], text: str, editor: _Editor) -> None:
    """A block seen before (exactly, or nearly when long) goes as 'repeated'."""
    seen: list[str] = []
    exact: set[str] = set()
    for work in works:
        if not work.kept:
            continue
        key = text_key(text[work.start : work.end])
        repeated = key in exact
        if not repeated and len(words(key)) >= _FUZZY_MIN_WORDS and seen:
            repeated = (
                process.extractOne(key, seen, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF) is not None
            )
        if repeated and not work.protected and remove(work, text, "repeated", work.start, work.end, editor):
            work.drop()
            continue
        seen.append(key)
        exact.add(key)


def _segment(works: list[Work], text: str, editor: _Editor) -> None:
    """Split kept blocks into sentences; drop editor-marked and repeated sentences."""
    seen: set[str] = set()
    for work in works:
        if not work.kept:
            continue
        spans = split_sentences(text[work.start : work.end])
        for start, end in ((work.start + a, work.start + b) for a, b in spans):
            sentence = text[start:end]
            key = text_key(sentence)
            if editor.drops(sentence):
                remove(work, text, "editor-marked", start, end)
                continue
            repeated = key in seen and len(words(sentence)) >= _MIN_REPEATED_SENTENCE_WORDS
            if repeated and not work.protected and remove(work, text, "repeated", start, end, editor):
                continue
            seen.add(key)
            work.sentences.append((start, end))
        if not work.sentences:
            work.drop()


def _paragraph(work: Work, text: str) -> tuple[str, list[tuple[int, int]]]:
    """A kept block's paragraph text and its sentences' spans inside it.

    Sentences that were next to each other keep the text between them; a gap
    left by a removed sentence becomes one space.
    """
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    previous_end: int | None = None
    for start, end in work.sentences:
        if previous_end is not None:
            between = text[previous_end:start]
            gap = between if not between.strip() else " "
            parts.append(gap)
            length += len(gap)
        parts.append(text[start:end])
        spans.append((length, length + end - start))
        length += end - start
        previous_end = end
    return "".join(parts), spans


def _assemble(works: list[Work], text: str, title: str) -> ProcessedArticle:
    paragraphs: list[str] = []
    sentences: list[SentenceSpan] = []
    offset = 0
    for work in (w for w in works if w.kept):
        paragraph, spans = _paragraph(work, text)
        if paragraphs:
            offset += 2  # the "\n\n" joining paragraphs
        for start, end in spans:
            sentences.append(
                SentenceSpan(
                    len(sentences),
                    paragraph[start:end],
                    len(paragraphs),
                    offset + start,
                    offset + end,
                    work.kind,
                )
            )
        paragraphs.append(paragraph)
        offset += len(paragraph)
    removed = sorted((r for w in works for r in w.removals), key=lambda r: (r.start, r.end))
    return ProcessedArticle(title, text, "\n\n".join(paragraphs), paragraphs, sentences, removed)


def _similarity_to_others(vectors: np.ndarray, members: list[int]) -> np.ndarray:
    """Cosine of each row to the mean of the members, leaving a member itself out.

    Leaving itself out matters for short articles: with a handful of members,
    a block's similarity to a mean that includes it mostly measures itself.
    """
    total = vectors[members].sum(axis=0)
    others = np.repeat(total[None, :], len(vectors), axis=0)
    others[members] -= vectors[members]
    norms = np.linalg.norm(others, axis=1)
    norms[norms == 0] = 1.0
    return np.einsum("ij,ij->i", vectors, others) / norms


def _blocks_to_judge(works: list[Work], text: str) -> tuple[list[int], list[int]]:
    """The kept blocks worth embedding, and which of them are body paragraphs.

    Body-like paragraphs and the first kept block (the likely headline) make
    the reference; other blocks matter only after furniture that follows the
    body, where teasers live. With no such furniture nothing is embedded.
    """
    kept = [i for i, w in enumerate(works) if w.kept]
    body = [i for i in kept if is_body_like(text[works[i].start : works[i].end])]
    if not body:
        return [], []
    marker = next((i for i in range(body[0], len(works)) if works[i].whole_reason in MARKER_REASONS), None)
    if marker is None:
        return [], []
    judged = sorted({kept[0], *body} | {i for i in kept if i > marker})
    return judged, [judged.index(i) for i in body]


def _on_topic(works: list[Work], text: str, encoder: Encoder | None) -> list[bool]:
    """Whether each block is close to the article's own content, by embedding.

    The reference is the headline with the body paragraphs, computed twice so
    that a long off-topic teaser cannot pull it away. The threshold is
    relative to how close the body itself is, so it suits any encoder.
    Without an encoder, or with too little body to judge, every block counts
    as on topic.
    """
    on_topic = [True] * len(works)
    judged, body = _blocks_to_judge(works, text) if encoder is not None else ([], [])
    if encoder is None or len(body) < _MIN_CORE_FOR_TOPIC:
        return on_topic
    vectors = np.asarray(
        encoder.encode([text[works[i].start : works[i].end] for i in judged]), dtype=np.float32
    )
    members = sorted({0, *body})
    for _ in range(2):
        similarity = _similarity_to_others(vectors, members)
        threshold = _OFF_TOPIC_RATIO * float(np.median(similarity[body]))
        members = [k for k in members if similarity[k] >= threshold] or members
    for k, i in enumerate(judged):
        on_topic[i] = bool(similarity[k] >= threshold)
    return on_topic


def _remove_teasers(works: list[Work], text: str, encoder: Encoder | None, editor: _Editor) -> None:
    texts = [text[w.start : w.end] if w.kept else "" for w in works]
    reasons = [w.whole_reason for w in works]
    for index in sorted(find_teasers(texts, reasons, _on_topic(works, text, encoder))):
        work = works[index]
        if not work.protected and remove(work, text, "teaser", work.start, work.end, editor):
            work.drop()


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


def _remove_above(kept: list[Work], position: int, text: str, editor: _Editor) -> None:
    """Remove the blocks above the headline as site navigation (sections, kickers)."""
    for other in (w for w in kept[:position] if not w.protected):
        if remove(other, text, "navigation", other.start, other.end, editor):
            other.drop()


def _is_kicker(line: str) -> bool:
    """A section label or kicker above a headline: "World", "Middle East", "EXCLUSIVE"."""
    tokens = words(line)
    return 0 < len(tokens) <= _KICKER_MAX_WORDS and all(t[:1].isupper() for t in tokens)


def _find_headline(works: list[Work], text: str, title: str | None, editor: _Editor) -> Work | None:
    """The headline block, removing site navigation and kickers above it.

    With a known title, the block matching it among the first few is the
    headline, and short lines above it are navigation. Otherwise the first
    title-shaped block is, after any capitalised one- or two-word labels.
    """
    kept = [w for w in works if w.kept]
    lines = [text[w.start : w.end] for w in kept]
    if title:
        for position, line in enumerate(lines[:_TITLE_SEARCH_BLOCKS]):
            if _matches_title(line, title):
                if all(len(words(above)) <= _NAVIGATION_MAX_WORDS for above in lines[:position]):
                    _remove_above(kept, position, text, editor)
                return kept[position]
    position = 0
    while position < min(len(kept) - 1, _TITLE_SEARCH_BLOCKS) and _is_kicker(lines[position]):
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
    next_kept = next((w.block.index for w in after if w.kept), len(works))
    return any(w.whole_reason not in _NOT_HEADER_FURNITURE for w in after if w.block.index < next_kept)


def _as_one_sentence(work: Work) -> None:
    """Headlines, standfirsts and crossheads are one unit, whatever their full stops."""
    first, last = work.sentences[0][0], work.sentences[-1][1]
    if not any(first < r.end and r.start < last for r in work.removals):
        work.sentences = [(first, last)]


def _assign_kinds(works: list[Work], text: str, title: str | None, editor: _Editor) -> str:
    """Mark headline, standfirst, crossheads and body; return the headline text.

    Photo captions stay body, whatever their shape.
    """
    headline = _find_headline(works, text, title, editor)
    if headline is not None:
        headline.kind = "headline"
        below = [w for w in works if w.kept and w.block.index > headline.block.index and not w.caption]
        if below and _is_standfirst(below[0], works, text):
            below[0].kind = "standfirst"
    for work in (w for w in works if w.kept):
        line = text[work.start : work.end]
        if work.kind == "body" and not work.caption and len(work.sentences) == 1 and looks_like_heading(line):
            work.kind = "heading"
        if work.kind != "body":
            _as_one_sentence(work)
    return text[headline.start : headline.end] if headline is not None else ""


def process_text(
    raw: str,
    *,
    encoder: Encoder | None = None,
    title: str | None = None,
    keep_blocks: Collection[str] = (),
    drop_texts: Collection[str] = (),
) -> ProcessedArticle:
    """Clean an article and split it into typed sentences.

    Args:
        raw: the article as pasted or extracted from HTML.
        encoder: sentence embeddings for the off-topic signal at the end of the
            page; None falls back to shape and position rules.
        title: a known title; the block matching it becomes the headline.
        keep_blocks: texts an editor restored; they are never removed.
        drop_texts: block or sentence texts an editor marked as furniture.
    Returns:
        A ProcessedArticle whose sentence spans index ``cleaned_text`` and whose
        removal spans index ``normalized_text``.
    """
    text = normalize_text(raw)
    editor = _Editor(keep_blocks, drop_texts)
    works = [Work(block, block.start, block.end) for block in split_blocks(text)]
    _apply_all_line_rules(works, text, editor)
    _remove_lists_after_headers(works, text, editor)
    _remove_repeated_blocks(works, text, editor)
    _segment(works, text, editor)
    _remove_teasers(works, text, encoder, editor)
    headline = _assign_kinds(works, text, title, editor)
    return _assemble(works, text, headline)
