"""The working state of each block while the cleaning pipeline runs, and the editor's choices.

``Work`` holds one block's kept span, its removals and sentences; ``remove``
is the one way a step records a removal, so that every removal keeps its
exact text and span and an editor's restored text is never taken out.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from compare.nlp.cleaning.credits import CREDIT
from compare.nlp.cleaning.rules import Removal
from compare.nlp.text.normalize import Block, normalize_text, text_key


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
    # The furniture a line rule takes the block for, when the editor restored it anyway: the
    # block is kept as written (body text), and still marks the end of the header.
    restored_as: str | None = None

    @property
    def kept(self) -> bool:
        return self.start < self.end

    @property
    def whole_reason(self) -> str | None:
        """The reason when the block went entirely (its last removal), else None."""
        return self.removals[-1].reason if self.removals and not self.kept else None

    @property
    def is_credit(self) -> bool:
        return self.kind == CREDIT and self.kept

    @property
    def signal(self) -> str | None:
        """What the block tells the rules about the page around it: why it went, or "credit".

        A credit line is kept, but it still closes the article and sets a
        standfirst apart, as it did when it was removed as furniture.
        """
        return CREDIT if self.is_credit else self.whole_reason

    def drop(self) -> None:
        self.end = self.start
        self.sentences = []


class Editor:
    """The editor's choices, compared by text key so spacing and case do not matter."""

    def __init__(self, keep: Collection[str], drop: Collection[str]):
        self.keep = {text_key(normalize_text(t)) for t in keep} - {""}
        self.drop = {text_key(normalize_text(t)) for t in drop} - {""}

    def protects(self, text: str) -> bool:
        return text_key(text) in self.keep

    def drops(self, text: str) -> bool:
        return text_key(text) in self.drop


def remove(work: Work, text: str, reason: str, start: int, end: int, editor: Editor | None = None) -> bool:
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
