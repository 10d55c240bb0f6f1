"""Management commands: seeds, import and export, on a real database."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from compare.checks import fitted_for_this_model
from compare.models import Article, Story
from compare.services import encoder

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_load_seeds_puts_both_articles_in_one_story():
    run("load_seeds")
    assert Story.objects.count() == 1
    articles = Article.objects.all()
    assert {a.outlet.name for a in articles} == {"The New Arab", "Haaretz"}
    assert all(a.status == Article.Status.DONE for a in articles)


def test_load_seeds_is_idempotent():
    run("load_seeds")
    out, _ = run("load_seeds")
    assert "0 loaded, 2 already there" in out
    assert Story.objects.count() == 1
    assert Article.objects.count() == 2


def test_import_articles_reads_every_supported_format(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Quake hits Lima\n\nA strong earthquake shook Lima on Monday.", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text(
        "# Flood in Porto\n\nThe Douro burst its banks on Sunday.", encoding="utf-8"
    )
    (tmp_path / "c.html").write_text(
        "<html><head><title>Fire in Oslo</title></head><body><article><h1>Fire in Oslo</h1>"
        "<p>A fire destroyed a warehouse in Oslo on Friday night, the police said.</p>"
        "<p>Nobody was hurt, according to the fire brigade.</p></article></body></html>",
        encoding="utf-8",
    )
    records = [
        {
            "title": "Strike in Lyon",
            "text": "Rail workers in Lyon went on strike on Tuesday.",
            "outlet": "Le Progrès",
            "url": "https://example.org/lyon",
            "published": "2024-03-05",
        },
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    out, err = run("import_articles", str(tmp_path), "--no-progress")
    assert "4 imported, 0 skipped as duplicates, 0 rejected" in out
    html_article = Article.objects.get(source_name="c.html")
    assert html_article.raw_html.startswith("<html>")
    assert "warehouse in Oslo" in html_article.cleaned_text
    lyon = Article.objects.get(title="Strike in Lyon")
    assert lyon.outlet.name == "Le Progrès"
    assert lyon.published.year == 2024


def test_import_articles_reports_bad_files_and_goes_on(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "garbage.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "latin1.txt").write_bytes(
        "Café owners in Nîmes protested on Monday against the new tax.".encode("latin-1")
    )
    (tmp_path / "utf16.txt").write_bytes(
        "Dockers in Le Havre walked out on Friday over pensions.".encode("utf-16")
    )
    (tmp_path / "bad.jsonl").write_text('{"title": "x"}\nnot json\n', encoding="utf-8")
    out, err = run("import_articles", str(tmp_path), "--no-progress")
    assert "2 imported" in out
    assert "empty.txt: The file is empty." in err
    assert "image.txt: This is a binary file" in err
    assert "garbage.txt: This looks like a binary file" in err
    assert "notes.docx: unsupported file type '.docx'" in err
    assert "bad.jsonl:1: no 'text' field" in err
    assert "bad.jsonl:2: not valid JSON" in err
    assert Article.objects.filter(raw_text__contains="Café owners in Nîmes").exists()
    assert Article.objects.filter(raw_text__contains="Dockers in Le Havre").exists()


def test_import_articles_skips_duplicates(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Quake hits Lima. A strong earthquake shook Lima on Monday.", encoding="utf-8")
    run("import_articles", str(path), "--no-progress")
    out, _ = run("import_articles", str(path), "--no-progress")
    assert "0 imported, 1 skipped as duplicates" in out


def test_import_articles_into_a_given_story(tmp_path):
    story = Story.objects.create(title="Lima quake")
    path = tmp_path / "a.txt"
    path.write_text("A strong earthquake shook Lima on Monday.", encoding="utf-8")
    run("import_articles", str(path), "--story", str(story.pk), "--no-progress")
    assert Article.objects.get().story == story


def test_import_articles_refuses_an_unknown_story(tmp_path):
    with pytest.raises(CommandError, match="no story 999"):
        run("import_articles", str(tmp_path), "--story", "999")


def test_export_story_lists_and_exports():
    run("load_seeds")
    story = Story.objects.get()
    out, _ = run("export_story", "--list")
    assert out == f"{story.pk}\t{story.title}\n"
    out, _ = run("export_story", str(story.pk), "--format", "json")
    data = json.loads(out)
    assert data["schema"] == "story-comparison/1"
    assert data["story"] == {"id": story.pk, "title": story.title}
    assert len(data["articles"]) == 2
    sentence = data["articles"][0]["sentences"][0]
    assert set(sentence) >= {"index", "text", "paragraph", "unique", "fact"}
    assert data["articles"][0]["removed"]
    assert "facts" in data and "links" in data


def test_check_warns_when_the_parameters_were_fitted_with_another_model(settings, tmp_path):
    settings.EMBEDDING_BACKEND = "sentence-transformers"
    encoder._default_encoder.cache_clear()
    assert fitted_for_this_model(None) == []  # the packaged model: what the files were fitted with
    settings.EMBEDDING_MODEL_PATH = str(tmp_path / "my-model")
    encoder._default_encoder.cache_clear()
    warnings = fitted_for_this_model(None)
    assert [w.id for w in warnings] == ["compare.W001"] * 3
    assert "local:my-model" in warnings[0].msg and "all-MiniLM-L6-v2" in warnings[0].msg
    encoder._default_encoder.cache_clear()
