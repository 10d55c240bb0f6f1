"""A merged or emptied story's address leads to where its articles went."""

from __future__ import annotations

import pytest
from newsroom import build_story

from compare.models import Story
from compare.services import corrections
from compare.services.undo import undo

pytestmark = pytest.mark.django_db


def test_a_merged_story_redirects_to_the_story_it_was_merged_into(client, editor):
    target, other = build_story(1, ["Outlet 1", "Outlet 2"]), build_story(2, ["Outlet 3"])
    gone = other.pk
    corrections.merge_stories(target, other, editor)
    response = client.get(f"/stories/{gone}/?left=3")
    assert response.status_code == 302
    assert response["Location"] == f"/stories/{target.pk}/?left=3"
    # The story's other pages follow too.
    assert client.get(f"/stories/{gone}/timeline/")["Location"] == f"/stories/{target.pk}/timeline/"


def test_a_story_merged_twice_leads_to_the_last_one(client, editor):
    a, b, c = (build_story(n, [f"Outlet {n}"]) for n in (1, 2, 3))
    first = a.pk
    corrections.merge_stories(b, a, editor)
    corrections.merge_stories(c, b, editor)
    assert client.get(f"/stories/{first}/")["Location"] == f"/stories/{c.pk}/"


def test_an_undone_merge_leads_to_the_restored_story(client, editor):
    target, other = build_story(1, ["Outlet 1", "Outlet 2"]), build_story(2, ["Outlet 3"])
    gone = other.pk
    merge = corrections.merge_stories(target, other, editor).corrections.get(action="merged")
    restored = Story.objects.get(pk=undo(merge, editor).detail["restored"])
    assert client.get(f"/stories/{gone}/")["Location"] == f"/stories/{restored.pk}/"


def test_an_emptied_story_lists_the_stories_its_articles_went_to(client, editor):
    source = build_story(1, ["Outlet 1", "Outlet 2"])
    one, two = build_story(2, ["Outlet 3"]), build_story(3, ["Outlet 4"])
    gone = source.pk
    first, second = source.articles.order_by("id")
    corrections.move_article(first, one, editor)
    corrections.move_article(second, two, editor)
    assert not Story.objects.filter(pk=gone).exists()
    response = client.get(f"/stories/{gone}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "They are now in:" in html
    assert f'href="/stories/{one.pk}/"' in html and f'href="/stories/{two.pk}/"' in html


def test_a_story_that_never_existed_is_a_plain_404(client):
    response = client.get("/stories/424242/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is nothing here" in html and 'class="site-header"' in html


def test_a_404_inside_a_living_story_does_not_redirect(client):
    story = build_story(1, ["Outlet 1", "Outlet 2"])
    response = client.get(f"/stories/{story.pk}/sentences/999999/?other=1")
    assert response.status_code == 404


def test_the_history_says_where_a_moved_article_came_from_and_went(client, editor):
    source = build_story(1, ["Outlet 1", "Outlet 2"])
    target = build_story(2, ["Outlet 3"])
    corrections.move_article(source.articles.order_by("id").first(), target, editor)
    into = client.get(f"/stories/{target.pk}/history/").content.decode()
    assert f"from “{source.title}”" in into and "editor" in into
    out_of = client.get(f"/stories/{source.pk}/history/").content.decode()
    assert f'to <a href="/stories/{target.pk}/">another story</a>' in out_of


def test_a_form_sent_to_a_merged_story_is_not_redirected_but_says_where_it_went(editor_client, editor):
    target, other = build_story(1, ["Outlet 1", "Outlet 2"]), build_story(2, ["Outlet 3"])
    gone = other.pk
    corrections.merge_stories(target, other, editor)
    response = editor_client.post(f"/stories/{gone}/rename/", {"title": "New title"})
    assert response.status_code == 404
    assert f'href="/stories/{target.pk}/"' in response.content.decode()
    assert Story.objects.get(pk=target.pk).title != "New title"
