"""Recovery: a stuck article offers editors a retry; one text submitted twice at once is stored once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

import compare.services.ingest as ingest_module
from compare.models import Article
from compare.services.ingest import ArticleInput, store_article

pytestmark = pytest.mark.django_db

TEXT = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said."


def stored(status: str, minutes_ago: int) -> Article:
    article = store_article(ArticleInput(text=TEXT, outlet="X")).article
    Article.objects.filter(pk=article.pk).update(
        status=status, updated_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return Article.objects.get(pk=article.pk)


def status_page(client, article: Article) -> str:
    return client.get(reverse("compare:article-status", args=[article.pk])).content.decode()


def test_an_article_processing_too_long_shows_editors_a_retry_button(editor_client, settings):
    settings.PROCESSING_STUCK_MINUTES = 30
    article = stored(Article.Status.PROCESSING, minutes_ago=45)
    html = status_page(editor_client, article)
    assert "Processing for more than 30 minutes" in html
    assert "Try again</button>" in html
    assert "hx-trigger" not in html  # no point polling a stuck article


def test_a_recent_processing_article_has_no_retry_button(editor_client):
    html = status_page(editor_client, stored(Article.Status.PROCESSING, minutes_ago=2))
    assert "Try again" not in html and "hx-trigger" in html


def test_readers_do_not_see_the_retry_button(client):
    assert "Try again</button>" not in status_page(client, stored(Article.Status.PROCESSING, minutes_ago=45))


def test_retrying_a_stuck_article_completes_it(editor_client):
    article = stored(Article.Status.PROCESSING, minutes_ago=45)
    editor_client.post(reverse("compare:article-retry", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == Article.Status.DONE and article.story_id


def test_retrying_an_article_still_processing_does_not_start_it_twice(editor_client, monkeypatch):
    article = stored(Article.Status.PROCESSING, minutes_ago=1)
    started = []
    stub = type("Task", (), {"enqueue": staticmethod(lambda *args: started.append(args))})
    monkeypatch.setattr("compare.web.editor_views.process_article_task", stub)
    editor_client.post(reverse("compare:article-retry", args=[article.pk]))
    assert started == []


def test_processing_marks_the_time_it_started(monkeypatch):
    article = stored(Article.Status.PENDING, minutes_ago=120)
    seen = []
    real_prepare = ingest_module.prepare

    def spy(article, encoder):
        seen.append(Article.objects.get(pk=article.pk).is_stuck)
        return real_prepare(article, encoder)

    monkeypatch.setattr(ingest_module, "prepare", spy)
    ingest_module.process_stored(article)
    assert seen == [False]  # processing for seconds, not since it was stored two hours ago


def test_the_same_text_stored_at_the_same_moment_is_stored_once(monkeypatch):
    first = store_article(ArticleInput(text=TEXT, outlet="X")).article
    # The race: the second submission looked for the hash before the first was committed.
    answers = iter([None])
    monkeypatch.setattr(ingest_module, "_stored_with_hash", lambda digest: next(answers, first))
    again = store_article(ArticleInput(text=TEXT + "  ", outlet="Y"))
    assert not again.created and again.article.pk == first.pk
    assert Article.objects.count() == 1


def test_the_database_refuses_a_second_row_with_the_same_hash():
    first = store_article(ArticleInput(text=TEXT, outlet="X")).article
    with pytest.raises(IntegrityError):
        Article.objects.create(outlet=first.outlet, raw_text=TEXT, content_hash=first.content_hash)
