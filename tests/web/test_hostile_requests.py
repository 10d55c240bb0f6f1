"""Hostile requests get a clear answer (a form error, a message or a 404), never a server error."""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection
from django.urls import reverse

from compare.models import Article, Story
from compare.services import corrections
from compare.services.corrections import CorrectionError
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

DIGITS_5000 = "9" * 5000
BEYOND_BIGINT = str(2**70)
TEXT = "A storm closed the harbour in Valletta on Tuesday, the port authority said."


@pytest.fixture
def story(article_input) -> Story:
    story = Story.objects.create(title="Storm")
    ingest(article_input, story=story)
    ingest(
        ArticleInput(text="Valletta harbour shut by gale. Ferries stopped on Tuesday.", outlet="M"),
        story=story,
    )
    return story


@pytest.mark.parametrize("value", ["²", "١٢", DIGITS_5000, BEYOND_BIGINT, "-1", "1e3"])
@pytest.mark.parametrize("view", ["compare:article-new", "compare:article-preview"])
def test_a_hostile_story_choice_is_a_form_error(editor_client, value, view):
    editor_client.raise_request_exception = False
    response = editor_client.post(reverse(view), {"outlet": "X", "text": TEXT, "story": value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That story does not exist." in html or "Fix the form to see a preview." in html
    assert not Article.objects.exists()


@pytest.mark.parametrize("value", ["²", DIGITS_5000, BEYOND_BIGINT, str(2**63)])
def test_hostile_ids_in_the_query_string_are_ignored(client, story, value):
    client.raise_request_exception = False
    assert client.get(reverse("compare:story-list"), {"outlet": value}).status_code == 200
    url = reverse("compare:story-detail", args=[story.pk])
    assert client.get(url, {"left": value, "right": value, "focus": value}).status_code == 200
    assert (
        client.get(reverse("compare:story-export", args=[story.pk, "csv"]), {"left": value}).status_code
        == 200
    )


@pytest.mark.parametrize("value", ["²", DIGITS_5000, BEYOND_BIGINT])
def test_hostile_ids_in_forms_are_a_404(editor_client, story, value):
    editor_client.raise_request_exception = False
    article = Article.objects.first()
    sentence = article.sentences.first()
    assert (
        editor_client.post(reverse("compare:story-merge", args=[story.pk]), {"other": value}).status_code
        == 404
    )
    assert (
        editor_client.post(reverse("compare:article-move", args=[article.pk]), {"story": value}).status_code
        == 404
    )
    link_add = reverse("compare:link-add", args=[story.pk])
    assert editor_client.post(link_add, {"a": sentence.pk, "b": value}).status_code == 404
    detail = reverse("compare:sentence-detail", args=[story.pk, sentence.pk])
    assert editor_client.get(detail, {"other": value}).status_code == 404


def test_ids_too_long_for_a_url_are_a_404(client):
    client.raise_request_exception = False
    assert client.get(f"/stories/{DIGITS_5000}/").status_code == 404
    assert client.get(f"/articles/{BEYOND_BIGINT}/").status_code == 404


@pytest.mark.parametrize(
    "host",
    [
        "ü" * 60 + ".example",  # 60 characters, but more than 63 once IDNA-encoded
        "ü" * 30 + "." + "a" * 64 + ".example",
        ".".join(["abcdefghij"] * 30),  # over 253 characters in all
    ],
)
def test_a_host_name_dns_cannot_carry_is_a_clear_form_error(editor_client, host, settings):
    settings.ALLOW_PRIVATE_URLS = True  # the name check, not the address guard, must answer
    editor_client.raise_request_exception = False
    data = {"outlet": "X", "url": f"http://{host}/story", "fetch_url": "on"}
    response = editor_client.post(reverse("compare:article-new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "host name" in html or "Enter a valid URL" in html
    assert not Article.objects.exists()


def test_crossed_merges_leave_one_story_and_explain_the_second(story, editor):
    other = Story.objects.create(title="Ferries")
    ingest(ArticleInput(text="Gozo ferries resumed on Wednesday after the storm.", outlet="TVM"), story=other)
    # Both editors loaded the page before either merged: each holds the rows as they were.
    mine, theirs = Story.objects.get(pk=story.pk), Story.objects.get(pk=other.pk)
    their_target, their_other = Story.objects.get(pk=other.pk), Story.objects.get(pk=story.pk)
    corrections.merge_stories(mine, theirs, editor)
    with pytest.raises(CorrectionError, match="merged or removed meanwhile"):
        corrections.merge_stories(their_target, their_other, editor)
    assert list(Story.objects.values_list("pk", flat=True)) == [story.pk]
    assert set(Article.objects.values_list("story_id", flat=True)) == {story.pk}


def test_a_crossed_merge_through_the_page_is_a_message(editor_client, story):
    other = Story.objects.create(title="Ferries")
    ingest(ArticleInput(text="Gozo ferries resumed on Wednesday after the storm.", outlet="TVM"), story=other)
    editor_client.post(reverse("compare:story-merge", args=[story.pk]), {"other": other.pk})
    response = editor_client.post(reverse("compare:story-merge", args=[other.pk]), {"other": story.pk})
    assert response.status_code == 404  # the story is gone: nothing half-done
    assert Story.objects.count() == 1


def test_moving_into_a_story_merged_away_meanwhile_is_a_message(story, editor):
    other = Story.objects.create(title="Ferries")
    ingest(ArticleInput(text="Gozo ferries resumed on Wednesday after the storm.", outlet="TVM"), story=other)
    stale_target = Story.objects.get(pk=other.pk)
    corrections.merge_stories(story, other, editor)
    article = Article.objects.filter(story=story).first()
    with pytest.raises(CorrectionError, match="merged or removed meanwhile"):
        corrections.move_article(article, stale_target, editor)
    assert Article.objects.filter(story=None).count() == 0


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="row locks need PostgreSQL (CI runs the suite on it)",
)
@pytest.mark.django_db(transaction=True)
def test_two_editors_merging_two_stories_into_each_other_at_once(editor):
    first = Story.objects.create(title="Storm")
    second = Story.objects.create(title="Ferries")
    ingest(ArticleInput(text=TEXT, outlet="One"), story=first)
    ingest(
        ArticleInput(text="Gozo ferries resumed on Wednesday after the storm.", outlet="Two"), story=second
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def merge(target_id: int, other_id: int) -> None:
        try:
            target, other = Story.objects.get(pk=target_id), Story.objects.get(pk=other_id)
            start.wait(timeout=10)
            corrections.merge_stories(target, other, editor)
            outcomes.append("merged")
        except CorrectionError:
            outcomes.append("told")
        except Exception as exc:  # noqa: BLE001 - recorded for the assertion below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=merge, args=(first.pk, second.pk)),
        threading.Thread(target=merge, args=(second.pk, first.pk)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["merged", "told"], outcomes
    assert Story.objects.count() == 1
    assert not Article.objects.filter(story=None).exists()
