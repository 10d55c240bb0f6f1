"""Text normalisation and block splitting: the first step of the cleaning pipeline.

``normalize_text`` makes pasted or scraped text uniform without changing what
was said: Unicode NFC, one kind of space and line break, no invisible
characters, no trailing whitespace, at most one blank line in a row. Every
later step (furniture rules, repetition, sentence spans, removals) works on
its output, so its offsets are the ones editors see.

``split_blocks`` cuts normalised text into blocks: one block per non-empty
line. Scraped pages and pasted articles put one paragraph, caption or button
label per line, so a line is the unit that furniture rules judge.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Odd spaces become a plain space: no-break, thin, hair, ideographic, tabs...
_ODD_SPACES = re.compile(r"[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that carry no meaning in news text: zero-width space,
# word joiner, BOM, soft hyphen, Mongolian vowel separator, bidi marks/embeddings.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# ZWJ/ZWNJ spell words in Persian, Hindi and emoji; drop them only between
# ASCII characters (or at a line edge), where they are scraping debris.
_ASCII_JOINERS = re.compile(r"(?<![^\x00-\x7f])[\u200c\u200d](?![^\x00-\x7f])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SPACE_RUNS = re.compile(r" {2,}")
_BLANK_RUNS = re.compile(r"\n{3,}")
# A hard-wrapped line: ends inside a sentence, and the next line goes on in lower case.
_HARD_WRAP = re.compile(r"(?<=[a-z,;])\n(?=[a-z])")


@dataclass(frozen=True)
class Block:
    """One non-empty line of normalised text and where it stands."""

    index: int
    start: int
    end: int
    text: str


def normalize_text(raw: str) -> str:
    """Make text uniform without changing its words.

    Args:
        raw: pasted or extracted article text, in any state.
    Returns:
        NFC text with ``\\n`` line breaks, single spaces, stripped lines, at most
        one blank line between blocks, hard-wrapped lines re-joined, and no
        leading or trailing whitespace.
    """
    text = _LINE_BREAKS.sub("\n", raw)
    text = _CONTROL.sub("", text)
    text = _ODD_SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _ASCII_JOINERS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_RUNS.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _HARD_WRAP.sub(" ", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def split_blocks(text: str) -> list[Block]:
    """Cut normalised text into its non-empty lines, keeping their offsets.

    Args:
        text: output of ``normalize_text`` (lines already stripped).
    Returns:
        Blocks in order, numbered from 0, with ``text[start:end] == block.text``.
    """
    blocks: list[Block] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            blocks.append(Block(len(blocks), offset, offset + len(line), line))
        offset += len(line) + 1
    return blocks


def text_key(text: str) -> str:
    """A comparison key: case-folded words only, so punctuation and case slips still match."""
    return " ".join(re.findall(r"\w+", text.casefold()))
