"""The upload form: every way in, every bad input, and the preview."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from compare.models import Article, Story

pytestmark = pytest.mark.django_db

URL = "/articles/new/"
TEXT = (
    "Port of Valletta closed by storm\n\n"
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.\n"
    "Ferries to Gozo were cancelled until Wednesday morning.\n"
)


def post(client, **fields):
    data = {"outlet": "Times of Malta", "title": "", "url": "", "published": "", "story": "", "text": ""}
    data.update(fields)
    return client.post(URL, data)


def test_it_requires_a_signed_in_editor(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_pasted_text_lands_on_the_story_page_in_the_right_column(editor_client):
    response = post(editor_client, text=TEXT)
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/stories/{article.story_id}/")
    page = editor_client.get(response["Location"])
    assert "Ferries to Gozo were cancelled" in page.content.decode()


def test_a_file_in_latin_1_is_read(editor_client):
    upload = SimpleUploadedFile("storm.txt", TEXT.replace("Gozo", "Gozo café").encode("latin-1"))
    response = editor_client.post(URL, {"outlet": "Times of Malta", "file": upload, "story": "new"})
    assert response.status_code == 302
    assert "Gozo café" in Article.objects.get().raw_text


def test_a_utf16_html_file_is_extracted_and_its_html_kept(editor_client):
    html = (
        "<html><head><title>Storm</title></head><body><article><h1>Storm shuts Valletta port</h1>"
        "<p>Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.</p>"
        "<p>Ferries to Gozo were cancelled until Wednesday morning, the operator said.</p>"
        "</article></body></html>"
    )
    upload = SimpleUploadedFile("storm.html", html.encode("utf-16"))
    response = editor_client.post(URL, {"outlet": "MaltaToday", "file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.raw_html == html
    assert "Ferries to Gozo" in article.cleaned_text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": ""}, "Paste the article"),
        ({"text": "   \n  "}, "Paste the article"),
        ({"text": "Share this article\n\nSubscribe now"}, "No sentences were found"),
        ({"text": "Reuters contributed to this report."}, "No sentences were found"),  # only a credit
        ({"text": TEXT, "outlet": ""}, "This field is required"),
        ({"text": TEXT, "story": "999"}, "That story does not exist"),
    ],
)
def test_bad_input_gets_a_clear_message(editor_client, fields, message):
    response = post(editor_client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "The submitted file is empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary file"),
        ("random.txt", bytes(range(256)) * 20, "binary file"),
        ("bomb.html", b"PK\x03\x04" + b"\x00" * 2000, "binary file"),
        ("notes.docx", b"PK\x03\x04", "Choose a .txt, .md, .html, .htm file"),
    ],
)
def test_bad_files_get_a_clear_message(editor_client, name, content, message):
    response = editor_client.post(URL, {"outlet": "X", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_a_file_over_the_limit_is_refused(editor_client, settings):
    settings.MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("long.txt", ("A sentence about the storm. " * 100).encode())
    response = editor_client.post(URL, {"outlet": "X", "file": upload})
    assert "the limit is" in response.content.decode()
    assert not Article.objects.exists()


def test_text_and_file_together_are_refused(editor_client):
    upload = SimpleUploadedFile("storm.txt", TEXT.encode())
    response = editor_client.post(URL, {"outlet": "X", "file": upload, "text": TEXT})
    assert "one way only" in response.content.decode()


def test_a_duplicate_links_to_the_stored_article(editor_client):
    post(editor_client, text=TEXT)
    response = post(editor_client, text=TEXT, outlet="Someone else")
    html = response.content.decode()
    assert "already stored" in html
    assert f"right={Article.objects.get().pk}" in html
    assert Article.objects.count() == 1


def test_wire_copy_is_flagged(editor_client):
    post(editor_client, text=TEXT)
    response = post(
        editor_client,
        text=TEXT + "\nThe storm is expected to pass by Friday.",
        outlet="Wire",
        story=str(Article.objects.get().story_id),
    )
    page = editor_client.get(response["Location"])
    assert "wire copy?" in page.content.decode()


def test_the_preview_shows_kept_sentences_removals_and_stories(editor_client):
    post(editor_client, text=TEXT)
    response = editor_client.post(
        reverse("compare:article-preview"),
        {
            "outlet": "Other",
            "text": "Storm shuts Valletta harbour\n\nShare this article\n\n"
            "Gale-force winds closed the harbour in Valletta on Tuesday.\nFerries to Gozo were cancelled.",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="upload-preview"' in html and "<html" not in html
    assert "Ferries to Gozo were cancelled." in html
    assert "Share this article" in html  # listed under removals, with its reason
    assert Story.objects.get().title in html
    assert Article.objects.count() == 1  # the preview stores nothing
    assert "joining takes 1.10" in html and "<meter" in html  # the score on a scale


def test_the_preview_says_which_field_to_fix(editor_client):
    response = editor_client.post(
        reverse("compare:article-preview"),
        {"outlet": "", "text": TEXT, "published": "next tuesday"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'href="#id_outlet">Outlet</a>: This field is required.' in html
    assert "Give a date as YYYY-MM-DD, or a date and time as YYYY-MM-DD HH:MM." in html
    assert "Fix the form" not in html


PAGE_WITH_METADATA = (
    "<html><head><title>Storm | MaltaToday</title>"
    '<meta property="og:title" content="Storm shuts Valletta port">'
    '<meta property="article:published_time" content="2024-02-06T09:15:00+01:00"></head><body><article>'
    "<h1>Storm shuts Valletta port</h1>"
    "<p>Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.</p>"
    "<p>Ferries to Gozo were cancelled until Wednesday morning, the operator said.</p>"
    "</article></body></html>"
)


def test_an_html_page_fills_the_empty_published_and_title_from_its_metadata(editor_client):
    upload = SimpleUploadedFile("storm.html", PAGE_WITH_METADATA.encode())
    assert editor_client.post(URL, {"outlet": "MaltaToday", "file": upload}).status_code == 302
    article = Article.objects.get()
    assert article.published.isoformat() == "2024-02-06T08:15:00+00:00"
    assert article.title == "Storm shuts Valletta port"


def test_what_the_editor_typed_wins_over_the_page_metadata(editor_client):
    upload = SimpleUploadedFile("storm.html", PAGE_WITH_METADATA.encode())
    fields = {"outlet": "MaltaToday", "file": upload, "title": "Harbour shut", "published": "2024-02-07"}
    assert editor_client.post(URL, fields).status_code == 302
    article = Article.objects.get()
    assert (article.title, article.published.date().isoformat()) == ("Harbour shut", "2024-02-07")


@pytest.mark.parametrize(
    ("published", "expected"),
    [("2018-05-17", "2018-05-17T00:00:00+00:00"), ("2018-05-17 14:30", "2018-05-17T14:30:00+00:00")],
)
def test_published_takes_a_date_alone_or_a_date_and_time(editor_client, published, expected):
    assert post(editor_client, text=TEXT, published=published).status_code == 302
    assert Article.objects.get().published.isoformat() == expected


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def local_page(tmp_path):
    (tmp_path / "storm.html").write_text(
        "<html><body><article><h1>Storm shuts Valletta port</h1><p>Gale-force winds closed the harbour in "
        "Valletta on Tuesday, the port authority said.</p><p>Ferries to Gozo were cancelled until Wednesday "
        "morning.</p></article></body></html>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/storm.html"
    server.shutdown()


def test_an_article_is_imported_from_a_url(editor_client, settings, local_page):
    settings.ALLOW_PRIVATE_URLS = True
    response = post(editor_client, url=local_page, fetch_url="on")
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.source_name == local_page
    assert "<h1>Storm shuts Valletta port</h1>" in article.raw_html
    assert "Ferries to Gozo" in article.cleaned_text


def test_a_loopback_url_is_refused_by_default(editor_client, local_page):
    response = post(editor_client, url=local_page, fetch_url="on")
    assert "private or local address" in response.content.decode()
    assert not Article.objects.exists()
