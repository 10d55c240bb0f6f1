"""The CSV export: the fact matrix, one row per fact, one column per outlet.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a
tab or carriage return before one) as a formula, and an outlet's sentence or
name may well start so: every such cell is prefixed with a quote, as OWASP
advises for CSV injection, so it is shown as text.
"""

from __future__ import annotations

import csv
import io

from compare.models import Article, Story
from compare.services import fact_matrix
from compare.services.exports.base import Button, Exporter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell a spreadsheet shows as written: text that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_csv(story: Story) -> str:
    """The fact matrix: one row per fact, one column per outlet, each cell that outlet's sentence."""
    done = list(
        story.articles.filter(status=Article.Status.DONE).select_related("outlet").order_by("published", "id")
    )
    outlets, rows = fact_matrix.fact_matrix(story, done)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(value) for value in ["fact", "kind", "outlet_count", *outlets]])
    for row in rows:
        cells = [
            row.fact.number,
            row.fact.kind,
            row.fact.outlet_count,
            *[c.text if c else "" for c in row.cells],
        ]
        writer.writerow([safe_cell(value) for value in cells])
    return out.getvalue()


def _render(story: Story, left_id: int | None, right_id: int | None) -> bytes:
    # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
    return ("\ufeff" + export_csv(story)).encode("utf-8")


EXPORTER = Exporter("csv", "text/csv; charset=utf-8", _render, (Button("Fact matrix (CSV)"),))
