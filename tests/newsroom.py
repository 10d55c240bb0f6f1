"""A newsroom's worth of stories for the list, outlet and timeline tests (hashing encoder, no model).

Each story is an event eight outlets covered in part: every article carries some of
the event's facts (the same sentence, so the hashing encoder links them), one fact of
its own, and outlets publish in an order that interleaves them, some of them twice,
which is what made the old story cards repeat outlet names.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from compare.models import Story
from compare.services.ingest import ArticleInput, ingest

PLACES = "Valletta Lima Oslo Quito Hanoi Dakar Perth Tunis Riga Porto Accra Cusco Bergen Split Cork".split()
EVENTS = "storm flood strike fire quake blackout protest election drought landslide".split()
OUTLETS = [f"Outlet {n}" for n in range(1, 9)]
START = datetime(2026, 3, 1, 8, 0, tzinfo=timezone.get_current_timezone())


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def _words(seed: int, count: int = 8) -> str:
    """Made-up words, different for every seed: the hashing encoder links sentences by shared words."""
    rng = random.Random(seed)
    return " ".join("".join(rng.sample(SYLLABLES, 3)) for _ in range(count))


def _fact(story: int, n: int) -> str:
    return _words(story * 100 + n).capitalize() + "."


def article_text(story: int, outlet: str, facts: list[int], extra: int, own: int = 1) -> str:
    event, place = EVENTS[story % len(EVENTS)], PLACES[story % len(PLACES)]
    title = f"{event.capitalize()} in {place}, {_words(story * 77 + extra, 3)}"
    lines = [_fact(story, n) for n in facts]
    for k in range(own):  # facts of this article's own
        lines.append(_words(story * 1000 + 500 + extra * 10 + k, 10).capitalize() + ".")
    return title + "\n\n" + "\n".join(lines)


def build_story(
    number: int, outlets: list[str], *, first_day: int = 0, undated: int = 0, own: int = 1
) -> Story:
    """One story: ``outlets`` in publication order (a name may come twice: an update).

    The first article has ``own`` facts of its own, every other article one.
    """
    story = Story.objects.create(
        title_set_by_editor=True,
        title=f"Story {number}: {EVENTS[number % len(EVENTS)]} in {PLACES[number % len(PLACES)]}",
    )
    for k, outlet in enumerate(outlets):
        facts = [n for n in range(6) if (n + k) % 3 != 0]  # each fact in two thirds of the articles
        published = None if k >= len(outlets) - undated else START + timedelta(days=first_day, hours=5 * k)
        text = article_text(number, outlet, facts, k, own if k == 0 else 1)
        ingest(ArticleInput(text=text, outlet=outlet, published=published), story=story)
    return story


def interleaved(count: int, offset: int = 0) -> list[str]:
    """``count`` outlets in an order that is not alphabetical, the first one publishing again at the end."""
    names = [OUTLETS[(offset + 4 + n) % len(OUTLETS)] for n in range(min(count, len(OUTLETS)))]
    return names + names[:1]


def build_newsroom(stories: int) -> list[Story]:
    """``stories`` stories over eight outlets, a day apart, with two to eight outlets each."""
    return [build_story(n, interleaved(2 + n % 7, n), first_day=n, own=1 + n % 4) for n in range(stories)]
