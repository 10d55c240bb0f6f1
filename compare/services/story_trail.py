"""Where a merged or emptied story's articles went, from the editors' recorded corrections.

A merge records the merged story's id and its articles; a move records the
article and the story it left. The articles' stories *now* are the answer: an
article may have moved again, or a merge been undone, since.
"""

from __future__ import annotations

from django.db.models import Q

from compare.models import Article, Correction, Story

# Enough for any one story; keeps the lookup bounded on a 404.
MAX_CORRECTIONS = 200


def where_articles_went(story_id: int) -> list[Story]:
    """The stories now holding articles that were in ``story_id``, most articles first.

    Empty when nothing is recorded (the id never existed, or its articles are gone too).
    """
    corrections = Correction.objects.filter(
        Q(action="merged", detail__other=story_id) | Q(action="moved", detail__source=story_id)
    ).order_by("-id")[:MAX_CORRECTIONS]
    article_ids: set[int] = set()
    for correction in corrections.values_list("action", "detail"):
        action, detail = correction
        if action == "merged":
            article_ids.update(int(pk) for pk in detail.get("articles", {}))
        elif isinstance(detail.get("article"), int):
            article_ids.add(detail["article"])
    counts: dict[int, int] = {}
    for current in Article.objects.filter(pk__in=article_ids, story__isnull=False).values_list(
        "story_id", flat=True
    ):
        counts[current] = counts.get(current, 0) + 1
    stories = Story.objects.filter(pk__in=counts).exclude(pk=story_id).only("id", "title")
    return sorted(stories, key=lambda s: (-counts[s.pk], s.pk))
