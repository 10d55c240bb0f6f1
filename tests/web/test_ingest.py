"""The ingest service on a real database."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from compare.models import Article, Outlet, Sentence, Story
from compare.nlp.embedding.encoders import CachingEncoder, HashingEncoder
from compare.services.corrections import rename_story
from compare.services.ingest import (
    ArticleInput,
    IngestError,
    content_hash,
    ingest,
    store_article,
)
from compare.services.vectors import embed_texts, forget_checks

SEED_TITLE = "Putin meets Assad in Sochi, says foreign forces will leave Syria"

pytestmark = pytest.mark.django_db


def test_it_stores_cleans_splits_and_embeds_an_article(article_input):
    result = ingest(article_input)
    article = result.article
    assert result.created
    assert article.status == Article.Status.DONE
    assert article.raw_text == article_input.text
    assert article.title == "Storm closes harbour in Valletta"
    assert article.story is not None
    texts = [s.text for s in article.sentences.order_by("index")]
    assert "Ferries to Gozo were cancelled until Wednesday morning." in texts
    assert "Share this article" not in texts
    assert article.removals.filter(text="Share this article").exists()
    first = article.sentences.order_by("index").first()
    assert article.cleaned_text[first.start : first.end] == first.text
    vector = first.vector()
    assert vector.shape == (384,)
    assert np.isclose(np.linalg.norm(vector), 1.0, atol=1e-4)


def test_it_keeps_the_raw_text_exactly_as_received():
    raw = "  Crème brûlée wins\r\n\r\nThe jury  praised   the crème brûlée on Monday.\u00a0\r\n"
    article = ingest(ArticleInput(text=raw, outlet="Le Monde")).article
    assert article.raw_text == raw


def test_it_returns_the_existing_article_for_a_duplicate(article_input):
    first = ingest(article_input).article
    again = ingest(ArticleInput(text=article_input.text.upper().replace("\n", "\n\n"), outlet="Other"))
    assert not again.created
    assert not again.created and again.article == first
    assert Article.objects.count() == 1


def test_it_refuses_empty_text():
    with pytest.raises(IngestError, match="no text"):
        store_article(ArticleInput(text=" \n ", outlet="X"))
    assert not Article.objects.exists()


def test_it_refuses_text_that_is_only_page_furniture():
    with pytest.raises(IngestError, match="No sentences"):
        ingest(ArticleInput(text="Share this article\n\nSubscribe now", outlet="X"))
    assert not Article.objects.exists()


def test_a_processing_failure_leaves_the_article_failed_with_its_raw_text(article_input, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("encoder exploded")

    monkeypatch.setattr("compare.services.ingest.embed_texts", broken)
    article = ingest(article_input).article
    assert article.status == Article.Status.FAILED
    assert "details are in its log" in article.error and "encoder exploded" not in article.error
    assert article.raw_text == article_input.text
    assert not article.sentences.exists()


def test_it_reuses_stored_embeddings_for_identical_sentences(article_input, hashing_encoder):
    ingest(article_input)
    misses = hashing_encoder.misses
    ingest(ArticleInput(text=article_input.text + "\nA new closing line appears here.", outlet="Other"))
    assert hashing_encoder.misses - misses <= 3


def test_embeddings_held_in_memory_need_no_query(django_assert_num_queries):
    encoder = CachingEncoder(HashingEncoder())
    texts = ["Rain fell on Valletta.", "Ferries stopped running."]
    expected = encoder.encode(texts)
    with django_assert_num_queries(0):
        blobs = embed_texts(texts, encoder)
    assert [np.frombuffer(blob, dtype="<f4").tolist() for blob in blobs] == expected.tolist()
    with django_assert_num_queries(1):  # a text the memory lacks is looked up in the database
        embed_texts([*texts, "A third sentence."], encoder)


def test_content_hash_ignores_case_and_spacing():
    assert content_hash("A  b\n\nC") == content_hash("a b c")


def test_outlets_are_shared_by_name(article_input):
    ingest(article_input)
    ingest(ArticleInput(text="Another storm hit Malta today. Ferries stopped.", outlet="Times of Malta"))
    assert Outlet.objects.count() == 1
    assert Sentence.objects.values("article").distinct().count() == 2


def test_stored_vectors_are_reused_only_for_the_same_model(article_input):
    ingest(article_input)
    texts = list(Sentence.objects.values_list("text", flat=True)[:2])
    other = CachingEncoder(HashingEncoder(dim=384))
    other.model_id = "another-model"
    embed_texts(texts, other)
    assert other.misses == 2  # the stored vectors are of another model: encoded afresh


def test_an_article_is_refused_while_the_stored_vectors_come_from_another_model(article_input):
    first = ingest(article_input).article
    Sentence.objects.filter(article=first).update(embedding_model="an-older-model")
    forget_checks()
    article = ingest(ArticleInput(text="Rain fell on Valletta. Ferries stopped running.", outlet="X")).article
    assert article.status == Article.Status.FAILED
    assert "an-older-model" in article.error and "reembed" in article.error
    assert not article.sentences.exists()


def test_reembed_re_encodes_every_sentence_with_the_current_model_and_ingest_works_again(article_input):
    first = ingest(article_input).article
    Sentence.objects.filter(article=first).update(embedding_model="an-older-model", embedding=b"\0" * 1536)
    forget_checks()
    call_command("reembed", stdout=StringIO())
    current = HashingEncoder().model_id
    assert set(Sentence.objects.values_list("embedding_model", flat=True)) == {current}
    expected = HashingEncoder().encode([s.text for s in first.sentences.order_by("index")])
    stored = np.stack([s.vector() for s in first.sentences.order_by("index")])
    assert np.allclose(stored, expected)
    article = ingest(ArticleInput(text="Rain fell on Valletta. Ferries stopped running.", outlet="X")).article
    assert article.status == Article.Status.DONE


def test_the_seed_story_is_not_titled_by_an_editor(client):
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    assert not story.title_set_by_editor
    assert "title set by an editor" not in client.get(f"/stories/{story.pk}/").content.decode()


def test_load_seeds_clears_the_editor_flag_an_older_load_set(client):
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    Story.objects.filter(pk=story.pk).update(title=SEED_TITLE, title_set_by_editor=True)
    call_command("load_seeds", stdout=StringIO())
    story.refresh_from_db()
    assert not story.title_set_by_editor and story.title != SEED_TITLE  # titled from its headlines


def test_load_seeds_keeps_a_title_an_editor_gave(editor):
    call_command("load_seeds", stdout=StringIO())
    story = Story.objects.get()
    rename_story(story, "Sochi summit", editor)
    call_command("load_seeds", stdout=StringIO())
    story.refresh_from_db()
    assert story.title == "Sochi summit" and story.title_set_by_editor
