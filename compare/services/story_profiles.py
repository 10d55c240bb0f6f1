"""A story's profile: the running sum of its articles' profiles, kept in step as articles come and go.

Story assignment compares a new article with each story's profile (centroid,
entity counts, dates). Each story stores its state; an article joining adds
its profile, one leaving subtracts it, and a state summed under other
clustering parameters is summed afresh from the story's articles.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Exists, OuterRef

from compare.models import Article, Sentence, Story
from compare.nlp.stories.clustering import (
    ArticleProfile,
    StoryState,
    build_profile,
    central_title,
    default_params,
)
from compare.services.story_index import reset_index, story_state
from compare.services.vectors import as_matrix, embed_texts


def profile_of(article: Article) -> ArticleProfile:
    """The article's profile from its stored sentence embeddings (the title is encoded if new)."""
    # Credit lines name agencies, not the event: they stay out of the profile.
    sentences = list(
        article.sentences.exclude(kind=Sentence.Kind.CREDIT)
        .order_by("index")
        .only("article", "text", "embedding", "kind")
    )
    title = article.title or (sentences[0].text if sentences else "")
    title_row = as_matrix(embed_texts([title]))[0]
    rows = [title_row] + [s.vector() for s in sentences]
    return build_profile(title, [s.text for s in sentences], np.stack(rows), article.published)


def _stored(state: StoryState | None) -> tuple[bytes | None, dict]:
    """A story's ``profile_vector`` and ``profile_state`` for this state."""
    return (state.vector_bytes(), state.to_json()) if state else (None, {})


def _save_state(story: Story, state: StoryState | None) -> None:
    story.profile_vector, story.profile_state = _stored(state)
    story.save(update_fields=["profile_vector", "profile_state", "updated_at"])


def _grown(state: StoryState | None, profile: ArticleProfile) -> StoryState:
    """``state`` with the article's profile added (a new one-article state when there is none)."""
    if state is None:
        return StoryState.from_profile(profile)
    state.add(profile)
    return state


def _is_stale(state: StoryState | None) -> bool:
    """Summed from profiles built under other knobs than today's: it must be summed afresh, not updated."""
    return state is not None and state.profile_key != default_params().profile_key()


def _rebuilt(story: Story, without: int | None = None) -> StoryState | None:
    """The story's profile summed afresh from its articles (leaving out the article ``without``).

    It sums what the running sum holds: every article of the story with
    sentences, whatever its status. One whose re-processing failed, or is
    under way, is still in the sum with its stored sentences, and will be
    subtracted once when it leaves or is swapped; one never processed has no
    sentences and is not in it yet.
    """
    state = None
    articles = story.articles.filter(Exists(Sentence.objects.filter(article=OuterRef("pk"))))
    for article in articles.exclude(pk=without).order_by("id"):
        state = _grown(state, profile_of(article))
    return state


def add_to_profile(story: Story, article: Article, profile: ArticleProfile) -> None:
    """The article joined the story: add its profile to the story's."""
    state = story_state(story)
    if _is_stale(state):  # the parameters changed since it was summed
        state = _rebuilt(story, without=article.pk)
    _save_state(story, _grown(state, profile))


def remove_from_profile(story: Story, article: Article, profile: ArticleProfile) -> None:
    """The article left the story: take its profile out of the story's."""
    state = story_state(story)
    if state is None:
        return
    if _is_stale(state):  # subtracting would take away a different set than was added
        state = _rebuilt(story, without=article.pk)
    else:
        state.remove(profile)
    _save_state(story, state if state is not None and state.count else None)


def replace_profile(story: Story, article: Article, old: ArticleProfile | None, new: ArticleProfile) -> None:
    """An article of the story changed its text: swap its part of the story's profile."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    if _is_stale(story_state(story)):
        _save_state(story, _rebuilt(story))  # the article's new text included
        return
    if old is not None:
        remove_from_profile(story, article, old)
        story.refresh_from_db(fields=["profile_vector", "profile_state"])
    add_to_profile(story, article, new)


def rebuild_profiles(*, dry_run: bool = False) -> int:
    """Recompute every story's profile from its processed articles; returns how many stories changed.

    A story's profile is a running sum of its articles' profiles, so one built
    under other clustering parameters (more sentences read for names, say)
    is stale. A stale story is rebuilt anyway when an article next joins or
    leaves it; this rebuilds them all at once, so that assignment compares
    new articles with up-to-date profiles straight away (``recluster
    --rebuild-profiles``). With ``dry_run`` nothing is written: only the stale
    ones are counted.
    """
    changed = 0
    # Ids only: each story's row (profile blob included) is read once, under its lock.
    for pk in Story.objects.order_by("id").values_list("id", flat=True):
        with transaction.atomic():
            story = Story.objects.select_for_update().get(pk=pk)
            state = _rebuilt(story)
            stored = (bytes(story.profile_vector) if story.profile_vector else None, story.profile_state)
            if _stored(state) != stored:
                if not dry_run:
                    _save_state(story, state)
                changed += 1
    reset_index()
    return changed


def refresh_title(story: Story) -> None:
    """Give the story its most central headline, unless an editor named it."""
    if story.title_set_by_editor:
        return
    titles = [
        t for t in story.articles.filter(status=Article.Status.DONE).values_list("title", flat=True) if t
    ]
    if not titles:
        return
    title = central_title(titles, as_matrix(embed_texts(titles)))
    if title and title != story.title:
        story.title = title[:500]
        story.save(update_fields=["title", "updated_at"])
