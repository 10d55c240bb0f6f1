"""The shape of a line of text: its words, whether it ends like a sentence, whether it reads as a heading.

Small helpers shared by the line rules (``cleaning``), the end-of-page rules
(``teasers``) and the pipeline's structure step.
"""

from __future__ import annotations

import re


def words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)


# A full stop, question or exclamation mark, maybe inside closing quotes (spaced, in some copy).
_TERMINAL = re.compile(r"[.!?…](?:\s?[\"'”’»)\]])*$")


def has_terminal_punctuation(text: str) -> bool:
    return bool(_TERMINAL.search(text))


def looks_like_heading(text: str, max_words: int = 16) -> bool:
    """Short, no terminal punctuation, not a lead-in ending with ':' or ','."""
    n = len(words(text))
    return 0 < n <= max_words and not has_terminal_punctuation(text) and not text.endswith((":", ",", ";"))


# Body paragraphs are long sentences; teaser headlines rarely reach this.
BODY_MIN_WORDS = 15


def is_body_like(text: str) -> bool:
    """A paragraph that reads as article prose: long, and ending like a sentence."""
    return len(words(text)) >= BODY_MIN_WORDS and has_terminal_punctuation(text)
