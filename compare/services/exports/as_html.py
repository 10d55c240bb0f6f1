"""The HTML export: a self-contained comparison page to mail, archive or print.

It carries its own CSS and no script or external reference; the PDF export
renders the same page. A chosen pair is one two-column table, a row per
paragraph, so the two articles read side by side on paper too (A4 landscape),
and rows, not sentences, are where pages break.
"""

from __future__ import annotations

from itertools import zip_longest

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from compare.models import Article, Link, Story
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


def reviewed_sentences(story: Story, articles: list[Article]) -> set[int]:
    """Ids of the sentences an editor linked, or whose machine link an editor confirmed, among these articles.

    On the pair page only links between the two articles count: the tick says "this
    sentence's counterpart in the other column was checked by a person".
    """
    reviewed = (
        Link.objects.filter(story=story, a__article__in=articles, b__article__in=articles)
        .filter(Q(origin=Link.Origin.EDITOR) | Q(verdict=Link.Verdict.CONFIRMED))
        .exclude(verdict=Link.Verdict.REJECTED)
    )
    return {pk for pair in reviewed.values_list("a_id", "b_id") for pk in pair}


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
    pair_rows = (
        list(zip_longest(columns[0].paragraphs, columns[1].paragraphs, fillvalue=[])) if columns else []
    )
    css = render_to_string("compare/export.css", {"landscape": bool(columns)})
    return render_to_string(
        "compare/export.html",
        {
            "story": story,
            "left": left,
            "right": right,
            "columns": columns,
            "pair_rows": pair_rows,
            "reviewed": reviewed_sentences(story, [left, right] if left and right else done),
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
