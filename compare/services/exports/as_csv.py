"""The CSV export: the fact matrix, one row per fact, one column per outlet.

As on the story page, a cell holds everything the outlet said for the fact,
the sentence nearest the row's label first (one per line), a row carries the fact's clearest
sentence as its label, and a last column lists where an outlet's sentence
disagrees with that label (numbers, dates, named sources).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, and an outlet's sentence or
name may well start so: every such cell is prefixed with a quote, as OWASP
advises for CSV injection, so it is shown as text.
"""

from __future__ import annotations

import csv
import io

from compare.models import Article, Sentence, Story
from compare.services import fact_matrix
from compare.services.exports.base import Button, Exporter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as written: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _credit_row(story: Story, outlets: list[str], done: list[Article]) -> list[object] | None:
    """A last row, kind "credit", with each outlet's credit lines: attribution, not a fact."""
    column_of = {a.pk: outlets.index(a.outlet.name) for a in done}
    cells: list[list[str]] = [[] for _ in outlets]
    credits = Sentence.objects.filter(article__in=done, kind=Sentence.Kind.CREDIT).order_by(
        "article_id", "index"
    )
    for article_id, text in credits.values_list("article_id", "text"):
        if text not in cells[column_of[article_id]]:
            cells[column_of[article_id]].append(text)
    if not any(cells):
        return None
    return ["", "credit", "", "", *[" ".join(texts) for texts in cells], ""]


def export_csv(story: Story) -> str:
    """The fact matrix: one row per fact, one column per outlet, each cell that outlet's sentences.

    Credit lines are not facts: they come last, in one row of kind "credit" (no label, no conflicts).
    """
    done = list(
        story.articles.filter(status=Article.Status.DONE).select_related("outlet").order_by("published", "id")
    )
    outlets, rows = fact_matrix.fact_matrix(story, done)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [safe_cell(value) for value in ["fact", "kind", "outlet_count", "label", *outlets, "conflicts"]]
    )
    for row in rows:
        cells = [
            row.fact.number,
            row.fact.kind,
            row.fact.outlet_count,
            row.first_text,
            *["\n".join(s.sentence.text for s in c.sentences) if c else "" for c in row.cells],
            _conflicts(outlets, row),
        ]
        writer.writerow([safe_cell(value) for value in cells])
    credits = _credit_row(story, outlets, done)
    if credits is not None:
        writer.writerow([safe_cell(value) for value in credits])
    return out.getvalue()


def _conflicts(outlets: list[str], row: fact_matrix.MatrixRow) -> str:
    """``Outlet: Dates differ: "Tuesday" vs "Wednesday"``, one line per conflict with the row's label."""
    return "\n".join(
        f"{outlet}: {conflict.message}"
        for outlet, cell in zip(outlets, row.cells)
        if cell
        for conflict in cell.conflicts
    )


def _render(story: Story, left_id: int | None, right_id: int | None) -> bytes:
    # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
    return ("\ufeff" + export_csv(story)).encode("utf-8")


EXPORTER = Exporter("csv", "text/csv; charset=utf-8", _render, (Button("Fact matrix (CSV)"),))
