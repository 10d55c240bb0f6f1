"""Story changes an editor (or ``recluster``) asks for: move an article, merge two stories, rename one."""

from __future__ import annotations

from django.db import transaction

from compare.models import Article, Sentence, Story
from compare.services.alignment import align_story, drop_article_links, regroup_facts
from compare.services.placement import join_story
from compare.services.story_index import forget
from compare.services.story_profiles import add_to_profile, profile_of, refresh_title, remove_from_profile


@transaction.atomic
def move_article(article: Article, target: Story, *, by_editor: bool = True) -> Story:
    """Move an article to another story; both stories are re-aligned where they changed."""
    source = article.story
    if source is not None and source.pk == target.pk:
        return target
    if source is not None:
        source = Story.objects.select_for_update().get(pk=source.pk)
        remove_from_profile(source, article, profile_of(article))
        drop_article_links(source, article.pk)
        Sentence.objects.filter(article=article).update(fact=None)
    article.placed_by_editor = by_editor or article.placed_by_editor
    story = join_story(article, target)
    if source is not None:
        if source.articles.exists():
            regroup_facts(source)
            refresh_title(source)
        else:
            forget(source.pk)
            source.delete()
    return story


@transaction.atomic
def merge_stories(target: Story, other: Story) -> Story:
    """Fold ``other`` into ``target``: its articles move (editor links between them are kept)."""
    if target.pk == other.pk:
        return target
    for article in list(other.articles.order_by("id")):
        Sentence.objects.filter(article=article).update(fact=None)
        article.story = target
        article.placed_by_editor = True
        article.save(update_fields=["story", "placed_by_editor", "updated_at"])
        add_to_profile(target, article, profile_of(article))
    # Links inside the merged story stay valid: re-home them instead of recomputing.
    other.links.update(story=target)
    other.aligned_pairs.update(story=target)
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
