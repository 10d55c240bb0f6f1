from django.contrib import admin
from django.urls import include, path

from compare.web import editor_views, views

app_name = "compare"

compare_patterns = [
    path("", views.story_list, name="story-list"),
    path("stories/<int:story_id>/", views.story_detail, name="story-detail"),
    path(
        "stories/<int:story_id>/sentences/<int:sentence_id>/", views.sentence_detail, name="sentence-detail"
    ),
    path("stories/<int:story_id>/export.<str:fmt>", views.story_export, name="story-export"),
    path("stories/<int:story_id>/links/new/", editor_views.link_add, name="link-add"),
    path("stories/<int:story_id>/merge/", editor_views.story_merge, name="story-merge"),
    path("stories/<int:story_id>/rename/", editor_views.story_rename, name="story-rename"),
    path("links/<int:link_id>/verdict/", editor_views.link_verdict, name="link-verdict"),
    path(
        "sentences/<int:sentence_id>/furniture/", editor_views.sentence_furniture, name="sentence-furniture"
    ),
    path("removals/<int:removal_id>/restore/", editor_views.removal_restore, name="removal-restore"),
    path("articles/<int:article_id>/move/", editor_views.article_move, name="article-move"),
    path("articles/new/", editor_views.article_new, name="article-new"),
    path("articles/preview/", editor_views.article_preview, name="article-preview"),
    path("articles/<int:article_id>/", editor_views.article_status, name="article-status"),
    path("articles/<int:article_id>/retry/", editor_views.article_retry, name="article-retry"),
]

urlpatterns = [
    path("", include((compare_patterns, "compare"))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
