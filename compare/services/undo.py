"""Undo an editor's rename, move, merge or link verdict, from what its Correction recorded.

An undo is itself a correction ("undo-renamed"...), and a correction is undone
at most once. It is refused, with the reason, when the story or article has
changed since in a way the undo would trample (renamed again, moved again).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils.dateparse import parse_datetime

from compare.models import Article, Correction, Link, Story
from compare.services import stories
from compare.services.alignment import regroup_facts
from compare.services.corrections import CorrectionError, record, restore_links, reviewed_links

Undo = Callable[[Correction, object], Correction]


def can_undo(correction: Correction) -> bool:
    return correction.action in _UNDO and not correction.detail.get("undone_by")


@transaction.atomic
def undo(correction: Correction, user) -> Correction:
    """Reverse ``correction``; returns the correction that records the undo.

    Raises:
        CorrectionError: it cannot be undone (already undone, or changed since); the message says which.
    """
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.detail.get("undone_by"):
        raise CorrectionError("This was undone already.")
    if correction.action not in _UNDO:
        raise CorrectionError("This kind of correction cannot be undone.")
    done = _UNDO[correction.action](correction, user)
    correction.detail = {**correction.detail, "undone_by": done.pk}
    correction.save(update_fields=["detail"])
    return done


def _story(correction: Correction) -> Story:
    if correction.story is None:
        raise CorrectionError("The story it changed is gone.")
    return Story.objects.select_for_update().get(pk=correction.story_id)


def _undo_rename(correction: Correction, user) -> Correction:
    story = _story(correction)
    detail = correction.detail
    if story.title != detail["new"]:
        raise CorrectionError("The story has been renamed again since: rename it instead.")
    stories.rename_story(story, detail["old"])
    story.title_set_by_editor = detail.get("old_set_by_editor", True)
    story.save(update_fields=["title_set_by_editor"])
    return record(story, user, "undo-renamed", undoes=correction.pk, old=detail["new"], new=detail["old"])


def _undo_verdict(correction: Correction, user) -> Correction:
    detail = correction.detail
    link = Link.objects.select_for_update().filter(pk=detail["link"]).first()
    if link is None:
        raise CorrectionError("The link is gone (its article was processed again or moved).")
    if link.verdict != correction.action.removeprefix("link-"):
        raise CorrectionError("The link has been reviewed again since.")
    link.verdict = detail.get("prev_verdict", Link.Verdict.NONE)
    link.reviewed_by_id = detail.get("prev_reviewed_by")
    link.reviewed_at = parse_datetime(detail["prev_reviewed_at"]) if detail.get("prev_reviewed_at") else None
    link.save(update_fields=["verdict", "reviewed_by", "reviewed_at"])
    regroup_facts(link.story)
    return record(
        link.story,
        user,
        f"undo-{correction.action}",
        undoes=correction.pk,
        link=link.pk,
        a=link.a_id,
        b=link.b_id,
    )


def _undo_move(correction: Correction, user) -> Correction:
    detail = correction.detail
    article = Article.objects.filter(pk=detail["article"]).first()
    if article is None or article.story_id != detail["target"]:
        raise CorrectionError("The article has been moved again since: move it instead.")
    source = Story.objects.filter(pk=detail["source"]).first() if detail.get("source") else None
    if source is None:  # it was the story's last article, and the story went with it
        source = Story.objects.create(title=detail.get("source_title") or article.title or "Untitled story")
    try:
        stories.move_article(article, source, by_editor=True)
    except stories.StoryGone as exc:
        raise CorrectionError(str(exc)) from None
    Article.objects.filter(pk=article.pk).update(placed_by_editor=detail.get("prev_placed_by_editor", True))
    return record(
        source,
        user,
        "undo-moved",
        undoes=correction.pk,
        article=article.pk,
        source=detail["target"],
        target=source.pk,
    )


def _undo_merge(correction: Correction, user) -> Correction:
    target = _story(correction)
    detail = correction.detail
    placed = {int(pk): flag for pk, flag in detail.get("articles", {}).items()}
    articles = list(Article.objects.filter(pk__in=list(placed), story=target).order_by("id"))
    if not articles:
        raise CorrectionError("None of the merged story's articles is in this story any more.")
    restored = Story.objects.create(
        title=detail["other_title"], title_set_by_editor=detail.get("other_title_set_by_editor", False)
    )
    # Editors' links and verdicts between the restored articles go back with them (their
    # links to the target's articles are dropped, as in any move).
    ids = {a.pk for a in articles}
    saved = [row for a in articles for row in reviewed_links(a) if row[0] in ids and row[2] in ids]
    for article in articles:
        stories.move_article(article, restored, by_editor=True)
        Article.objects.filter(pk=article.pk).update(placed_by_editor=placed[article.pk])
    if saved:
        restore_links(restored, saved)
        regroup_facts(restored)
    return record(
        target,
        user,
        "undo-merged",
        undoes=correction.pk,
        restored=restored.pk,
        restored_title=restored.title,
        articles=[a.pk for a in articles],
    )


_UNDO: dict[str, Undo] = {
    "renamed": _undo_rename,
    "link-confirmed": _undo_verdict,
    "link-rejected": _undo_verdict,
    "moved": _undo_move,
    "merged": _undo_merge,
}
