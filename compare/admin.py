from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Article,
    ArticleRevision,
    Correction,
    Fact,
    Feed,
    FeedHost,
    FeedItem,
    Link,
    Outlet,
    Removal,
    Sentence,
    Story,
    TextOverride,
)


class SentenceInline(admin.TabularInline):
    model = Sentence
    fields = ("index", "paragraph", "kind", "text", "start", "end")
    readonly_fields = fields
    extra = 0
    can_delete = False


class RemovalInline(admin.TabularInline):
    model = Removal
    fields = ("position", "reason", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(Story)
class StoryAdmin(SimpleHistoryAdmin):
    list_display = ("id", "title", "updated_at")
    search_fields = ("title",)


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ("id", "title", "outlet", "story", "status", "published")
    list_filter = ("status", "outlet")
    search_fields = ("title", "cleaned_text")
    readonly_fields = ("content_hash", "created_at", "updated_at")
    inlines = [SentenceInline, RemovalInline]


@admin.register(Sentence)
class SentenceAdmin(admin.ModelAdmin):
    list_display = ("id", "article", "index", "kind", "text")
    list_filter = ("kind",)
    search_fields = ("text",)


@admin.register(Removal)
class RemovalAdmin(admin.ModelAdmin):
    list_display = ("id", "article", "reason", "text")
    list_filter = ("reason",)


@admin.register(Link)
class LinkAdmin(SimpleHistoryAdmin):
    list_display = ("id", "story", "kind", "score", "origin", "verdict")
    list_filter = ("kind", "origin", "verdict")
    raw_id_fields = ("a", "b")


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ("id", "story", "number", "kind", "outlet_count")
    list_filter = ("kind",)


@admin.register(TextOverride)
class TextOverrideAdmin(admin.ModelAdmin):
    list_display = ("id", "article", "action", "user", "created_at")
    list_filter = ("action",)


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    list_display = ("id", "story", "action", "user", "created_at")
    list_filter = ("action",)
    readonly_fields = ("story", "user", "action", "detail", "created_at")


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ("id", "outlet", "url", "last_polled_at", "items_found", "failures", "next_poll_at")
    list_filter = ("outlet",)
    readonly_fields = ("etag", "last_modified", "last_polled_at", "lease_until", "items_found", "created_by")


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = ("id", "feed", "url", "article", "first_seen", "checks", "next_check_at")
    raw_id_fields = ("article",)


@admin.register(FeedHost)
class FeedHostAdmin(admin.ModelAdmin):
    list_display = ("host", "next_allowed_at", "robots_fetched_at")


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    """Revisions are what the outlet published: kept as fetched, never edited."""

    list_display = ("id", "article", "number", "fetched_at")
    readonly_fields = ("article", "number", "fetched_at", "raw_html", "text", "content_hash", "changes")
