"""The CSV export: the fact matrix, one row per fact, one column per outlet."""

from __future__ import annotations

import csv
import io

from compare.models import Article, Story
from compare.services import screens
from compare.services.exports.base import Button, Exporter


def export_csv(story: Story) -> str:
    """The fact matrix: one row per fact, one column per outlet, each cell that outlet's sentence."""
    done = list(
        story.articles.filter(status=Article.Status.DONE).select_related("outlet").order_by("published", "id")
    )
    outlets, rows = screens.fact_matrix(story, done)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["fact", "kind", "outlet_count", *outlets])
    for row in rows:
        writer.writerow(
            [
                row.fact.number,
                row.fact.kind,
                row.fact.outlet_count,
                *[cell.text if cell else "" for cell in row.cells],
            ]
        )
    return out.getvalue()


def _render(story: Story, left_id: int | None, right_id: int | None) -> bytes:
    # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
    return ("\ufeff" + export_csv(story)).encode("utf-8")


EXPORTER = Exporter("csv", "text/csv; charset=utf-8", _render, (Button("Fact matrix (CSV)"),))
