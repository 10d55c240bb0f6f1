"""The fact matrix: one row per fact of a story, one column per outlet.

The story page, the HTML/PDF exports and the CSV export all show this one table.
The row is labelled by the clearest sentence of the whole fact; a cell holds
everything its outlet said for the fact, the sentence nearest that label first,
so a fact an outlet reported in its third sentence is not hidden behind its
first. A cell sentence that disagrees with the label (numbers, dates, named
sources) carries the conflicts found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from compare.models import Article, Fact, Link, Sentence, Story
from compare.nlp.diff import Conflict, conflicts

# How plainly a kind of sentence states a fact: body copy says it in full, a headline
# compresses it ("Putin assures Assad 'all foreign armed forces' will leave Syria").
KIND_RANK = {
    Sentence.Kind.BODY: 0,
    Sentence.Kind.STANDFIRST: 1,
    Sentence.Kind.HEADING: 2,
    Sentence.Kind.HEADLINE: 3,
}


# Longest sentence text a cell, and a row's label, show in full (the whole text is in a title).
CELL_CHARS = 140
LABEL_CHARS = 160


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@lru_cache(maxsize=8192)
def _conflicts(label: str, text: str) -> tuple[Conflict, ...]:
    # Cached across requests: a 10-outlet page checks about 400 pairs (some 25 ms), the same ones
    # on every view until the story changes; 8,192 pairs of sentences hold a few MB at most.
    return tuple(conflicts(label, text))


@dataclass(frozen=True)
class CellSentence:
    """One of an outlet's sentences for a fact, with where it disagrees with the row's label."""

    sentence: Sentence
    conflicts: tuple[Conflict, ...] = ()

    @property
    def conflict_text(self) -> str:
        return "; ".join(c.message for c in self.conflicts)

    # Strings made here, not by template filters: a 10-outlet matrix renders hundreds of cells.
    @property
    def short_text(self) -> str:
        return _shortened(self.sentence.text, CELL_CHARS)

    @property
    def cut(self) -> bool:
        """The cell shows less than the whole sentence (the link's title then holds all of it)."""
        return len(self.sentence.text) > CELL_CHARS

    @property
    def anchor(self) -> str:
        return f"s-{self.sentence.article_id}-{self.sentence.index}"

    @property
    def article(self) -> str:
        return str(self.sentence.article_id)


@dataclass
class MatrixCell:
    """What one outlet said for one fact, clearest first."""

    sentences: list[CellSentence]

    @property
    def first(self) -> CellSentence:
        return self.sentences[0]

    @property
    def more(self) -> list[CellSentence]:
        return self.sentences[1:]

    @property
    def conflicts(self) -> list[Conflict]:
        return [c for s in self.sentences for c in s.conflicts]

    @property
    def more_conflicts(self) -> bool:
        """A sentence folded under "+N more" disagrees with the label: the fold shows it too."""
        return any(s.conflicts for s in self.more)

    # Templates and older callers used a cell as its (first) sentence.
    @property
    def text(self) -> str:
        return self.first.sentence.text

    @property
    def article_id(self) -> int:
        return self.first.sentence.article_id

    @property
    def index(self) -> int:
        return self.first.sentence.index


@dataclass
class MatrixRow:
    fact: Fact
    cells: list[MatrixCell | None]
    label: Sentence | None = None

    @property
    def first_text(self) -> str:
        return self.label.text if self.label else ""

    @property
    def short_label(self) -> str:
        return _shortened(self.first_text, LABEL_CHARS)

    @property
    def label_cut(self) -> bool:
        return len(self.first_text) > LABEL_CHARS


def clearest_first(sentences: list[Sentence], links: Counter[int], order: dict[int, int]) -> list[Sentence]:
    """Sentences ordered by how plainly they state their fact.

    Args:
        sentences: a fact's sentences (of one outlet, or of all).
        links: for each sentence id, how many standing links it has to other articles' sentences.
        order: each article's position in the story (the matrix's column order).
    Returns:
        Body copy before standfirsts, crossheads and headlines; then the sentence the most
        other sentences were linked to (the fact's centre); then story order.
    """
    return sorted(
        sentences,
        key=lambda s: (KIND_RANK.get(s.kind, 0), -links[s.pk], order.get(s.article_id, 0), s.index),
    )


def as_cell_order(
    ranked: list[Sentence], label: Sentence, neighbours: dict[int, dict[int, float]]
) -> list[Sentence]:
    """The order a cell shows an outlet's sentences in: what answers the row's label first.

    Args:
        ranked: the fact's sentences, clearest first (``clearest_first``).
        label: the row's label, the clearest of them.
        neighbours: for each sentence id, the ids it has standing links with and the links' scores.
    Returns:
        ``ranked`` with, within each kind of sentence, those linked to the label first, the
        closest link first, then the rest as they were: a wire's "Putin told Assad that foreign
        armed forces would be withdrawn" answers a label about foreign forces leaving better
        than its well-linked sentence on the meeting.
    """
    linked = neighbours.get(label.pk, {})

    def key(s: Sentence) -> tuple[int, bool, float]:
        return KIND_RANK.get(s.kind, 0), s is not label, -linked.get(s.pk, float("-inf"))

    return sorted(ranked, key=key)


def _links(story: Story) -> tuple[Counter[int], dict[int, dict[int, float]]]:
    """How many standing links each sentence has to other articles' sentences, and with which (scores)."""
    counts: Counter[int] = Counter()
    neighbours: dict[int, dict[int, float]] = {}
    standing = Link.objects.filter(story=story).exclude(verdict=Link.Verdict.REJECTED)
    for a_id, b_id, a_article, b_article, score in standing.values_list(
        "a_id", "b_id", "a__article_id", "b__article_id", "score"
    ):
        if a_article != b_article:  # only what other outlets' sentences say of it counts
            counts[a_id] += 1
            counts[b_id] += 1
            neighbours.setdefault(a_id, {})[b_id] = score
            neighbours.setdefault(b_id, {})[a_id] = score
    return counts, neighbours


def fact_matrix(story: Story, articles: list[Article], sort: str = "") -> tuple[list[str], list[MatrixRow]]:
    """One row per fact, one column per outlet, in three queries (facts, sentences, links).

    Args:
        articles: the processed articles, in column order, with their outlets selected.
        sort: "outlets" puts the facts most outlets reported first; otherwise story order.
    Returns:
        The outlet names (the columns) and the rows; an outlet that did not report a fact has None.
    """
    outlets: list[str] = []
    for article in articles:
        if article.outlet.name not in outlets:
            outlets.append(article.outlet.name)
    column_of = {a.pk: outlets.index(a.outlet.name) for a in articles}
    order = {a.pk: n for n, a in enumerate(articles)}
    facts = {f.pk: f for f in Fact.objects.filter(story=story).order_by("number")}
    members: dict[int, list[Sentence]] = {pk: [] for pk in facts}
    for sentence in (
        Sentence.objects.filter(article__in=articles, fact__isnull=False)
        .defer("embedding")
        .order_by("article_id", "index")
    ):
        if sentence.fact_id in members:
            members[sentence.fact_id].append(sentence)
    links = _links(story)
    rows = [_row(fact, members[pk], len(outlets), column_of, links, order) for pk, fact in facts.items()]
    if sort == "outlets":
        rows.sort(key=lambda r: (-r.fact.outlet_count, r.fact.number))
    return outlets, rows


def _row(
    fact: Fact,
    sentences: list[Sentence],
    width: int,
    column_of: dict[int, int],
    links: tuple[Counter[int], dict[int, dict[int, float]]],
    order: dict[int, int],
) -> MatrixRow:
    counts, neighbours = links
    ranked = clearest_first(sentences, counts, order)
    if not ranked:
        return MatrixRow(fact, [None] * width)
    label = ranked[0]
    by_column: dict[int, list[CellSentence]] = {}
    label_column = column_of[label.article_id]
    for sentence in as_cell_order(ranked, label, neighbours):
        column = column_of[sentence.article_id]
        # Outlets are compared with each other: an outlet's own sentences are not checked against its
        # label; the same words (wire copy) cannot disagree.
        same = column == label_column or sentence.text == label.text
        found = () if same else _conflicts(label.text, sentence.text)
        by_column.setdefault(column, []).append(CellSentence(sentence, found))
    cells: list[MatrixCell | None] = [
        MatrixCell(by_column[n]) if n in by_column else None for n in range(width)
    ]
    return MatrixRow(fact, cells, label)


def coverage(outlets: list[str], rows: list[MatrixRow]) -> list[dict[str, int | str]]:
    """For each outlet: facts it shares with others and facts it alone reported."""
    summary = []
    for column, outlet in enumerate(outlets):
        reported = [r for r in rows if r.cells[column] is not None]
        alone = sum(1 for r in reported if sum(c is not None for c in r.cells) == 1)
        summary.append(
            {"outlet": outlet, "shared": len(reported) - alone, "alone": alone, "total": len(reported)}
        )
    return summary
