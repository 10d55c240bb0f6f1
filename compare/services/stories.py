"""Story changes an editor (or ``recluster``) asks for: move an article, merge two stories, rename one."""

from __future__ import annotations

from django.db import transaction

from compare.models import Article, Correction, Sentence, Story
from compare.services.alignment import align_story, drop_article_links
from compare.services.placement import join_story
from compare.services.story_index import forget
from compare.services.story_profiles import add_to_profile, profile_of, refresh_title, remove_from_profile


class StoryGone(ValueError):
    """A story an editor acted on was merged, emptied or deleted meanwhile; the message is for them."""


GONE = "One of these stories was merged or removed meanwhile: reload the page and try again."


@transaction.atomic
def move_article(article: Article, target: Story, *, by_editor: bool = True) -> Story:
    """Move an article to another story; both stories are re-aligned where they changed.

    Raises:
        StoryGone: the target story no longer exists (merged away by someone else).
    """
    # The article's story as it is now, not as the caller read it (it may have been merged away since).
    # Stories are locked in id order, then the article: the order merge_stories takes them in.
    source_id = Article.objects.filter(pk=article.pk).values_list("story_id", flat=True).first()
    wanted = sorted({target.pk, source_id} - {None})
    locked = {
        story.pk: story for story in Story.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
    }
    current = Article.objects.select_for_update().filter(pk=article.pk).values_list("story_id", flat=True)
    if target.pk not in locked or current.first() != source_id:
        raise StoryGone(GONE)
    article.story_id = source_id
    source = locked.get(source_id)
    if source is not None and source.pk == target.pk:
        return target
    if source is not None:
        remove_from_profile(source, article, profile_of(article))
        drop_article_links(source, article.pk)
        Sentence.objects.filter(article=article).update(fact=None)
    article.placed_by_editor = by_editor or article.placed_by_editor
    story = join_story(article, target)
    if source is not None:
        if source.articles.exists():
            align_story(source)  # pairs passed over may now be compared; regroups its facts
            refresh_title(source)
        else:
            forget(source.pk)
            source.delete()
    return story


@transaction.atomic
def merge_stories(target: Story, other: Story) -> Story:
    """Fold ``other`` into ``target``: its articles move (editor links between them are kept).

    Both rows are locked first, in id order, so two editors merging the same two
    stories in opposite directions at once are served one after the other: the
    second finds a story gone and is told so, instead of deleting both.

    Raises:
        StoryGone: either story no longer exists.
    """
    if target.pk == other.pk:
        return target
    locked = Story.objects.select_for_update().filter(pk__in=[target.pk, other.pk]).order_by("pk")
    current = {story.pk: story for story in locked}
    if len(current) != 2:
        raise StoryGone(GONE)
    target, other = current[target.pk], current[other.pk]
    for article in list(other.articles.order_by("id")):
        Sentence.objects.filter(article=article).update(fact=None)
        article.story = target
        article.placed_by_editor = True
        article.save(update_fields=["story", "placed_by_editor", "updated_at"])
        add_to_profile(target, article, profile_of(article))
    # Links inside the merged story stay valid: re-home them instead of recomputing.
    other.links.update(story=target)
    other.aligned_pairs.update(story=target)
    # Pairs passed over in either story are judged again among the merged story's articles.
    target.aligned_pairs.filter(compared=False).delete()
    # The merged story's history becomes this one's: it outlives the merge.
    Correction.objects.filter(story=other).update(story=target)
    forget(other.pk)
    other.delete()
    refresh_title(target)
    align_story(target)
    return target


def rename_story(story: Story, title: str) -> Story:
    story.title = title.strip()[:500]
    story.title_set_by_editor = True
    story.save(update_fields=["title", "title_set_by_editor", "updated_at"])
    return story
