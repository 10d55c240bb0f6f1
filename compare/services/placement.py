"""Story assignment service: every new article finds its story, and editors can fix it.

The pure engine (``compare.nlp.stories.clustering``) scores an article against the
active stories' running centroids. This module keeps that index in step with
the database: each story stores its state (vector sum, entity counts, dates),
and the in-process index reloads only stories changed since its last look, so
a decision costs one small query plus one vectorised pass over the stories.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from compare.models import Article, Sentence, Story
from compare.nlp.embedding.encoders import Encoder
from compare.nlp.stories.clustering import (
    ArticleProfile,
    Assignment,
    StoryIndex,
    StoryState,
    assign,
    build_profile,
    central_title,
    default_params,
)
from compare.services.alignment import align_story, drop_article_links, regroup_facts
from compare.services.encoder import get_encoder

SYNC_MARGIN = timedelta(seconds=120)
_lock = threading.Lock()
_index: StoryIndex | None = None
_synced_at: datetime | None = None
# The updated_at of each story as the index holds it: a story seen again within
# the margin is re-read only when it has really changed.
_versions: dict[int, datetime] = {}


def reset_index() -> None:
    """Forget the in-process index (tests, and ``evaluate`` on its isolated database)."""
    global _index, _synced_at
    with _lock:
        _index, _synced_at = None, None
        _versions.clear()


def _story_state(story: Story) -> StoryState | None:
    if not story.profile_vector or not story.profile_state.get("count"):
        return None
    return StoryState.from_json(story.profile_state, bytes(story.profile_vector))


def story_index() -> StoryIndex:
    """The index of active stories, brought up to date with the database."""
    global _index, _synced_at
    with _lock:
        now = timezone.now()
        if _index is None:
            _index = StoryIndex(params=default_params())
            changed = Story.objects.all()
        else:
            # The margin catches stories written by transactions that began
            # before the last look but committed after it (other workers).
            recent = Story.objects.filter(updated_at__gte=_synced_at - SYNC_MARGIN)
            stale = [pk for pk, at in recent.values_list("id", "updated_at") if _versions.get(pk) != at]
            # Many at once (another process's bulk import): the rows just listed, read whole.
            changed = Story.objects.filter(pk__in=stale) if len(stale) <= 500 else recent
        for story in changed.only("id", "updated_at", "profile_vector", "profile_state"):
            state = _story_state(story)
            if story.pk in _index:
                _index.drop(story.pk)
            if state is not None:
                _index.add_story(story.pk, state)
            _versions[story.pk] = story.updated_at
        _synced_at = now
        return _index


def _forget(story_id: int) -> None:
    with _lock:
        _versions.pop(story_id, None)
        if _index is not None and story_id in _index:
            _index.drop(story_id)


def profile_of(article: Article, encoder: Encoder | None = None) -> ArticleProfile:
    """The article's profile from its stored sentence embeddings (the title is encoded if new)."""
    from compare.services.ingest import embed_texts

    sentences = list(article.sentences.order_by("index").only("article", "text", "embedding", "kind"))
    title = article.title or (sentences[0].text if sentences else "")
    title_row = np.frombuffer(embed_texts([title], encoder or get_encoder())[0], dtype="<f4")
    rows = [title_row] + [s.vector() for s in sentences]
    return build_profile(title, [s.text for s in sentences], np.stack(rows), article.published)


def suggest(
    article: Article, encoder: Encoder | None = None, profile: ArticleProfile | None = None
) -> Assignment:
    """The best stories for an article (best first) and the machine's decision (``profile``: if known)."""
    profile = profile if profile is not None else profile_of(article, encoder)
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


def _rebuilt(story: Story, encoder: Encoder | None, without: int | None = None) -> StoryState | None:
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
        state = _grown(state, profile_of(article, encoder))
    return state


def _add(story: Story, article: Article, profile: ArticleProfile, encoder: Encoder | None = None) -> None:
    state = _story_state(story)
    if _is_stale(state):  # the parameters changed since it was summed
        state = _rebuilt(story, encoder, without=article.pk)
    _save_state(story, _grown(state, profile))


def _remove(story: Story, article: Article, profile: ArticleProfile, encoder: Encoder | None = None) -> None:
    state = _story_state(story)
    if state is None:
        return
    if _is_stale(state):  # subtracting would take away a different set than was added
        state = _rebuilt(story, encoder, without=article.pk)
    else:
        state.remove(profile)
    _save_state(story, state if state is not None and state.count else None)


def rebuild_profiles(encoder: Encoder | None = None, *, dry_run: bool = False) -> int:
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
            state = _rebuilt(story, encoder)
            stored = (bytes(story.profile_vector) if story.profile_vector else None, story.profile_state)
            if _stored(state) != stored:
                if not dry_run:
                    _save_state(story, state)
                changed += 1
    reset_index()
    return changed


def replace_profile(
    story: Story,
    article: Article,
    old: ArticleProfile | None,
    new: ArticleProfile,
    encoder: Encoder | None = None,
) -> None:
    """An article of the story changed its text: swap its part of the story's profile."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    if _is_stale(_story_state(story)):
        _save_state(story, _rebuilt(story, encoder))  # the article's new text included
        return
    if old is not None:
        _remove(story, article, old)
        story.refresh_from_db(fields=["profile_vector", "profile_state"])
    _add(story, article, new)


def refresh_title(story: Story, encoder: Encoder | None = None) -> None:
    """Give the story its most central headline, unless an editor named it."""
    if story.title_set_by_editor:
        return
    from compare.services.ingest import embed_texts

    titles = [
        t for t in story.articles.filter(status=Article.Status.DONE).values_list("title", flat=True) if t
    ]
    if not titles:
        return
    vectors = np.stack([np.frombuffer(b, dtype="<f4") for b in embed_texts(titles, encoder or get_encoder())])
    title = central_title(titles, vectors)
    if title and title != story.title:
        story.title = title[:500]
        story.save(update_fields=["title", "updated_at"])


@transaction.atomic
def join_story(
    article: Article, story: Story, encoder: Encoder | None = None, profile: ArticleProfile | None = None
) -> Story:
    """Put a processed article in a story, update the story's profile and align the new pairs."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    article.story = story
    article.save(update_fields=["story", "placed_by_editor", "updated_at"])
    _add(story, article, profile if profile is not None else profile_of(article, encoder), encoder)
    refresh_title(story, encoder)
    align_story(story)
    return story


# Any fixed number names PostgreSQL's advisory lock for starting a story.
STORY_START_LOCK = 7_405_301


def _chosen_story(decision: Assignment) -> Story | None:
    story = Story.objects.filter(pk=decision.story).first() if decision.story is not None else None
    if decision.story is not None and story is None:
        _forget(decision.story)  # deleted by another process since the index last looked
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


def assign_story(article: Article, encoder: Encoder | None = None) -> Story:
    """Automatic placement: the story the engine picks, or a new one.

    Two workers placing the first two articles of an event at the same moment
    would each start a story, neither seeing the other's uncommitted one. So
    starting a story is serialised: under a lock held until the transaction
    commits, the decision is taken again with the stories other workers have
    committed meanwhile. Joining a story needs no such lock (the story's row
    lock orders the joins).
    """
    profile = profile_of(article, encoder)  # computed once for the decisions and the join
    story = _chosen_story(suggest(article, encoder, profile))
    if story is None and hold_story_start_lock():
        story = _chosen_story(suggest(article, encoder, profile))
    if story is None:
        story = Story.objects.create(title=(article.title or "Untitled story")[:500])
    return join_story(article, story, encoder, profile)


@transaction.atomic
def move_article(
    article: Article, target: Story, *, by_editor: bool = True, encoder: Encoder | None = None
) -> Story:
    """Move an article to another story; both stories are re-aligned where they changed."""
    source = article.story
    if source is not None and source.pk == target.pk:
        return target
    if source is not None:
        source = Story.objects.select_for_update().get(pk=source.pk)
        _remove(source, article, profile_of(article, encoder), encoder)
        drop_article_links(source, article.pk)
        Sentence.objects.filter(article=article).update(fact=None)
    article.placed_by_editor = by_editor or article.placed_by_editor
    story = join_story(article, target, encoder)
    if source is not None:
        if source.articles.exists():
            regroup_facts(source)
            refresh_title(source, encoder)
        else:
            _forget(source.pk)
            source.delete()
    return story


@transaction.atomic
def merge_stories(target: Story, other: Story, encoder: Encoder | None = None) -> Story:
    """Fold ``other`` into ``target``: its articles move (editor links between them are kept)."""
    if target.pk == other.pk:
        return target
    for article in list(other.articles.order_by("id")):
        Sentence.objects.filter(article=article).update(fact=None)
        article.story = target
        article.placed_by_editor = True
        article.save(update_fields=["story", "placed_by_editor", "updated_at"])
        _add(target, article, profile_of(article, encoder), encoder)
    # Links inside the merged story stay valid: re-home them instead of recomputing.
    other.links.update(story=target)
    other.aligned_pairs.update(story=target)
    _forget(other.pk)
    other.delete()
    refresh_title(target, encoder)
    align_story(target)
    return target


@transaction.atomic
def split_articles(articles: Iterable[Article], title: str = "", encoder: Encoder | None = None) -> Story:
    """Move these articles out of their story into a new one."""
    articles = list(articles)
    story = Story.objects.create(
        title=(title or articles[0].title or "Untitled story")[:500], title_set_by_editor=bool(title)
    )
    for article in articles:
        move_article(article, story, encoder=encoder)
    return story


def rename_story(story: Story, title: str) -> Story:
    story.title = title.strip()[:500]
    story.title_set_by_editor = True
    story.save(update_fields=["title", "title_set_by_editor", "updated_at"])
    return story


def place_article(
    article: Article, *, story: Story | None = None, new_story: bool = False, encoder: Encoder | None = None
) -> Story:
    """Put a freshly processed article where the editor said, or where the engine decides."""
    if story is not None:
        return join_story(article, story, encoder)
    if new_story:
        return join_story(
            article, Story.objects.create(title=(article.title or "Untitled story")[:500]), encoder
        )
    return assign_story(article, encoder)


def suggest_for_sentences(
    title: str, texts: list[str], vectors: np.ndarray, published: datetime | None, title_vector: np.ndarray
) -> Assignment:
    """Candidate stories for an article not stored yet (the upload preview)."""
    rows = np.vstack([title_vector[None, :], vectors]) if len(vectors) else title_vector[None, :]
    profile = build_profile(title, texts, rows, published)
    return assign(profile, story_index())
