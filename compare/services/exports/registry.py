"""Comparison pages to share: self-contained HTML, PDF, CSV and JSON.

The HTML export carries its own CSS and no script or external reference, so
it can be mailed, archived or printed as it is; the PDF is the same page
rendered by WeasyPrint.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from compare.models import Article, Story
from compare.services import screens

FORMATS = ("html", "pdf", "json", "csv")


class ExportUnavailable(RuntimeError):
    """The format cannot be produced on this machine (a system library is missing)."""


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def export_filename(story: Story, extension: str, when: datetime | None = None) -> str:
    """``story-12-putin-meets-assad-2026-11-22.html``: the story and the date."""
    when = when or timezone.now()
    slug = slugify(story.title)[:60].strip("-") or "story"
    return f"story-{story.pk}-{slug}-{when:%Y-%m-%d}.{extension}"


def _pair(
    done: list[Article], left_id: int | None, right_id: int | None
) -> tuple[Article | None, Article | None]:
    by_id = {a.pk: a for a in done}
    left, right = by_id.get(left_id or -1), by_id.get(right_id or -1)
    if left and right and left.pk != right.pk:
        return left, right
    return None, None


def export_html(story: Story, left_id: int | None = None, right_id: int | None = None) -> str:
    """The comparison page: the chosen pair side by side, or every outlet one after another."""
    done = list(
        story.articles.filter(status=Article.Status.DONE)
        .select_related("outlet")
        .prefetch_related("removals")
        .order_by("published", "id")
    )
    left, right = _pair(done, left_id, right_id)
    columns = screens.compare_pair(story, left, right) if left and right else ()
    outlets, rows = screens.fact_matrix(story, done, sort="outlets")
    all_articles = [] if columns else screens.all_outlet_columns(story, done)
    css = render_to_string("compare/export.css")
    return render_to_string(
        "compare/export.html",
        {
            "story": story,
            "left": left,
            "right": right,
            "columns": columns,
            "all_articles": all_articles,
            "outlets": outlets,
            "matrix": rows,
            "coverage": screens.coverage(outlets, rows),
            "generated": timezone.now(),
            "articles": done,
            "css": css,
        },
    )


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


def export_pdf(story: Story, left_id: int | None = None, right_id: int | None = None) -> bytes:
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # WeasyPrint needs the Pango system library
        raise ExportUnavailable(f"PDF export is not available on this server ({exc}).") from None
    html = export_html(story, left_id, right_id)
    # No base URL and no external references: WeasyPrint never fetches anything.
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"external resource refused: {url}")


def export_story(
    story: Story, fmt: str, left_id: int | None = None, right_id: int | None = None
) -> ExportFile:
    import json

    from compare.services.exports.comparison_json import story_comparison

    if fmt == "html":
        content, kind = export_html(story, left_id, right_id).encode("utf-8"), "text/html; charset=utf-8"
    elif fmt == "pdf":
        content, kind = export_pdf(story, left_id, right_id), "application/pdf"
    elif fmt == "csv":
        # A byte-order mark lets spreadsheet programs read the UTF-8 correctly.
        content, kind = ("\ufeff" + export_csv(story)).encode("utf-8"), "text/csv; charset=utf-8"
    elif fmt == "json":
        content = json.dumps(story_comparison(story), ensure_ascii=False, indent=2).encode("utf-8")
        kind = "application/json"
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return ExportFile(content, kind, export_filename(story, fmt))
