"""Editor corrections: each takes effect at once, is recorded, and survives re-runs.

Machine links an editor confirmed or rejected keep their verdict when the story
is re-aligned (``align_story`` never overwrites a reviewed pair); links an
editor made are never dropped by the machine; and when an article is processed
again (a block restored, a sentence marked as furniture) its reviewed links are
carried over to the new sentences by their text.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compare.models import Article, Correction, Link, Removal, Sentence, Story, TextOverride
from compare.services import stories
from compare.services.alignment import align_story, regroup_facts
from compare.services.ingest import Prepared, process_articles
from compare.services.story_profiles import profile_of, replace_profile


class CorrectionError(ValueError):
    """A correction that does not make sense; the message is for the editor."""


def record(story: Story | None, user: AbstractBaseUser | None, action: str, **detail) -> Correction:
    return Correction.objects.create(
        story=story, user=user if user and user.is_authenticated else None, action=action, detail=detail
    )


@transaction.atomic
def set_link_verdict(link: Link, verdict: str, user) -> Link:
    if verdict not in {Link.Verdict.CONFIRMED, Link.Verdict.REJECTED}:
        raise CorrectionError("A link can be confirmed or rejected.")
    # What it was, so the verdict can be undone (compare/services/undo.py).
    before = {
        "prev_verdict": link.verdict,
        "prev_reviewed_by": link.reviewed_by_id,
        "prev_reviewed_at": link.reviewed_at.isoformat() if link.reviewed_at else None,
    }
    link.verdict = verdict
    link.reviewed_by = user if user and user.is_authenticated else None
    link.reviewed_at = timezone.now()
    link.save(update_fields=["verdict", "reviewed_by", "reviewed_at"])
    regroup_facts(link.story)
    record(link.story, user, f"link-{verdict}", link=link.pk, a=link.a_id, b=link.b_id, **before)
    return link


@transaction.atomic
def add_link(story: Story, a: Sentence, b: Sentence, kind: str, user) -> Link:
    """Link two sentences the machine missed (or revive one it was told to drop)."""
    if kind not in {Link.Kind.SAME, Link.Kind.PARTIAL}:
        raise CorrectionError("A link is 'same' or 'partial'.")
    if a.article.story_id != story.pk or b.article.story_id != story.pk:
        raise CorrectionError("Both sentences must belong to this story.")
    if a.article_id == b.article_id:
        raise CorrectionError("Link sentences of two different articles.")
    if Sentence.Kind.CREDIT in (a.kind, b.kind):
        raise CorrectionError(
            "A credit line says who reported the article; it is not a fact, so it is not linked."
        )
    if a.article_id > b.article_id:
        a, b = b, a
    link = Link.objects.filter(Q(a=a, b=b) | Q(a=b, b=a)).first() or Link(story=story, a=a, b=b)
    link.kind = kind
    link.origin = Link.Origin.EDITOR if link.pk is None else link.origin
    link.verdict = Link.Verdict.CONFIRMED
    link.reviewed_by = user if user and user.is_authenticated else None
    link.reviewed_at = timezone.now()
    link.save()
    regroup_facts(story)
    record(story, user, "link-added", link=link.pk, a=a.pk, b=b.pk, kind=kind)
    return link


def reviewed_links(article: Article) -> list[tuple]:
    """The article's links an editor made or reviewed, keyed by sentence text (ids change on reprocessing)."""
    links = (
        Link.objects.filter(Q(a__article=article) | Q(b__article=article))
        .filter(Q(origin=Link.Origin.EDITOR) | ~Q(verdict=Link.Verdict.NONE))
        .select_related("a", "b")
    )
    return [
        (
            link.a.article_id,
            link.a.text_hash,
            link.b.article_id,
            link.b.text_hash,
            link.kind,
            link.score,
            link.origin,
            link.verdict,
            link.reviewed_by_id,
            link.reviewed_at,
        )
        for link in links
    ]


def restore_links(story: Story, saved: list[tuple]) -> None:
    sentences: dict[tuple[int, str], Sentence] = {}
    for sentence in Sentence.objects.filter(article__story=story).defer("embedding").order_by("index"):
        sentences.setdefault((sentence.article_id, sentence.text_hash), sentence)
    for a_article, a_hash, b_article, b_hash, kind, score, origin, verdict, reviewer, reviewed_at in saved:
        a, b = sentences.get((a_article, a_hash)), sentences.get((b_article, b_hash))
        if a is None or b is None:
            continue  # the sentence itself is gone (marked as furniture)
        Link.objects.filter(Q(a=a, b=b) | Q(a=b, b=a)).delete()
        Link.objects.create(
            story=story,
            a=a,
            b=b,
            kind=kind,
            score=score,
            origin=origin,
            verdict=verdict,
            reviewed_by_id=reviewer,
            reviewed_at=reviewed_at,
        )


def reprocess_article(article: Article) -> Article:
    """Clean and split an article again (after an override), keeping editors' link decisions.

    It walks the ingest path; its commit step re-aligns the article in its
    story instead of placing it.
    """
    story = article.story
    saved = reviewed_links(article)
    old_profile = profile_of(article) if story else None

    def realign(prepared: Prepared) -> None:
        if story is None:
            return
        replace_profile(story, prepared.article, old_profile, prepared.profile)
        align_story(story, realign={prepared.article.pk})
        restore_links(story, saved)
        regroup_facts(story)

    process_articles([article], realign)
    article.refresh_from_db()
    return article


def mark_furniture(sentence: Sentence, user) -> Article:
    article = sentence.article
    TextOverride.objects.create(
        article=article, text=sentence.text, action=TextOverride.Action.DROP, user=user
    )
    record(article.story, user, "marked-furniture", article=article.pk, text=sentence.text)
    return reprocess_article(article)


def restore_removal(removal: Removal, user) -> Article:
    article = removal.article
    TextOverride.objects.filter(article=article, text=removal.text, action=TextOverride.Action.DROP).delete()
    TextOverride.objects.create(
        article=article, text=removal.text, action=TextOverride.Action.KEEP, user=user
    )
    record(article.story, user, "restored", article=article.pk, text=removal.text, reason=removal.reason)
    return reprocess_article(article)


def move_article(article: Article, target: Story, user) -> Story:
    source, placed = article.story, article.placed_by_editor
    try:
        story = stories.move_article(article, target)
    except stories.StoryGone as exc:
        raise CorrectionError(str(exc)) from None
    record(
        story,
        user,
        "moved",
        article=article.pk,
        source=source.pk if source else None,
        source_title=source.title if source else "",
        target=story.pk,
        prev_placed_by_editor=placed,
    )
    return story


def merge_stories(target: Story, other: Story, user) -> Story:
    if target.pk == other.pk:
        raise CorrectionError("Choose another story to merge with.")
    other_id, other_title, other_titled = other.pk, other.title, other.title_set_by_editor
    placed = dict(other.articles.values_list("pk", "placed_by_editor"))
    try:
        story = stories.merge_stories(target, other)
    except stories.StoryGone as exc:
        raise CorrectionError(str(exc)) from None
    record(
        story,
        user,
        "merged",
        other=other_id,
        other_title=other_title,
        other_title_set_by_editor=other_titled,
        articles={str(pk): flag for pk, flag in placed.items()},  # JSON keys are strings
    )
    return story


def rename_story(story: Story, title: str, user) -> Story:
    if not title.strip():
        raise CorrectionError("A story needs a title.")
    old, titled = story.title, story.title_set_by_editor
    stories.rename_story(story, title)
    record(story, user, "renamed", old=old, new=story.title, old_set_by_editor=titled)
    return story
