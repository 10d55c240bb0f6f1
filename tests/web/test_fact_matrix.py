"""The fact matrix: each cell is what its outlet said for the fact, rows named by their clearest sentence."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from storm_story import HARBOUR, articles, build_storm_story

from compare.models import Fact, Sentence, Story
from compare.services.fact_matrix import as_cell_order, clearest_first, fact_matrix
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

THIRD = Path(__file__).parents[1] / "browser" / "third_outlet.txt"


@pytest.fixture
def story() -> Story:
    return build_storm_story()


def matrix_html(client, story: Story) -> str:
    html = client.get(reverse("compare:story-detail", args=[story.pk])).content.decode()
    start = html.index('<section id="fact-matrix"')
    return html[start : html.index("</section>", start)]


def test_a_cell_holds_every_sentence_its_outlet_gave_the_fact_body_before_headline(story):
    outlets, rows = fact_matrix(story, articles(story))
    harbour = rows[0]
    cell = harbour.cells[outlets.index("Times of Malta")]
    # The headline came first in the article; the body sentence says the fact in full.
    assert [s.sentence.text for s in cell.sentences] == [HARBOUR, "Harbour closed by gale"]


def test_a_row_is_labelled_by_the_facts_clearest_sentence(story):
    _, rows = fact_matrix(story, articles(story))
    assert rows[0].label.text == HARBOUR
    headlines = next(row for row in rows if row.fact.kind == Fact.Kind.PARTIAL)
    assert headlines.label.kind == Sentence.Kind.HEADLINE  # a fact told only in headlines keeps one


def test_the_clearest_sentence_is_the_one_most_other_sentences_link_to():
    def sentence(pk: int, index: int, kind: str = Sentence.Kind.BODY) -> Sentence:
        return Sentence(pk=pk, article_id=1, index=index, kind=kind, text=f"s{pk}")

    few, many, headline = sentence(1, 0), sentence(2, 1), sentence(3, 2, Sentence.Kind.HEADLINE)
    links = Counter({1: 1, 2: 3, 3: 5})
    assert clearest_first([headline, few, many], links, {1: 0}) == [many, few, headline]


def test_a_cell_puts_the_sentences_linked_to_the_row_label_first():
    def sentence(pk: int, article: int, index: int, kind: str = Sentence.Kind.BODY) -> Sentence:
        return Sentence(pk=pk, article_id=article, index=index, kind=kind, text=f"s{pk}")

    label, meeting, withdrawal = sentence(1, 1, 0), sentence(2, 2, 0), sentence(3, 2, 1)
    aside, headline = sentence(4, 2, 3), sentence(5, 2, 2, Sentence.Kind.HEADLINE)
    ranked = [label, meeting, aside, withdrawal, headline]  # clearest first: the meeting has most links
    neighbours = {1: {2: 0.4, 3: 0.8, 5: 0.9}, 2: {6: 0.5, 7: 0.5}}
    assert as_cell_order(ranked, label, neighbours) == [label, withdrawal, meeting, aside, headline]


def test_the_page_shows_further_sentences_behind_a_more_disclosure(client, story):
    html = matrix_html(client, story)
    assert '<details class="matrix-more"><summary>+1 more' in html
    folded = html[html.index('<details class="matrix-more">') : html.index("</details>")]
    assert "Harbour closed by gale" in folded
    assert '<th scope="row" class="matrix-label"><span class="fact-number">1</span> ' + HARBOUR in html


def test_a_cell_that_disagrees_with_the_row_sentence_is_marked(client, story):
    outlets, rows = fact_matrix(story, articles(story))
    cells = rows[0].cells
    assert [c.message for c in cells[outlets.index("MaltaToday")].conflicts] == [
        'Dates differ: "Tuesday" vs "Wednesday"'
    ]
    assert not cells[outlets.index("TVM")].conflicts
    html = matrix_html(client, story)
    assert html.count('class="matrix-cell has-conflict"') == 1
    assert 'title="Dates differ: &quot;Tuesday&quot; vs &quot;Wednesday&quot;"' in html
    assert "Differs from the row's sentence: Dates differ" in html


def test_the_matrix_takes_three_queries(story, django_assert_num_queries):
    shown = articles(story)
    with django_assert_num_queries(3):  # facts, sentences, links
        fact_matrix(story, shown)


@pytest.mark.slow
def test_the_seed_story_and_a_third_outlet_show_putin_saying_foreign_forces_leave(client, use_real_model):
    """The issue's case: cells of first sentences only hid the story's main fact in all 30 rows."""
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    ingest(ArticleInput(text=THIRD.read_text(encoding="utf-8"), outlet="Wire Service"), story=story)
    html = matrix_html(client, story)
    labels = re.findall(r'<th scope="row" class="matrix-label"[^>]*>(.*?)</th>', html, re.S)
    assert any("foreign forces would be leaving" in label for label in labels)
    # The wire's answer to the label leads its cell, ahead of its sentence on the meeting.
    row = next(r for r in re.findall(r"<tr .*?</tr>", html, re.S) if "foreign forces would be leaving" in r)
    outlets = re.findall(r'<th scope="col">(.*?)</th>', html)[2:]  # after "Fact" and "Outlets"
    cells = re.findall(r'<td class="matrix-cell[^"]*">(.*?)</td>', row, re.S)
    wire_cell = cells[outlets.index("Wire Service")]
    first = re.search(r'<p class="matrix-sentence">(.*?)</p>', wire_cell, re.S).group(1)
    assert "Putin told Assad that foreign armed forces would be withdrawn from Syria" in first
    assert "foreign armed forces will be withdrawn from Syria" in html  # Haaretz's, behind "+N more"
