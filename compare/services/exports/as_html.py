"""The HTML export: a self-contained comparison page to mail, archive or print.

It carries its own CSS and no script or external reference; the PDF export
renders the same page.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from compare.models import Article, Story
from compare.services import fact_matrix, screens
from compare.services.exports.base import Button, Exporter


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
    outlets, rows = fact_matrix.fact_matrix(story, done, sort="outlets")
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
            "coverage": fact_matrix.coverage(outlets, rows),
            "generated": timezone.now(),
            "articles": done,
            "css": css,
        },
    )


def _render(story: Story, left_id: int | None, right_id: int | None) -> bytes:
    return export_html(story, left_id, right_id).encode("utf-8")


EXPORTER = Exporter(
    "html",
    "text/html; charset=utf-8",
    _render,
    (Button("HTML page", follows_pair=True), Button("All outlets (HTML)")),
)
