"""Pipeline step 3: repetition, of whole blocks and, once blocks are split into sentences, of sentences.

A block seen before (exactly, or nearly when long) goes as "repeated"; so
does a sentence of four words or more seen before.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from compare.nlp.cleaning.block_work import Editor, Work, remove
from compare.nlp.text.normalize import text_key
from compare.nlp.text.segment import split_sentences
from compare.nlp.text.shape import words

# Repeated sentences shorter than this may be legitimate ("No comment.").
_MIN_REPEATED_SENTENCE_WORDS = 4
# Blocks this long are compared fuzzily, to catch a copy with a typo fixed.
_FUZZY_MIN_WORDS = 8
_FUZZY_CUTOFF = 95.0


def remove_repeated_blocks(works: list[Work], text: str, editor: Editor) -> None:
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


def segment_blocks(works: list[Work], text: str, editor: Editor) -> None:
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
