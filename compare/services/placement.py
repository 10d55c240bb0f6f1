"""Story placement: a processed article joins the story the editor chose, or the one the engine picks.

The pure engine (``compare.nlp.stories.clustering``) scores an article's
profile against the active stories in ``story_index``; this module takes the
decision, keeps the story's profile in step (``story_profiles``) and aligns
the story's new article pairs. Profiles are computed by the caller (ingest
has the vectors at hand); nothing here loads the model.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from django.db import connection, transaction

from compare.models import Article, Story
from compare.nlp.stories.clustering import ArticleProfile, Assignment, StoryState, assign, build_profile
from compare.services.alignment import align_story
from compare.services.story_index import forget, story_index
from compare.services.story_profiles import add_to_profile, profile_of, refresh_title

# Any fixed number names PostgreSQL's advisory lock for starting a story.
STORY_START_LOCK = 7_405_301


def suggest(article: Article, profile: ArticleProfile | None = None) -> Assignment:
    """The best stories for an article (best first) and the machine's decision (``profile``: if known)."""
    profile = profile if profile is not None else profile_of(article)
    index = story_index()
    if article.story_id and article.story_id in index:
        # Judge the article against its story as it would be without it.
        index.remove_article(article.story_id, profile)
        try:
            return assign(profile, index)
        finally:
            if article.story_id in index:
                index.update(article.story_id, profile)
            else:  # it was the story's only article
                index.add_story(article.story_id, StoryState.from_profile(profile))
    return assign(profile, index)


def suggest_for_sentences(
    title: str, texts: list[str], vectors: np.ndarray, published: datetime | None, title_vector: np.ndarray
) -> Assignment:
    """Candidate stories for an article not stored yet (the upload preview)."""
    rows = np.vstack([title_vector[None, :], vectors]) if len(vectors) else title_vector[None, :]
    profile = build_profile(title, texts, rows, published)
    return assign(profile, story_index())


@transaction.atomic
def join_story(article: Article, story: Story, profile: ArticleProfile | None = None) -> Story:
    """Put a processed article in a story, update the story's profile and align the new pairs."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    article.story = story
    article.save(update_fields=["story", "placed_by_editor", "updated_at"])
    add_to_profile(story, article, profile if profile is not None else profile_of(article))
    refresh_title(story)
    align_story(story)
    return story


def _chosen_story(decision: Assignment) -> Story | None:
    story = Story.objects.filter(pk=decision.story).first() if decision.story is not None else None
    if decision.story is not None and story is None:
        forget(decision.story)  # deleted by another process since the index last looked
    return story


def hold_story_start_lock() -> bool:
    """Take the lock for starting stories until the transaction ends (PostgreSQL only).

    A transaction that may lock several stories' rows (bulk import) takes it
    first, before any of them: taken after a row lock, it could close a cycle
    with another transaction holding it and waiting for that row. It is
    re-entrant within one transaction. Returns False where there is no such
    lock: SQLite, which admits one writer at a time anyway, or outside a
    transaction.
    """
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORY_START_LOCK])
    return True


def assign_story(article: Article, profile: ArticleProfile | None = None) -> Story:
    """Automatic placement: the story the engine picks, or a new one.

    Two workers placing the first two articles of an event at the same moment
    would each start a story, neither seeing the other's uncommitted one. So
    starting a story is serialised: under a lock held until the transaction
    commits, the decision is taken again with the stories other workers have
    committed meanwhile. Joining a story needs no such lock (the story's row
    lock orders the joins).
    """
    profile = profile if profile is not None else profile_of(article)  # once, for the decisions and the join
    story = _chosen_story(suggest(article, profile))
    if story is None and hold_story_start_lock():
        story = _chosen_story(suggest(article, profile))
    if story is None:
        story = Story.objects.create(title=(article.title or "Untitled story")[:500])
    return join_story(article, story, profile)


def place_article(
    article: Article,
    *,
    story: Story | None = None,
    new_story: bool = False,
    profile: ArticleProfile | None = None,
) -> Story:
    """Put a freshly processed article where the editor said, or where the engine decides.

    Args:
        article: processed, its sentences saved.
        story: the editor's choice of story.
        new_story: the editor asked for a new story.
        profile: the article's profile when the caller has it (else read from its stored sentences).
    """
    if story is not None:
        return join_story(article, story, profile)
    if new_story:
        return join_story(
            article, Story.objects.create(title=(article.title or "Untitled story")[:500]), profile
        )
    return assign_story(article, profile)
