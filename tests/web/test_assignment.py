"""Automatic story assignment on a real database, and re-clustering that respects editors."""

from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from compare.models import Article, Link, Story
from compare.nlp.stories.clustering import StoryState, default_params
from compare.services.ingest import ArticleInput, ingest
from compare.services.stories import merge_stories, move_article
from compare.services.story_index import reset_index, story_index
from compare.services.story_profiles import profile_of, rebuild_profiles

pytestmark = pytest.mark.django_db


def _split_off(article: Article, title: str = "") -> Story:
    """Move the article out of its story into a new one, as an editor would."""
    story = Story.objects.create(title=title or article.title, title_set_by_editor=bool(title))
    return move_article(article, story)


LIMA_1 = (
    "Earthquake shakes Lima\n\nA magnitude 6.1 earthquake shook Lima, Peru, on Monday, killing 12 people.\n"
    "Rescue teams searched the rubble in the Peruvian capital."
)
LIMA_2 = (
    "Lima quake kills twelve\n\nTwelve people died when a magnitude 6.1 earthquake hit Lima, Peru, on Monday."
    "\n"
    "Rescue teams in the Peruvian capital searched collapsed houses."
)
REHAB = (
    "Amy Winehouse enters rehab\n\nBritish singer Amy Winehouse checked into a London rehab clinic "
    "on Friday, "
    "her spokesman said.\nShe cancelled her tour."
)


@pytest.fixture(autouse=True)
def fresh_index():
    reset_index()
    yield
    reset_index()


def test_an_article_joins_the_story_of_the_same_event():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    second = ingest(ArticleInput(text=LIMA_2, outlet="B")).article
    other = ingest(ArticleInput(text=REHAB, outlet="C")).article
    assert second.story_id == first.story_id
    assert other.story_id != first.story_id
    assert Link.objects.filter(story_id=first.story_id).exists()


def test_an_article_profile_costs_the_same_queries_however_many_sentences(
    distinct_sentences, django_assert_max_num_queries
):
    article = ingest(ArticleInput(text=distinct_sentences(40), outlet="A")).article
    with django_assert_max_num_queries(2):  # the sentences, and the title's stored embedding
        profile_of(article)


def test_a_new_story_is_titled_by_its_headline():
    article = ingest(ArticleInput(text=REHAB, outlet="C")).article
    assert article.story.title == "Amy Winehouse enters rehab"


def test_split_and_merge_keep_alignment_consistent():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    second = ingest(ArticleInput(text=LIMA_2, outlet="B")).article
    story = first.story
    new = _split_off(second, title="Lima, second report")
    assert Article.objects.get(pk=second.pk).story == new
    assert not Link.objects.filter(story=story).exists()
    merged = merge_stories(story, new)
    assert merged.articles.count() == 2
    assert Link.objects.filter(story=merged, a__article=first, b__article=second).exists()


def test_recluster_moves_machine_placed_articles_but_never_editor_placed_ones():
    lima = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    wrong = Story.objects.create(title="Wrong story", title_set_by_editor=True)
    # The machine's mistake: put into the wrong story by assignment, not by an editor.
    stray = ingest(ArticleInput(text=LIMA_2, outlet="B"), story=wrong).article
    Article.objects.filter(pk=stray.pk).update(placed_by_editor=False)
    # An editor's choice, even if odd, is never undone by the machine.
    pinned = ingest(ArticleInput(text=REHAB, outlet="C"), story=wrong).article
    out = StringIO()
    call_command("recluster", stdout=out)
    assert Article.objects.get(pk=stray.pk).story_id == lima.story_id
    assert Article.objects.get(pk=pinned.pk).story_id == wrong.pk
    assert "1 article moved" in out.getvalue()


def test_recluster_dry_run_moves_nothing():
    ingest(ArticleInput(text=LIMA_1, outlet="A"))
    wrong = Story.objects.create(title="Wrong story")
    stray = ingest(ArticleInput(text=LIMA_2, outlet="B"), story=wrong).article
    Article.objects.filter(pk=stray.pk).update(placed_by_editor=False)
    out = StringIO()
    call_command("recluster", "--dry-run", stdout=out)
    assert "1 article would move" in out.getvalue()
    assert Article.objects.get(pk=stray.pk).story_id == wrong.pk


def test_a_pair_without_common_facts_is_aligned_once(monkeypatch):
    from compare.services import alignment

    story = Story.objects.create(title="Mixed", title_set_by_editor=True)
    ingest(ArticleInput(text=LIMA_1, outlet="A"), story=story)
    ingest(ArticleInput(text=REHAB, outlet="B"), story=story)  # nothing in common with Lima
    calls = []
    real = alignment.align_pair
    monkeypatch.setattr(
        alignment, "align_pair", lambda a, b, **kw: calls.append((a.article, b.article)) or real(a, b, **kw)
    )
    ingest(ArticleInput(text=LIMA_2, outlet="C"), story=story)
    assert len(calls) == 2  # only the new article's pairs, not the old link-less one again


def test_rebuilding_profiles_replaces_a_stale_one_with_the_sum_of_its_articles():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    ingest(ArticleInput(text=LIMA_2, outlet="B"))
    story = Story.objects.get(pk=first.story_id)
    fresh = (bytes(story.profile_vector), story.profile_state)
    # As if built under other parameters: names the current ones never read.
    stale = {**story.profile_state, "entity_counts": {**story.profile_state["entity_counts"], "ghost": 2}}
    Story.objects.filter(pk=story.pk).update(profile_state=stale)
    out = StringIO()
    call_command("recluster", "--rebuild-profiles", "--dry-run", stdout=out)
    assert "1 story had a stale profile, would be rebuilt" in out.getvalue()
    assert Story.objects.get(pk=story.pk).profile_state == stale
    out = StringIO()
    call_command("recluster", "--rebuild-profiles", stdout=out)
    story.refresh_from_db()
    assert (bytes(story.profile_vector), story.profile_state) == fresh
    assert "1 story had a stale profile, now rebuilt" in out.getvalue()
    assert rebuild_profiles() == 0  # nothing left to rebuild


def test_the_story_index_rereads_a_recent_story_only_when_it_has_changed(django_assert_num_queries):
    story = ingest(ArticleInput(text=LIMA_1, outlet="A")).article.story
    assert story.pk in story_index()
    with django_assert_num_queries(1):  # the recent stories' versions; none changed, none read
        story_index()
    # Another process empties the story's profile: the new state must be picked up.
    Story.objects.filter(pk=story.pk).update(profile_state={}, profile_vector=None)
    Story.objects.get(pk=story.pk).save(update_fields=["updated_at"])
    with django_assert_num_queries(2):
        assert story.pk not in story_index()


LIMA_3 = (
    "Peru counts quake damage\n\nThe magnitude 6.1 earthquake that hit Lima, Peru, on Monday damaged "
    "200 homes.\nRescue teams in the Peruvian capital kept searching."
)


def _summed_under_older_parameters(story: Story) -> None:
    """What a story summed under other clustering parameters looks like: another key, another sum."""
    state = {**story.profile_state, "profile_key": "older parameters", "count": 7}
    Story.objects.filter(pk=story.pk).update(
        profile_state=state, profile_vector=np.full(384, 0.5, dtype="<f4").tobytes()
    )


def _state_of(story: Story) -> StoryState:
    story.refresh_from_db()
    return StoryState.from_json(story.profile_state, bytes(story.profile_vector))


def test_a_story_summed_under_older_parameters_is_summed_afresh_when_an_article_joins():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    story = first.story
    _summed_under_older_parameters(story)
    second = ingest(ArticleInput(text=LIMA_2, outlet="B"), story=story).article
    state = _state_of(story)
    assert state.profile_key == default_params().profile_key()
    assert state.count == 2
    expected = profile_of(first).vector + profile_of(second).vector
    assert np.allclose(state.vector_sum, expected, atol=1e-6)


def test_a_story_summed_under_older_parameters_is_summed_afresh_when_an_article_leaves():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    story = first.story
    ingest(ArticleInput(text=LIMA_2, outlet="B"), story=story)
    leaving = ingest(ArticleInput(text=LIMA_3, outlet="C"), story=story).article
    _summed_under_older_parameters(story)
    _split_off(leaving)
    state = _state_of(story)
    assert state.profile_key == default_params().profile_key()
    assert state.count == 2
    expected = sum(profile_of(a).vector for a in story.articles.all())
    assert np.allclose(state.vector_sum, expected, atol=1e-6)


def test_an_article_whose_reprocessing_failed_stays_in_the_rebuilt_sum_and_leaves_it_once():
    first = ingest(ArticleInput(text=LIMA_1, outlet="A")).article
    story = first.story
    second = ingest(ArticleInput(text=LIMA_2, outlet="B"), story=story).article
    failed = ingest(ArticleInput(text=LIMA_3, outlet="C"), story=story).article
    # Its re-processing failed: still in the story with its stored sentences, and in the sum.
    Article.objects.filter(pk=failed.pk).update(status=Article.Status.FAILED)
    _summed_under_older_parameters(story)
    fourth = ingest(ArticleInput(text=LIMA_3 + "\nAid arrived on Tuesday.", outlet="D"), story=story).article
    assert _state_of(story).count == 4
    _split_off(failed)
    state = _state_of(story)
    assert state.count == 3
    expected = sum(profile_of(a).vector for a in (first, second, fourth))
    assert np.allclose(state.vector_sum, expected, atol=1e-6)


def test_a_new_article_is_compared_with_its_nearest_older_articles_only(monkeypatch):
    from compare.models import AlignedPair
    from compare.services import alignment

    monkeypatch.setattr(alignment, "NEAREST_ARTICLES", 2)
    story = Story.objects.create(title="Lima", title_set_by_editor=True)
    texts = [LIMA_1, LIMA_2, LIMA_3, REHAB, LIMA_1 + "\nAid arrived on Tuesday."]
    articles = [
        ingest(ArticleInput(text=t, outlet=f"Outlet {n}"), story=story).article for n, t in enumerate(texts)
    ]
    last = articles[-1]
    pairs = AlignedPair.objects.filter(story=story, second=last)
    assert pairs.count() == 4  # every older article is accounted for...
    compared = set(pairs.filter(compared=True).values_list("first_id", flat=True))
    assert len(compared) == 2 and articles[3].pk not in compared  # ...two compared, never the rehab one
    linked = {
        other
        for a, b in Link.objects.filter(story=story).values_list("a__article_id", "b__article_id")
        if last.pk in (a, b)
        for other in (a, b)
        if other != last.pk
    }
    assert linked <= compared
