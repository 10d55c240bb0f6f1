"""An article's URL becomes a link on its page: only http(s) addresses are ever stored, on every path."""

from __future__ import annotations

import importlib
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from compare.models import Article, Outlet, Story
from compare.services import sources
from compare.services.ingest import ArticleInput, IngestError, ingest
from compare.services.tasks import submit_article

pytestmark = pytest.mark.django_db

TEXT = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said."
HOSTILE = [
    "javascript:alert(document.cookie)",
    "  javascript:alert(1)",
    "\x01javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://example.org/story",
    "//evil.example/story",
    "https://",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_import_articles_refuses_a_line_with_a_script_url_and_says_why(tmp_path, url):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"text": TEXT, "outlet": "X", "url": url}) + "\n", encoding="utf-8")
    err = StringIO()
    call_command("import_articles", str(path), "--no-progress", stdout=StringIO(), stderr=err)
    assert "feed.jsonl:1: The article's URL must be an http:// or https:// address." in err.getvalue()
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", HOSTILE)
def test_the_service_path_refuses_it_too(url):
    with pytest.raises(IngestError, match="must be an http"):
        ingest(ArticleInput(text=TEXT, outlet="X", url=url))
    with pytest.raises(IngestError, match="must be an http"):  # uploads and seeds
        submit_article(ArticleInput(text=TEXT, outlet="X", url=url))
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", HOSTILE)
def test_the_model_never_saves_it(url):
    outlet = Outlet.objects.create(name="X")
    with pytest.raises(ValidationError):
        Article.objects.create(outlet=outlet, raw_text=TEXT, content_hash="h", url=url)
    with pytest.raises(ValidationError):
        Article(outlet=outlet, raw_text=TEXT, content_hash="h", url=url).full_clean()
    assert not Article.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/story", " data:text/html,x"])
def test_the_upload_form_refuses_it(editor_client, url):
    response = editor_client.post(reverse("compare:article-new"), {"outlet": "X", "text": TEXT, "url": url})
    assert response.status_code == 200
    assert not Article.objects.exists()


def test_sources_clean_url_strips_and_keeps_web_addresses():
    assert sources.clean_url("  https://example.org/storm \n") == "https://example.org/storm"
    assert sources.clean_url("") == ""
    with pytest.raises(sources.SourceError):
        sources.clean_url("javascript:alert(1)")


def test_a_web_url_is_stored_stripped_and_linked(client):
    story = Story.objects.create(title="Storm")
    ingest(ArticleInput(text=TEXT, outlet="X", url="  https://example.org/storm  "), story=story)
    assert Article.objects.get().url == "https://example.org/storm"
    html = client.get(reverse("compare:story-detail", args=[story.pk])).content.decode()
    assert 'href="https://example.org/storm"' in html


def test_the_migration_removes_script_urls_stored_before_the_check():
    article = ingest(ArticleInput(text=TEXT, outlet="X", url="https://example.org/ok")).article
    Article.objects.filter(pk=article.pk).update(url=" javascript:alert(1)")  # as an old import left it
    migration = importlib.import_module("compare.migrations.0005_article_url_http_only")
    migration.clear_unsafe_urls(apps, None)
    article.refresh_from_db()
    assert article.url == ""
    assert "refused URL:  javascript:alert(1)" in article.source_name
