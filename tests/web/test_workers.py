"""Background processing: two real db_worker processes on PostgreSQL, and crash safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from io import StringIO
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings

from compare.models import Article, Link, Sentence, Story
from compare.nlp.embedding.encoders import HashingEncoder
from compare.services.ingest import ArticleInput, placing, process_articles, store_article
from compare.services.tasks import process_article_task

ROOT = Path(__file__).resolve().parents[2]
DB_BACKEND = "django_tasks_db.DatabaseBackend"

A = """Storm shuts Valletta harbour

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning.
Fishermen moved their boats inland on Monday night.
"""
B = """Valletta port closed as gale hits Malta

Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.
All ferries to Gozo were cancelled until Wednesday morning.
Schools in Sliema stayed open.
"""

postgres_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="concurrent workers need PostgreSQL (CI runs the suite on it)",
)


def worker_env() -> dict[str, str]:
    settings_dict = connection.settings_dict
    url = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "TASK_BACKEND": DB_BACKEND, "EMBEDDING_BACKEND": "hashing"}


def start_worker(*extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2", *extra],
        cwd=ROOT,
        env=worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": DB_BACKEND}})
def test_two_workers_align_two_articles_of_one_story_consistently():
    story = Story.objects.create(title="Storm", title_set_by_editor=True)
    articles = [
        store_article(ArticleInput(text=t, outlet=o), story=story).article
        for t, o in [(A, "One"), (B, "Two")]
    ]
    for article in articles:
        process_article_task.enqueue(article.pk, story.pk, False)
    workers = [start_worker("--batch", "--max-tasks", "1") for _ in range(2)]
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    assert all(worker.returncode == 0 for worker in workers), outputs
    for article in articles:
        article.refresh_from_db()
        assert article.status == Article.Status.DONE, (article.error, outputs)
        assert article.story_id == story.pk
    # Complete: the pair was aligned once, whichever worker came second saw the first's sentences.
    assert Link.objects.filter(story=story, a__article=articles[0], b__article=articles[1]).exists()
    assert not Link.objects.filter(story=story, a__article=articles[1], b__article=articles[0]).exists()
    # Consistent: every sentence of the story belongs to exactly one fact of the story.
    sentences = Sentence.objects.filter(article__story=story)
    assert not sentences.filter(fact=None).exists()
    assert set(sentences.values_list("fact__story", flat=True)) == {story.pk}


@postgres_only
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": DB_BACKEND}})
def test_a_killed_worker_leaves_the_article_visibly_unfinished_and_a_retry_completes_it(distinct_sentences):
    # Long enough to be caught mid-way: thousands of sentences to split and embed.
    body = distinct_sentences(1800)
    article = store_article(ArticleInput(text="Storm damage\n\n" + body, outlet="One")).article
    process_article_task.enqueue(article.pk, None, False)
    worker = start_worker()
    deadline = time.monotonic() + 60
    while (
        Article.objects.get(pk=article.pk).status != Article.Status.PROCESSING and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    article.refresh_from_db()
    assert article.status in {Article.Status.PENDING, Article.Status.PROCESSING}
    assert not article.sentences.exists() and article.story_id is None
    assert article.raw_text.startswith("Storm damage")

    from django.core.management import call_command

    call_command("process_pending", stdout=StringIO())
    retry = start_worker("--batch")
    retry.communicate(timeout=300)
    article.refresh_from_db()
    assert article.status == Article.Status.DONE, article.error
    assert article.sentences.count() == 1801
    assert article.story_id is not None


@pytest.mark.django_db
def test_a_failure_after_the_sentences_are_written_rolls_everything_back():
    article = store_article(ArticleInput(text=A, outlet="One")).article

    def crash(fresh):
        raise RuntimeError("power cut while aligning")

    process_articles([article], crash, HashingEncoder())
    article.refresh_from_db()
    assert article.status == Article.Status.FAILED
    assert "details are in its log" in article.error
    assert not article.sentences.exists() and not article.removals.exists()
    assert article.raw_text == A
    process_articles([article], placing(), HashingEncoder())
    assert Article.objects.get(pk=article.pk).status == Article.Status.DONE


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_first_two_articles_of_an_event_placed_at_once_start_one_story(monkeypatch):
    """A is in its transaction, its new story uncommitted, when B is placed: B must wait and join it."""
    from compare.services import placement
    from compare.services.story_index import reset_index

    reset_index()
    first, second = (
        store_article(ArticleInput(text=t, outlet=o)).article for t, o in [(A, "One"), (B, "Two")]
    )
    process_articles(
        [first, second], then=lambda prepared: None, encoder=HashingEncoder()
    )  # saved, not placed
    first_joined, release = threading.Event(), threading.Event()
    real_join = placement.join_story

    def join_then_pause(article, story, *args, **kwargs):
        joined = real_join(article, story, *args, **kwargs)
        if article.pk == first.pk:  # hold A's transaction open, its lock taken
            first_joined.set()
            release.wait(30)
        return joined

    monkeypatch.setattr(placement, "join_story", join_then_pause)
    errors = []

    def place(article):
        try:
            with transaction.atomic():
                placement.place_article(article)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    placing_first = threading.Thread(target=place, args=(first,))
    placing_first.start()
    assert first_joined.wait(30)
    placing_second = threading.Thread(target=place, args=(second,))
    placing_second.start()
    placing_second.join(1.0)
    waited = placing_second.is_alive()  # B must be waiting for A's commit, not starting its own story
    release.set()
    placing_first.join(30)
    placing_second.join(30)
    reset_index()
    assert not errors, errors
    assert waited
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.story_id is not None and first.story_id == second.story_id
    assert Story.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_bulk_import_takes_the_story_start_lock_before_any_story_row(monkeypatch):
    """Taken only once an article starts a story, the lock could close a cycle with another import."""
    from compare.services import ingest
    from compare.services.placement import STORY_START_LOCK
    from compare.services.story_index import reset_index

    placing, release = threading.Event(), threading.Event()
    real_place = ingest.place_article

    def pause_before_placing(article, **kwargs):
        placing.set()
        release.wait(30)
        return real_place(article, **kwargs)

    monkeypatch.setattr(ingest, "place_article", pause_before_placing)
    errors = []

    def run_import():
        try:
            ingest.ingest_batch([ArticleInput(text=A, outlet="One")], encoder=HashingEncoder())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    importing = threading.Thread(target=run_import)
    importing.start()
    try:
        assert placing.wait(30)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [STORY_START_LOCK])
            free = cursor.fetchone()[0]
    finally:
        release.set()
        importing.join(30)
        reset_index()
    assert not errors, errors
    assert not free  # the import held it before placing its first article
    assert Story.objects.count() == 1  # and the import went on once the lock was free
