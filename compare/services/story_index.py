"""The process-wide index of active stories that story assignment searches.

Each story stores its state (vector sum, entity counts, dates); the index
reloads only stories changed since its last look, so a decision costs one
small query plus one vectorised pass over the stories. Nothing else in the
services keeps process-wide state.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from django.utils import timezone

from compare.models import Story
from compare.nlp.stories.clustering import StoryIndex, StoryState, default_params
from compare.services.encoder import get_encoder

SYNC_MARGIN = timedelta(seconds=120)
_lock = threading.Lock()
_index: StoryIndex | None = None
_synced_at: datetime | None = None
# The updated_at of each story as the index holds it: a story seen again within
# the margin is re-read only when it has really changed.
_versions: dict[int, datetime] = {}


def reset_index() -> None:
    """Forget the in-process index (tests, a rolled-back bulk import, ``evaluate``'s isolated database)."""
    global _index, _synced_at
    with _lock:
        _index, _synced_at = None, None
        _versions.clear()


def story_state(story: Story) -> StoryState | None:
    """The story's stored profile state; None for a story with no processed article."""
    if not story.profile_vector or not story.profile_state.get("count"):
        return None
    return StoryState.from_json(story.profile_state, bytes(story.profile_vector))


def story_index() -> StoryIndex:
    """The index of active stories, brought up to date with the database."""
    global _index, _synced_at
    with _lock:
        now = timezone.now()
        if _index is None:
            _index = StoryIndex(dim=get_encoder().dim, params=default_params())
            changed = Story.objects.all()
        else:
            # The margin catches stories written by transactions that began
            # before the last look but committed after it (other workers).
            recent = Story.objects.filter(updated_at__gte=_synced_at - SYNC_MARGIN)
            stale = [pk for pk, at in recent.values_list("id", "updated_at") if _versions.get(pk) != at]
            # Many at once (another process's bulk import): the rows just listed, read whole.
            changed = Story.objects.filter(pk__in=stale) if len(stale) <= 500 else recent
        for story in changed.only("id", "updated_at", "profile_vector", "profile_state"):
            state = story_state(story)
            if story.pk in _index:
                _index.drop(story.pk)
            if state is not None:
                _index.add_story(story.pk, state)
            _versions[story.pk] = story.updated_at
        _synced_at = now
        return _index


def forget(story_id: int) -> None:
    """Drop a deleted story from the index at once."""
    with _lock:
        _versions.pop(story_id, None)
        if _index is not None and story_id in _index:
            _index.drop(story_id)
