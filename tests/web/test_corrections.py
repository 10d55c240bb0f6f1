"""Editor corrections take effect, are recorded, and survive re-alignment and re-processing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compare.models import Article, Correction, Link, Sentence, Story
from compare.services.alignment import align_story
from compare.services.ingest import ArticleInput, ingest

pytestmark = pytest.mark.django_db

A = """Storm shuts Valletta harbour

Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.
Ferries to Gozo were cancelled until Wednesday morning.
Fishermen moved their boats inland on Monday night.

Share this article
"""
B = """Valletta port closed as gale hits Malta

Gale-force winds closed the harbour in Valletta on Tuesday, port officials said.
All ferries to Gozo were cancelled until Wednesday morning.
Schools in Sliema stayed open.
"""


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm")
    ingest(ArticleInput(text=A, outlet="Times of Malta"), story=story)
    ingest(ArticleInput(text=B, outlet="MaltaToday"), story=story)
    return story


def sentence(outlet: str, start: str) -> Sentence:
    return Sentence.objects.get(article__outlet__name=outlet, text__startswith=start)


def test_corrections_need_a_signed_in_editor(client, story):
    link = Link.objects.first()
    response = client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Link.objects.get(pk=link.pk).verdict == ""


def test_a_rejected_link_stays_rejected_after_realignment(editor_client, editor, story):
    link = Link.objects.filter(story=story).first()
    assert link is not None
    editor_client.post(reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"})
    link.refresh_from_db()
    assert link.verdict == "rejected" and link.reviewed_by == editor
    align_story(story, realign={link.a.article_id})
    assert Link.objects.get(a=link.a, b=link.b).verdict == "rejected"
    assert Correction.objects.filter(action="link-rejected", user=editor).exists()


def test_an_editor_links_two_sentences_the_machine_missed(editor_client, story):
    a, b = sentence("Times of Malta", "Fishermen"), sentence("MaltaToday", "Schools")
    response = editor_client.post(
        reverse("compare:link-add", args=[story.pk]), {"a": a.pk, "b": b.pk, "kind": "partial"}
    )
    assert response.status_code == 302
    link = Link.objects.get(a=a, b=b)
    assert link.origin == "editor" and link.verdict == "confirmed"
    assert Sentence.objects.get(pk=a.pk).fact_id == Sentence.objects.get(pk=b.pk).fact_id
    align_story(story, realign={a.article_id, b.article_id})
    assert Link.objects.filter(a=a, b=b, origin="editor").exists()


def test_marking_furniture_reprocesses_and_keeps_editor_links(editor_client, story):
    a, b = sentence("Times of Malta", "Fishermen"), sentence("MaltaToday", "Schools")
    editor_client.post(reverse("compare:link-add", args=[story.pk]), {"a": a.pk, "b": b.pk, "kind": "same"})
    ferries = sentence("Times of Malta", "Ferries")
    editor_client.post(reverse("compare:sentence-furniture", args=[ferries.pk]))
    article = Article.objects.get(outlet__name="Times of Malta")
    assert not article.sentences.filter(text__startswith="Ferries").exists()
    assert article.removals.filter(reason="editor-marked", text__startswith="Ferries").exists()
    a, b = sentence("Times of Malta", "Fishermen"), sentence("MaltaToday", "Schools")
    assert Link.objects.filter(a=a, b=b, origin="editor").exists()


def test_restoring_a_removed_block_brings_it_back(editor_client, story):
    article = Article.objects.get(outlet__name="Times of Malta")
    removal = article.removals.get(text="Share this article")
    editor_client.post(reverse("compare:removal-restore", args=[removal.pk]))
    assert article.sentences.filter(text="Share this article").exists()
    assert not article.removals.filter(text="Share this article").exists()
    assert Correction.objects.filter(action="restored").exists()


def test_an_editor_renames_a_story_and_the_machine_keeps_the_name(editor_client, story):
    editor_client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "Malta storm, Tuesday"})
    story.refresh_from_db()
    assert story.title == "Malta storm, Tuesday" and story.title_set_by_editor
    ingest(
        ArticleInput(text="Another report. Gale-force winds closed the harbour in Valletta.", outlet="X"),
        story=story,
    )
    story.refresh_from_db()
    assert story.title == "Malta storm, Tuesday"


def test_an_editor_moves_an_article_to_a_new_story_and_back(editor_client, story):
    article = Article.objects.get(outlet__name="MaltaToday")
    editor_client.post(reverse("compare:article-move", args=[article.pk]), {"story": "new"})
    article.refresh_from_db()
    assert article.story != story and article.placed_by_editor
    assert not Link.objects.filter(story=story).exists()
    editor_client.post(reverse("compare:article-move", args=[article.pk]), {"story": str(story.pk)})
    article.refresh_from_db()
    assert article.story == story
    assert Link.objects.filter(story=story).exists()
    assert Story.objects.count() == 1  # the emptied story is gone


def test_an_editor_merges_two_stories(editor_client, story):
    other = Story.objects.create(title="Gozo ferries")
    ingest(
        ArticleInput(text="Gozo ferries resumed on Wednesday after the storm. Queues formed.", outlet="TVM"),
        story=other,
    )
    editor_client.post(reverse("compare:story-merge", args=[story.pk]), {"other": other.pk})
    assert not Story.objects.filter(pk=other.pk).exists()
    assert story.articles.count() == 3
    assert Correction.objects.filter(action="merged").exists()


def test_retrying_an_article_whose_reprocessing_failed_keeps_its_links(editor_client, story, monkeypatch):
    from compare.models import AlignedPair
    from compare.services import corrections
    from compare.services import ingest as ingest_service
    from compare.services.story_index import story_state

    article = Article.objects.get(outlet__name="MaltaToday")
    links = set(Link.objects.filter(story=story).values_list("a__text", "b__text", "kind"))
    assert links

    def broken(*args, **kwargs):
        raise RuntimeError("power cut while cleaning")

    monkeypatch.setattr(ingest_service, "prepare", broken)
    corrections.reprocess_article(article)
    assert Article.objects.get(pk=article.pk).status == Article.Status.FAILED
    monkeypatch.undo()
    editor_client.post(reverse("compare:article-retry", args=[article.pk]))
    assert Article.objects.get(pk=article.pk).status == Article.Status.DONE
    assert set(Link.objects.filter(story=story).values_list("a__text", "b__text", "kind")) == links
    assert AlignedPair.objects.filter(story=story).count() == 1
    assert story_state(Story.objects.get(pk=story.pk)).count == 2  # counted once, not twice


def test_an_editor_link_between_articles_never_compared_joins_one_fact(editor, monkeypatch):
    from compare.models import AlignedPair
    from compare.services import alignment, corrections

    monkeypatch.setattr(alignment, "NEAREST_ARTICLES", 1)
    story = Story.objects.create(title="Storm", title_set_by_editor=True)
    own = {
        "One": "Our editor thanks every reader for their letters.",
        "Two": "The mayor of Mdina opened a library yesterday.",
        "Three": "Bees swarmed a bakery in Rabat at dawn.",
    }
    for outlet, text in (("One", A), ("Two", B), ("Three", A.replace("harbour", "port"))):
        ingest(ArticleInput(text=f"{text}\n{own[outlet]}", outlet=outlet), story=story)
    passed = AlignedPair.objects.get(story=story, compared=False)
    alone = Sentence.objects.filter(fact__kind="unique").order_by("index")
    a = alone.filter(article_id=passed.first_id).first()
    b = alone.filter(article_id=passed.second_id).first()
    corrections.add_link(story, a, b, "same", editor)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.fact_id == b.fact_id


def test_a_focus_link_points_at_the_same_sentence_after_furniture_is_marked_and_restored(
    editor_client, story
):
    fishermen = sentence("Times of Malta", "Fishermen")
    focus = f"{reverse('compare:story-detail', args=[story.pk])}?focus={fishermen.pk}"
    ferries = sentence("Times of Malta", "Ferries")
    editor_client.post(reverse("compare:sentence-furniture", args=[ferries.pk]))
    assert sentence("Times of Malta", "Fishermen").pk == fishermen.pk  # it moved up one place, same row
    removal = Article.objects.get(outlet__name="Times of Malta").removals.get(text__startswith="Ferries")
    editor_client.post(reverse("compare:removal-restore", args=[removal.pk]))
    assert sentence("Times of Malta", "Fishermen").pk == fishermen.pk
    assert sentence("Times of Malta", "Fishermen").index == fishermen.index
    response = editor_client.get(focus)
    assert response.status_code == 200
    assert response.context["focus"] is not None
    assert "Fishermen moved their boats inland" in response.context["focus"]["sentence"].text
