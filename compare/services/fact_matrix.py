"""The fact matrix: one row per fact of a story, one column per outlet.

The story page, the HTML/PDF exports and the CSV export all show this one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from compare.models import Article, Fact, Sentence, Story


@dataclass
class MatrixRow:
    fact: Fact
    cells: list[Sentence | None]
    first_text: str


def fact_matrix(story: Story, articles: list[Article], sort: str = "") -> tuple[list[str], list[MatrixRow]]:
    """One row per fact, one column per outlet; each cell the outlet's first sentence for it."""
    outlets: list[str] = []
    for article in articles:
        if article.outlet.name not in outlets:
            outlets.append(article.outlet.name)
    column_of = {a.pk: outlets.index(a.outlet.name) for a in articles}
    facts = {f.pk: f for f in Fact.objects.filter(story=story).order_by("number")}
    cells: dict[int, list[Sentence | None]] = {pk: [None] * len(outlets) for pk in facts}
    for sentence in (
        Sentence.objects.filter(article__in=articles, fact__isnull=False)
        .defer("embedding")
        .order_by("article_id", "index")
    ):
        row = cells.get(sentence.fact_id)
        if row is not None and row[column_of[sentence.article_id]] is None:
            row[column_of[sentence.article_id]] = sentence
    rows = [
        MatrixRow(fact, cells[pk], next((c.text for c in cells[pk] if c is not None), ""))
        for pk, fact in facts.items()
    ]
    if sort == "outlets":
        rows.sort(key=lambda r: (-r.fact.outlet_count, r.fact.number))
    return outlets, rows


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
