"""A wire credit line is kept with its article as a credit: stored, shown and exported, never a fact."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from compare.models import Article, Link, Sentence, Story
from compare.services import fact_matrix, screens
from compare.services.alignment import align_story
from compare.services.corrections import reprocess_article
from compare.services.exports.as_csv import export_csv
from compare.services.exports.as_html import export_html
from compare.services.exports.as_json import story_comparison
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

CREDIT = "Reuters and DPA contributed to this report."
# Under the headline, so the sentences after it sit one index further on than the aligner counts.
TOP_CREDIT = "With reporting by Jane Doe in Valletta"

A = f"""Storm shuts Valletta harbour

{TOP_CREDIT}

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning.
Fishermen moved their boats inland on Monday night.

{CREDIT}
"""
B = f"""Valletta port closed as gale hits Malta

Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.
All ferries to Gozo were cancelled until Wednesday morning.
Schools in Sliema stayed open.

{CREDIT}
"""


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm")
    ingest(ArticleInput(text=A, outlet="Times of Malta"), story=story)
    ingest(ArticleInput(text=B, outlet="MaltaToday"), story=story)
    return story


def _articles(story: Story) -> tuple[Article, Article]:
    first, second = story.articles.order_by("id")
    return first, second


def _credits(article: Article) -> list[str]:
    return list(article.sentences.filter(kind=Sentence.Kind.CREDIT).values_list("text", flat=True))


def test_an_ingested_credit_line_is_stored_as_a_credit_not_removed(story):
    times, malta_today = _articles(story)
    assert _credits(times) == [TOP_CREDIT, CREDIT]
    assert _credits(malta_today) == [CREDIT]
    assert not times.removals.filter(text=CREDIT).exists()
    assert CREDIT in times.cleaned_text


def test_credit_lines_are_never_aligned_nor_in_a_fact(story):
    credits = Sentence.objects.filter(article__story=story, kind=Sentence.Kind.CREDIT)
    # The two articles' credit lines are word for word the same, and still not linked.
    assert not Link.objects.filter(a__in=credits).exists()
    assert not Link.objects.filter(b__in=credits).exists()
    assert not credits.exclude(fact=None).exists()
    # The facts are aligned as without the credit: sentences after the top credit link right.
    link = Link.objects.get(a__text__startswith="Gale-force", b__text__startswith="Gale-force")
    assert link.a.fact_id == link.b.fact_id
    assert not Sentence.objects.filter(article__story=story, fact=None).exclude(kind="credit").exists()


def test_a_credit_is_not_counted_as_reported_alone(story):
    times, malta_today = _articles(story)
    left, right = screens.compare_pair(story, times, malta_today)
    assert [s.text for s in left.credits] == [TOP_CREDIT, CREDIT]
    shown = [m.sentence.text for paragraph in left.paragraphs for m in paragraph]
    assert CREDIT not in shown and TOP_CREDIT not in shown
    assert sum(left.counts.values()) == times.sentences.exclude(kind="credit").count()
    outlets, rows = fact_matrix.fact_matrix(story, [times, malta_today])
    in_cells = [s.sentence.text for row in rows for cell in row.cells if cell for s in cell.sentences]
    assert CREDIT not in in_cells and in_cells
    assert sum(line["alone"] + line["shared"] for line in fact_matrix.coverage(outlets, rows)) == sum(
        sum(c is not None for c in row.cells) for row in rows
    )


def test_an_editor_cannot_link_a_credit_line(editor_client, story):
    times, malta_today = _articles(story)
    credit = times.sentences.get(text=CREDIT)
    fact = malta_today.sentences.get(text__startswith="Schools")
    response = editor_client.post(
        reverse("compare:link-add", args=[story.pk]),
        {"a": credit.pk, "b": fact.pk, "kind": "same"},
        follow=True,
    )
    assert not Link.objects.filter(a=credit).exists() and not Link.objects.filter(b=credit).exists()
    assert "A credit line says who reported the article; it is not a fact" in response.content.decode()


def test_the_story_page_shows_each_credit_as_a_credit_not_as_a_marked_sentence(client, story):
    times, malta_today = _articles(story)
    page = client.get(reverse("compare:story-detail", args=[story.pk])).content.decode()
    credit = times.sentences.get(text=CREDIT)
    assert (
        f'<p class="credit" id="s-{times.pk}-{credit.index}">'
        f'<span class="kind-label">Credit</span> {CREDIT}</p>' in page
    )
    assert f'id="s-{times.pk}-{credit.index}" href=' not in page  # not a link into the fact panel
    detail = reverse("compare:sentence-detail", args=[story.pk, credit.pk])
    assert client.get(detail, {"other": malta_today.pk}).status_code == 404


def test_exports_carry_credits_as_credits(story):
    times, malta_today = _articles(story)
    data = story_comparison(story)
    credits = [
        (a["id"], s) for a in data["articles"] for s in a["sentences"] if s["text"] in (CREDIT, TOP_CREDIT)
    ]
    assert len(credits) == 3
    assert all(s["kind"] == "credit" and s["fact"] is None and not s["unique"] for _, s in credits)
    members = {(m["article"], m["sentence"]) for fact in data["facts"] for m in fact["members"]}
    assert not members & {(article, s["index"]) for article, s in credits}
    rows = list(csv.reader(io.StringIO(export_csv(story))))
    assert rows[-1][:4] == ["", "credit", "", ""]  # no fact, kind, outlet count or label
    assert sorted(rows[-1][4:-1]) == sorted([f"{TOP_CREDIT} {CREDIT}", CREDIT]) and rows[-1][-1] == ""
    assert all(CREDIT not in cell for row in rows[1:-1] for cell in row)
    html = export_html(story, times.pk, malta_today.pk)
    assert f'<p class="par credit"><span class="kind">Credit</span> {CREDIT}</p>' in html
    assert f"[•]</span> {CREDIT}" not in html
    json.dumps(data)  # serialisable as it is exported


def test_a_sentence_stored_as_a_fact_before_credits_were_kept_loses_its_fact_when_reprocessed(story):
    # Cleaning once kept "(Reporting by ...; editing by ...)" in brackets as a body sentence, with a fact.
    times, _ = _articles(story)
    credit = times.sentences.get(text=CREDIT)
    Sentence.objects.filter(pk=credit.pk).update(kind=Sentence.Kind.BODY)
    align_story(story, realign={times.pk})
    credit.refresh_from_db()
    assert credit.fact_id is not None
    reprocess_article(times)
    credit.refresh_from_db()  # the same row: its text did not change
    assert credit.kind == Sentence.Kind.CREDIT and credit.fact_id is None
    assert not Link.objects.filter(a=credit).exists() and not Link.objects.filter(b=credit).exists()
