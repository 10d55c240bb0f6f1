"""The feeds screen: admins add feeds and poll them; hostile feeds end as plain errors on it, and
nothing already stored is lost."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from feedserver import FeedSite, rss

from compare.models import Article, Feed
from compare.services.feeds import add_feed, poll_feed
from compare.services.roles import grant_role

pytestmark = pytest.mark.django_db

STORY = [
    "Gale-force winds closed the harbour in Valletta on Tuesday, the port authority said.",
    "Ferries to Gozo were cancelled until Wednesday morning.",
]
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>http://127.0.0.1/x</link></item></channel></rss>"""


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.ALLOW_PRIVATE_URLS = True
    settings.FEED_HOST_INTERVAL = 0


@pytest.fixture
def site():
    with FeedSite() as site:
        yield site


@pytest.fixture
def admin_client(django_user_model):
    """A client of its own, so a test can hold an editor's and an admin's side by side."""
    user = django_user_model.objects.create_user("chief", password="correct horse battery staple")
    grant_role(user, "admin")
    client = Client()
    client.force_login(user)
    return client


def feeds_page(client) -> str:
    response = client.get(reverse("compare:feed-list"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_adds_a_feed_on_the_screen_and_polls_it_now(admin_client, site):
    site.article("/a", "Storm shuts Valletta harbour", STORY)
    site.serve("/feed.rss", rss([("Storm shuts Valletta harbour", site.url("/a"))]))
    response = admin_client.post(
        reverse("compare:feed-list"), {"outlet": "Times", "url": site.url("/feed.rss")}
    )
    assert response.status_code == 302
    feed = Feed.objects.get()
    assert (feed.outlet.name, feed.url, feed.created_by.username) == ("Times", site.url("/feed.rss"), "chief")

    response = admin_client.post(reverse("compare:feed-poll", args=[feed.pk]))

    assert response.status_code == 302
    assert Article.objects.get().title == "Storm shuts Valletta harbour"
    page = feeds_page(admin_client)
    assert site.url("/feed.rss") in page and 'data-label="Items found">1</td>' in page and "none" in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "must be an http:// or https:// address"),
        ("ftp://example.org/feed", "must be an http:// or https:// address"),
    ],
)
def test_the_screen_refuses_an_address_no_input_may_use(admin_client, url, message):
    response = admin_client.post(reverse("compare:feed-list"), {"outlet": "Times", "url": url})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Feed.objects.exists()


def test_a_private_address_is_refused_unless_allowed(admin_client, settings):
    settings.ALLOW_PRIVATE_URLS = False
    response = admin_client.post(
        reverse("compare:feed-list"), {"outlet": "Times", "url": "http://10.0.0.8/feed"}
    )
    assert "private or local address" in response.content.decode()
    assert not Feed.objects.exists()


def test_the_same_feed_twice_is_refused(admin_client):
    admin_client.post(reverse("compare:feed-list"), {"outlet": "Times", "url": "http://127.0.0.1:9/feed"})
    response = admin_client.post(
        reverse("compare:feed-list"), {"outlet": "Herald", "url": "http://127.0.0.1:9/feed"}
    )
    assert "already followed for Times" in response.content.decode()
    assert Feed.objects.count() == 1


def test_only_admins_see_the_screen_and_its_link(editor_client, admin_client):
    feeds = reverse("compare:feed-list")
    assert Client().get(feeds).status_code == 302  # to sign in
    assert editor_client.get(feeds).status_code == 403
    assert editor_client.post(feeds, {"outlet": "X", "url": "http://127.0.0.1:9/f"}).status_code == 403
    assert f'href="{feeds}"' not in editor_client.get(reverse("compare:story-list")).content.decode()
    assert f'href="{feeds}"' in admin_client.get(reverse("compare:story-list")).content.decode()


def test_the_poll_button_is_post_only_and_admin_only(editor_client, admin_client):
    feed = add_feed("Times", "http://127.0.0.1:9/feed", None)
    assert admin_client.get(reverse("compare:feed-poll", args=[feed.pk])).status_code == 405
    assert editor_client.post(reverse("compare:feed-poll", args=[feed.pk])).status_code == 403


def _stored_then(site, body: str, **route) -> tuple[Feed, Article]:
    """A feed that went well once, then serves ``body``: the hostile turn of a trusted feed."""
    site.article("/a", "Storm", STORY)
    site.serve("/feed.rss", rss([("Storm", site.url("/a"))]))
    feed = add_feed("Times", site.url("/feed.rss"), None)
    poll_feed(feed.pk)
    site.serve("/feed.rss", body, content_type="application/rss+xml", **route)
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
    return feed, Article.objects.get()


def test_billion_laughs_is_refused_before_parsing_and_nothing_stored_is_lost(admin_client, site):
    feed, article = _stored_then(site, BILLION_LAUGHS)
    result = poll_feed(feed.pk)
    assert (
        result.error
        == "The feed declares XML entities, which can make it expand without limit; it was not read."
    )
    assert result.error in feeds_page(admin_client)
    assert list(Article.objects.all()) == [article]
    feed.refresh_from_db()
    assert feed.items_found == 1 and feed.items.get().article == article


def test_a_50_mb_feed_is_refused_while_it_downloads(admin_client, site, settings):
    feed, article = _stored_then(site, "<item><title>x</title></item>", huge=50 * 1024 * 1024)
    result = poll_feed(feed.pk)
    assert result.error == f"The feed is larger than the {settings.FEED_MAX_BYTES // 1024 // 1024} MB limit."
    assert result.error in feeds_page(admin_client)
    assert list(Article.objects.all()) == [article]


def test_a_javascript_link_is_refused_per_item_and_the_other_items_are_stored(admin_client, site):
    site.article("/b", "Ferries cancelled", STORY)
    site.serve(
        "/feed.rss", rss([("Click me", "javascript:alert(document.cookie)"), ("Ferries", site.url("/b"))])
    )
    feed = add_feed("Times", site.url("/feed.rss"), None)
    result = poll_feed(feed.pk)
    assert result.new_articles == 1
    assert result.item_errors == [
        "The item “Click me” was skipped: its link is not an http:// or https:// address."
    ]
    assert "The item “Click me” was skipped" in feeds_page(admin_client)
    assert not Article.objects.filter(url__icontains="javascript").exists()


def test_script_in_an_item_title_is_shown_as_text(admin_client, site):
    title = '<script>alert("owned")</script><img src=x onerror=alert(1)>Storm'
    site.article("/a", "Storm", STORY)
    site.serve("/feed.rss", rss([(title, site.url("/a")), (title, "javascript:alert(1)")]))
    feed = add_feed("Times", site.url("/feed.rss"), None)
    poll_feed(feed.pk)
    article = Article.objects.get()
    assert article.title == title  # stored as the text it is
    for page in (
        feeds_page(admin_client),
        admin_client.get(article.story.get_absolute_url()).content.decode(),
    ):
        assert "<script>alert" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;"
        in admin_client.get(article.story.get_absolute_url()).content.decode()
    )


def test_the_admin_site_lists_feeds_items_and_revisions(admin_client, site):
    site.article("/a", "Storm", STORY)
    site.serve("/feed.rss", rss([("Storm", site.url("/a"))]))
    poll_feed(add_feed("Times", site.url("/feed.rss"), None).pk)
    for model in ("feed", "feeditem", "feedhost", "articlerevision"):
        assert admin_client.get(reverse(f"admin:compare_{model}_changelist")).status_code == 200
