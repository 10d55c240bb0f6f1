"""Roles: readers read, editors add and correct, admins also manage accounts; every write view checks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from compare.models import Article, Link, Removal, Sentence, Story
from compare.services.ingest import ArticleInput, ingest
from compare.services.roles import grant_role, role_of

pytestmark = pytest.mark.django_db

A = (
    "Gale-force winds closed the harbour in Valletta on Tuesday.\nFerries were cancelled.\n\n"
    "Share this article\n"
)
B = "Gale-force winds closed Valletta harbour on Tuesday, officials said.\nSchools stayed open.\n"


@pytest.fixture
def story() -> Story:
    story = Story.objects.create(title="Storm")
    ingest(ArticleInput(text=A, outlet="Times of Malta"), story=story)
    ingest(ArticleInput(text=B, outlet="MaltaToday"), story=story)
    return story


@pytest.fixture
def reader_client(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="correct horse battery staple")
    grant_role(user, "reader")
    client.force_login(user)
    return client


def write_requests(story: Story) -> list[tuple[str, dict]]:
    """Every write view, with a plausible form."""
    article = Article.objects.filter(story=story).first()
    sentence = Sentence.objects.filter(article=article).first()
    other = Sentence.objects.exclude(article=article).first()
    link = Link.objects.filter(story=story).first()
    removal = Removal.objects.first()
    other_story = Story.objects.create(title="Other")
    return [
        (reverse("compare:article-new"), {"outlet": "X", "text": "A storm hit Malta on Tuesday."}),
        (reverse("compare:article-preview"), {"outlet": "X", "text": "A storm hit Malta on Tuesday."}),
        (reverse("compare:article-retry", args=[article.pk]), {}),
        (reverse("compare:link-verdict", args=[link.pk]), {"verdict": "rejected"}),
        (reverse("compare:link-add", args=[story.pk]), {"a": sentence.pk, "b": other.pk, "kind": "same"}),
        (reverse("compare:sentence-furniture", args=[sentence.pk]), {}),
        (reverse("compare:removal-restore", args=[removal.pk]), {}),
        (reverse("compare:article-move", args=[article.pk]), {"story": "new"}),
        (reverse("compare:story-merge", args=[story.pk]), {"other": other_story.pk}),
        (reverse("compare:story-rename", args=[story.pk]), {"title": "Renamed"}),
    ]


def test_a_reader_gets_a_403_from_every_write_view_and_nothing_changes(reader_client, story):
    links = list(Link.objects.values_list("pk", "verdict"))
    for url, data in write_requests(story):
        response = reader_client.post(url, data)
        assert response.status_code == 403, url
        assert "does not have the role" in response.content.decode()
    story.refresh_from_db()
    assert story.title == "Storm" and Story.objects.count() == 2
    assert list(Link.objects.values_list("pk", "verdict")) == links
    assert Article.objects.count() == 2


def test_a_signed_in_user_without_a_role_cannot_write(client, django_user_model, story):
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 20))
    assert client.post(reverse("compare:story-rename", args=[story.pk]), {"title": "X"}).status_code == 403
    assert client.get(reverse("compare:article-new")).status_code == 403


def test_anonymous_writers_are_sent_to_sign_in(client, story):
    for url, data in write_requests(story):
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


@pytest.mark.parametrize("n", range(10))
def test_an_editor_may_use_every_write_view(editor_client, story, n):
    url, data = write_requests(story)[n]
    assert editor_client.post(url, data).status_code in (200, 302), url


def test_a_reader_sees_no_editor_actions(reader_client, story):
    left, right = Article.objects.order_by("id")
    sentence = left.sentences.first()
    url = reverse("compare:story-detail", args=[story.pk])
    html = reader_client.get(url, {"left": left.pk, "right": right.pk, "focus": sentence.pk}).content.decode()
    assert "Following:" in html
    hidden = ["Editor tools", "Rename", "Merge", "Move", "Confirm link", "Reject link", "page furniture"]
    for action in hidden:
        assert action not in html, action
    assert "Restore</button>" not in html
    assert "Add an article" not in html


def test_an_editor_sees_the_actions(editor_client, story):
    left, right = Article.objects.order_by("id")
    sentence = left.sentences.first()
    url = reverse("compare:story-detail", args=[story.pk])
    html = editor_client.get(url, {"left": left.pk, "right": right.pk, "focus": sentence.pk}).content.decode()
    for action in ["Editor tools", "Rename", "Merge", "Move", "page furniture", "Restore</button>"]:
        assert action in html, action


def test_grant_role_makes_an_editor_and_then_an_admin(django_user_model):
    user = django_user_model.objects.create_user("ana", password="x" * 20)
    out = StringIO()
    call_command("grant_role", "ana", "editor", stdout=out)
    assert "ana is now an editor" in out.getvalue()
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("compare.change_story") and not user.has_perm("compare.delete_story")
    assert role_of(user) == "editor" and not user.is_staff
    call_command("grant_role", "ana", "admin", stdout=out)
    user = django_user_model.objects.get(pk=user.pk)
    assert user.has_perm("compare.delete_story") and user.has_perm("auth.change_user") and user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["admins"]
    call_command("grant_role", "ana", "reader", stdout=out)
    user = django_user_model.objects.get(pk=user.pk)
    assert not user.has_perm("compare.change_story") and user.has_perm("compare.view_story")
    assert not user.is_staff


def test_grant_role_names_an_unknown_user():
    with pytest.raises(CommandError, match="There is no user 'ghost'"):
        call_command("grant_role", "ghost", "editor")


def test_the_migration_created_the_three_groups():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="editors")
    assert {"change_story", "add_article", "change_link"} <= set(
        editors.permissions.values_list("codename", flat=True)
    )
    assert set(Group.objects.values_list("name", flat=True)) >= {"readers", "editors", "admins"}


def test_reading_that_requires_sign_in_needs_the_reader_role(client, django_user_model, story, settings):
    settings.READING_REQUIRES_LOGIN = True
    url = reverse("compare:story-detail", args=[story.pk])
    client.force_login(django_user_model.objects.create_user("nobody", password="x" * 20))
    assert client.get(url).status_code == 403
    grant_role(django_user_model.objects.get(username="nobody"), "reader")
    assert client.get(url).status_code == 200


def test_the_article_page_also_requires_sign_in_when_reading_does(client, story, settings):
    settings.READING_REQUIRES_LOGIN = True
    article = Article.objects.first()
    response = client.get(reverse("compare:article-status", args=[article.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
