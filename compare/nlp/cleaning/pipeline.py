"""From raw article text to kept paragraphs and typed sentence spans.

``process_text`` runs these steps, each in its own module:

1. normalise the text and cut it into blocks, one per non-empty line
   (``normalize``);
2. line rules, block by block (``line_rules``): editor marks, a phrase
   doubled on the line, a caption label or photo credit at its edges, then
   ``cleaning.classify_line`` (with bylines under the headline, and items
   listed under "Related Topics");
3. repetition (``repetition``): a block seen before, then, once blocks are
   split into sentences, a sentence of four words or more seen before;
4. the end of the page (``topic``): teasers for other stories
   (``teasers.find_teasers``, with an on-topic flag from the encoder's
   embeddings when there is one);
5. structure (``structure``): headline, standfirst, crossheads ("heading")
   and body;
6. assembly of ``cleaned_text`` with exact sentence spans (below).

Every removal keeps its exact text and span in the normalised text, so an
editor can see why something went and restore it (``keep_blocks``).
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass, replace

from compare.nlp.cleaning.block_work import Editor, Work
from compare.nlp.cleaning.line_rules import apply_all_line_rules, remove_lists_after_headers
from compare.nlp.cleaning.repetition import remove_repeated_blocks, segment_blocks
from compare.nlp.cleaning.rules import REASONS, Removal
from compare.nlp.cleaning.structure import assign_kinds
from compare.nlp.cleaning.topic import remove_teasers
from compare.nlp.embedding.encoders import Encoder
from compare.nlp.text.normalize import normalize_text, split_blocks

__all__ = ["REASONS", "ProcessedArticle", "Removal", "SentenceSpan", "process_text"]


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
    text, segmented = _segmented(raw, tuple(keep_blocks), tuple(drop_texts))
    works = [replace(w, removals=list(w.removals), sentences=list(w.sentences)) for w in segmented]
    editor = Editor(keep_blocks, drop_texts)
    remove_teasers(works, text, encoder, editor)
    headline = assign_kinds(works, text, title, editor)
    return _assemble(works, text, headline)


# Steps 1-3 depend on neither the encoder nor the title: bulk import runs them
# once without the model (to know what to encode), then again with it.
_CACHED_MAX_CHARS = 100_000  # longer texts are rare and would swell the cache


def _segmented(
    raw: str, keep_blocks: tuple[str, ...], drop_texts: tuple[str, ...]
) -> tuple[str, tuple[Work, ...]]:
    """Steps 1-3, from a cache for texts of ordinary length. Callers must copy the Works they change."""
    if len(raw) > _CACHED_MAX_CHARS:
        return _segment_text(raw, keep_blocks, drop_texts)
    return _cached_segment_text(raw, keep_blocks, drop_texts)


def _segment_text(
    raw: str, keep_blocks: tuple[str, ...], drop_texts: tuple[str, ...]
) -> tuple[str, tuple[Work, ...]]:
    text = normalize_text(raw)
    editor = Editor(keep_blocks, drop_texts)
    works = [Work(block, block.start, block.end) for block in split_blocks(text)]
    apply_all_line_rules(works, text, editor)
    remove_lists_after_headers(works, text, editor)
    remove_repeated_blocks(works, text, editor)
    segment_blocks(works, text, editor)
    return text, tuple(works)


_cached_segment_text = functools.lru_cache(maxsize=128)(_segment_text)
