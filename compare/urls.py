from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from compare.web import coverage_views, editor_views, errors, feed_views, views

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
    path("stories/<int:story_id>/history/", views.story_history, name="story-history"),
    path("stories/<int:story_id>/timeline/", coverage_views.story_timeline, name="story-timeline"),
    path("outlets/<int:outlet_id>/", coverage_views.outlet_detail, name="outlet-detail"),
    path("corrections/<int:correction_id>/undo/", editor_views.correction_undo, name="correction-undo"),
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
    path("articles/<int:article_id>/revisions/", feed_views.article_revisions, name="article-revisions"),
    path("feeds/", feed_views.feed_list, name="feed-list"),
    path("feeds/<int:feed_id>/poll/", feed_views.feed_poll, name="feed-poll"),
]

# Sign in and out, and change a password; resetting a forgotten one mails a link, so it is
# offered only where the server can send mail (EMAIL_HOST).
account_patterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("", include((compare_patterns, "compare"))),
    path(
        "accounts/",
        include("django.contrib.auth.urls" if settings.PASSWORD_RESET_ENABLED else account_patterns),
    ),
    path("admin/", admin.site.urls),
    path("favicon.ico", errors.favicon),
]

handler404 = errors.page_not_found
