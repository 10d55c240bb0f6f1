"""Bulk import (``ingest_batch``): the same stories, links and facts as ingesting one by one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from compare.models import AlignedPair, Article, Fact, Link, Sentence, Story
from compare.services.alignment import deferred_alignment, regroup_facts
from compare.services.ingest import ArticleInput, IngestError, IngestResult, ingest, ingest_batch
from compare.services.story_index import reset_index

pytestmark = pytest.mark.django_db

QUAKE = [
    "A magnitude 6.1 earthquake shook Lima, Peru, on Monday, killing 12 people.",
    "Rescue teams searched the rubble in the Peruvian capital through the night.",
    "The president declared three days of national mourning.",
    "Hospitals in the south of the city treated more than 200 injured residents.",
    "Aftershocks were felt as far away as the port of Callao.",
]
REHAB = [
    "British singer Amy Winehouse checked into a London rehab clinic on Friday, her spokesman said.",
    "She cancelled the remaining dates of her European tour.",
    "Her record label said it supported her decision to seek treatment.",
    "Fans outside the clinic left flowers and handwritten cards.",
]


def _report(title: str, facts: list[str], outlet: int, extra: str) -> ArticleInput:
    """One outlet's report: most of the shared facts, in its own order, and a line of its own."""
    body = facts[outlet % 2 :] + [f"{extra} told reporters in statement number {outlet}."]
    return ArticleInput(text="\n".join([title, "", *body]), outlet=f"Outlet {outlet}")


def _inputs() -> list[ArticleInput]:
    return [
        _report("Earthquake shakes Lima", QUAKE, 0, "A city official"),
        _report("Amy Winehouse enters rehab", REHAB, 1, "Her manager"),
        _report("Lima quake kills twelve", QUAKE, 2, "The fire chief"),
        _report("Lima earthquake: rescue goes on", QUAKE, 3, "A police officer"),
        _report("Winehouse in rehab clinic", REHAB, 4, "A neighbour"),
    ]


def _snapshot(articles: list[Article]) -> dict[str, object]:
    """Stories, links and facts, named by input position and sentence index (ids may differ)."""
    position = {article.pk: n for n, article in enumerate(articles)}
    ref = {s.pk: (position[s.article_id], s.index) for s in Sentence.objects.filter(article__in=articles)}
    facts = {f.pk: (f.number, f.kind, f.outlet_count) for f in Fact.objects.all()}
    members: dict[int, list] = {}
    for sentence in Sentence.objects.filter(article__in=articles).exclude(fact=None):
        members.setdefault(sentence.fact_id, []).append(ref[sentence.pk])
    return {
        "stories": sorted(
            sorted(position[a] for a in story.articles.values_list("pk", flat=True))
            for story in Story.objects.all()
        ),
        "titles": sorted(Story.objects.values_list("title", flat=True)),
        "links": sorted(
            (ref[a], ref[b], kind, score)
            for a, b, kind, score in Link.objects.values_list("a_id", "b_id", "kind", "score")
        ),
        "facts": sorted((facts[pk], sorted(refs)) for pk, refs in members.items()),
        "sentences": Sentence.objects.filter(article__in=articles).count(),
    }


def _clear() -> None:
    Story.objects.all().delete()
    Article.objects.all().delete()
    reset_index()


def test_a_batch_gives_the_same_stories_links_and_facts_as_one_by_one(hashing_encoder):
    reset_index()
    one_by_one = [ingest(data).article for data in _inputs()]
    expected = _snapshot(one_by_one)
    _clear()
    outcomes = ingest_batch(_inputs(), encoder=hashing_encoder)
    batch = [outcome.article for outcome in outcomes]
    assert all(article.status == Article.Status.DONE for article in batch)
    assert _snapshot(batch) == expected
    assert len(expected["stories"]) == 2 and expected["links"]


def test_a_batch_reports_refusals_and_duplicates_in_input_order(hashing_encoder):
    inputs = _inputs()[:2]
    outcomes = ingest_batch(
        [inputs[0], ArticleInput(text=" ", outlet="X"), inputs[0]], encoder=hashing_encoder
    )
    assert isinstance(outcomes[0], IngestResult) and outcomes[0].created
    assert isinstance(outcomes[1], IngestError)
    assert not outcomes[2].created and outcomes[2].article.pk == outcomes[0].article.pk


def test_an_article_failing_in_a_batch_is_marked_failed_and_the_others_complete(hashing_encoder, monkeypatch):
    import compare.services.ingest

    real = compare.services.ingest.place_article

    def place(article, **kwargs):
        if article.outlet.name == "Outlet 2":
            raise RuntimeError("placement exploded")
        return real(article, **kwargs)

    monkeypatch.setattr(compare.services.ingest, "place_article", place)
    outcomes = ingest_batch(_inputs(), encoder=hashing_encoder)
    failed = [o.article for o in outcomes if o.article.status == Article.Status.FAILED]
    assert [a.outlet.name for a in failed] == ["Outlet 2"]
    assert "details are in its log" in failed[0].error
    assert not failed[0].sentences.exists() and failed[0].story_id is None
    assert Article.objects.filter(status=Article.Status.DONE).count() == 4
    assert not Link.objects.filter(a__article=failed[0]).exists()


def test_when_aligning_a_batch_fails_it_is_rolled_back_and_done_one_by_one(hashing_encoder, monkeypatch):
    import compare.services.alignment

    real = compare.services.alignment.align_pair
    calls = {"n": 0}

    def flaky(left, right, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("alignment exploded")
        return real(left, right, **kwargs)

    reset_index()
    expected = _snapshot([ingest(data).article for data in _inputs()])
    _clear()
    monkeypatch.setattr(compare.services.alignment, "align_pair", flaky)
    outcomes = ingest_batch(_inputs(), encoder=hashing_encoder)
    assert all(o.article.status == Article.Status.DONE for o in outcomes)
    assert _snapshot([o.article for o in outcomes]) == expected


def test_deferred_alignment_aligns_the_noted_stories_when_the_block_ends():
    first = ingest(_inputs()[0]).article
    with deferred_alignment():
        second = ingest(_inputs()[2]).article
        third = ingest(_inputs()[3]).article
        assert second.story_id == third.story_id == first.story_id
        assert not Link.objects.exists()
    for article in (first, second, third):
        assert Link.objects.filter(Q(a__article=article) | Q(b__article=article)).exists()


def test_deferred_alignment_aligns_nothing_when_the_block_raises():
    first = ingest(_inputs()[0]).article
    with pytest.raises(RuntimeError), deferred_alignment():
        ingest(_inputs()[2])
        raise RuntimeError("stop")
    assert not Link.objects.exists()
    assert not AlignedPair.objects.filter(story_id=first.story_id).exists()


def test_deferred_alignment_stamps_its_stories_again_when_it_ends_so_other_indexes_see_them():
    first = ingest(_inputs()[0]).article
    long_ago = timezone.now() - timedelta(hours=1)
    with deferred_alignment():
        ingest(_inputs()[2])
        Story.objects.filter(pk=first.story_id).update(updated_at=long_ago)  # a chunk that took an hour
    assert Story.objects.get(pk=first.story_id).updated_at > long_ago + timedelta(minutes=59)


@pytest.mark.django_db(transaction=True)
def test_deferred_alignment_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"), deferred_alignment():
        pass


def test_regrouping_reuses_fact_rows_and_gives_what_a_rebuild_gives(hashing_encoder):
    for data in _inputs()[:3]:
        ingest(data)
    story = Article.objects.get(title="Earthquake shakes Lima").story
    kept_rows = set(Fact.objects.filter(story=story).values_list("pk", flat=True))
    ingest(_inputs()[3])
    after_join = _facts_of(story)
    assert kept_rows & set(Fact.objects.filter(story=story).values_list("pk", flat=True))
    Fact.objects.filter(story=story).delete()
    regroup_facts(story)
    assert _facts_of(story) == after_join


def _facts_of(story: Story) -> list[tuple]:
    rows = Fact.objects.filter(story=story)
    return sorted(
        (f.number, f.kind, f.outlet_count, sorted(f.sentences.values_list("article_id", "index")))
        for f in rows
    )


def test_links_written_in_one_statement_take_the_model_defaults():
    from compare.services.alignment import _insert_rows

    first, second = (ingest(data).article for data in _inputs()[:2])
    story = first.story
    a, b = first.sentences.first(), second.sentences.first()
    Link.objects.filter(a=a, b=b).delete()
    _insert_rows(Link(story_id=story.pk), [{"a_id": a.pk, "b_id": b.pk, "kind": "partial", "score": 0.25}])
    link = Link.objects.get(a=a, b=b)
    assert (link.story_id, link.kind, link.score) == (story.pk, "partial", 0.25)
    assert (link.origin, link.verdict, link.reviewed_by, link.reviewed_at) == (
        Link.Origin.MACHINE,
        "",
        None,
        None,
    )


def test_an_import_interrupted_while_aligning_leaves_its_articles_unfinished_not_half_aligned(
    hashing_encoder, monkeypatch
):
    import compare.services.alignment

    def interrupted(left, right, **kwargs):
        raise KeyboardInterrupt  # what a kill looks like from inside: nothing after it runs

    monkeypatch.setattr(compare.services.alignment, "align_pair", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest_batch(_inputs(), encoder=hashing_encoder)
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.PROCESSING}
    assert not Sentence.objects.exists() and not Link.objects.exists() and not Story.objects.exists()
    assert Article.objects.filter(raw_text=_inputs()[0].text).exists()
