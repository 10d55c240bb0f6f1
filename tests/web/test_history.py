"""Audit and undo: editors' actions are in the story's history (which outlives merges) and can be undone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compare.models import Article, Correction, Link, Story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

A = "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.\nFerries stopped."
B = "Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.\nSchools stayed open."
C = "Gozo ferries resumed on Wednesday after the storm, the operator said.\nQueues formed at the quay."


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm", title_set_by_editor=True)
    ingest(ArticleInput(text=A, outlet="Times of Malta"), story=story)
    ingest(ArticleInput(text=B, outlet="MaltaToday"), story=story)
    return story


@pytest.fixture
def other() -> Story:
    other = Story.objects.create(title="Ferries resume")
    ingest(ArticleInput(text=C, outlet="TVM"), story=other)
    return other


def history(client, story: Story) -> str:
    return client.get(reverse("compare:story-history", args=[story.pk])).content.decode()


def undo_last(client, action: str):
    correction = Correction.objects.filter(action=action).latest("id")
    return client.post(reverse("compare:correction-undo", args=[correction.pk]))


def test_a_rename_is_in_the_history_and_can_be_undone(editor_client, story):
    editor_client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "Malta storm"})
    html = history(editor_client, story)
    assert "Renamed" in html and "“Storm” → “Malta storm”" in html and "editor" in html
    undo_last(editor_client, "renamed")
    story.refresh_from_db()
    assert story.title == "Storm"
    assert "Undid a rename" in history(editor_client, story)


def test_an_undo_is_refused_once_the_story_changed_again(editor_client, story):
    rename = reverse("compare:story-rename", args=[story.pk])
    editor_client.post(rename, {"title": "Malta storm"})
    first = Correction.objects.get(action="renamed")
    editor_client.post(rename, {"title": "Valletta storm"})
    response = editor_client.post(reverse("compare:correction-undo", args=[first.pk]), follow=True)
    assert "renamed again since" in response.content.decode()
    story.refresh_from_db()
    assert story.title == "Valletta storm"


def test_a_correction_is_undone_once(editor_client, story):
    editor_client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "Malta storm"})
    undo_last(editor_client, "renamed")
    response = undo_last(editor_client, "renamed")
    assert response.status_code == 302
    assert Correction.objects.filter(action="undo-renamed").count() == 1


def test_a_link_verdict_can_be_undone(editor_client, story):
    link = Link.objects.filter(story=story).first()
    editor_client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"})
    assert Link.objects.get(pk=link.pk).verdict == "rejected"
    undo_last(editor_client, "link-rejected")
    link.refresh_from_db()
    assert link.verdict == "" and link.reviewed_by is None and link.reviewed_at is None


def test_a_move_can_be_undone_even_when_it_emptied_its_story(editor_client, story, other):
    article = Article.objects.get(outlet__name="TVM")
    editor_client.post(reverse("compare:article-move", args=[article.pk]), {"story": story.pk})
    assert not Story.objects.filter(pk=other.pk).exists()  # its last article left
    undo_last(editor_client, "moved")
    article.refresh_from_db()
    assert article.story_id != story.pk and article.story.title == "Ferries resume"
    assert story.articles.count() == 2


def test_a_merge_can_be_undone(editor_client, story, other):
    editor_client.post(reverse("compare:story-merge", args=[story.pk]), {"other": other.pk})
    assert story.articles.count() == 3
    undo_last(editor_client, "merged")
    assert story.articles.count() == 2
    restored = Article.objects.get(outlet__name="TVM").story
    assert restored.pk != story.pk and restored.title == "Ferries resume"
    assert not restored.title_set_by_editor


def test_the_history_outlives_a_merge(editor_client, story, other):
    editor_client.post(reverse("compare:story-rename", args=[other.pk]), {"title": "Gozo ferries back"})
    editor_client.post(reverse("compare:story-merge", args=[story.pk]), {"other": other.pk})
    html = history(editor_client, story)
    assert "“Ferries resume” → “Gozo ferries back”" in html
    assert "Merged another story into this one" in html
    # The merged story's rows are kept too (django-simple-history): its last version records the deletion.
    assert Story.history.filter(id=other.pk).latest().history_type == "-"


def test_the_history_records_who_made_each_change(editor_client, editor, story):
    editor_client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "Malta storm"})
    assert Story.history.filter(id=story.pk).latest().history_user == editor


def test_readers_see_the_history_without_undo_buttons(client, editor_client, story):
    editor_client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "Malta storm"})
    editor_client.logout()
    html = history(client, story)
    assert "Renamed" in html and "Undo</button>" not in html
    correction = Correction.objects.get(action="renamed")
    response = client.post(reverse("compare:correction-undo", args=[correction.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_undoing_a_merge_keeps_the_editors_links_between_the_restored_articles(editor_client, story, other):
    link = Link.objects.filter(story=story).first()
    editor_client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"})
    ends = (link.a.text, link.b.text)
    editor_client.post(reverse("compare:story-merge", args=[other.pk]), {"other": story.pk})
    undo_last(editor_client, "merged")
    restored = Article.objects.get(outlet__name="Times of Malta").story
    assert restored.pk != other.pk
    kept = Link.objects.get(story=restored, a__text=ends[0], b__text=ends[1])
    assert kept.verdict == "rejected"  # not re-aligned into a fresh machine link


def test_the_history_says_which_sentences_a_link_verdict_joined(editor_client, story):
    link = Link.objects.filter(story=story).select_related("a", "b").first()
    editor_client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"})
    undo_last(editor_client, "link-rejected")
    html = history(editor_client, story)
    assert link.a.text != link.b.text and len(link.a.text) < 90 and len(link.b.text) < 90
    assert html.count(f"“{link.a.text}”") == 2  # the rejection and its undo
    assert html.count(f"“{link.b.text}”") == 2


def test_the_history_page_runs_a_fixed_number_of_queries(editor_client, story, django_assert_max_num_queries):
    for link in Link.objects.filter(story=story):
        editor_client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "confirmed"})
    with django_assert_max_num_queries(10):
        history(editor_client, story)
