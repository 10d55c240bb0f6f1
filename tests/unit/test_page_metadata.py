"""A page's own title and publication time, as its meta tags, JSON-LD or <time> state them."""

from __future__ import annotations

import pytest

from compare.nlp.text.html import page_metadata

BODY = "<body><h1>Headline</h1><p>Text of the article.</p></body>"


@pytest.mark.parametrize(
    ("head", "published"),
    [
        (
            '<meta property="article:published_time" content="2018-05-17T14:30:00+03:00">',
            "2018-05-17T14:30:00+03:00",
        ),
        ('<meta property="og:published_time" content="2018-05-17">', "2018-05-17"),
        ('<meta itemprop="datePublished" content="2018-05-17T09:00Z">', "2018-05-17T09:00Z"),
        ('<meta name="DC.date.issued" content="2018-05-17">', "2018-05-17"),
        ('<meta name="parsely-pub-date" content="2018-05-17T10:00:00Z">', "2018-05-17T10:00:00Z"),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebSite", "name": "X"}, {"@type": "NewsArticle", "headline": "Putin meets Assad",'
            ' "datePublished": "2018-05-18T08:00:00+00:00"}]}</script>',
            "2018-05-18T08:00:00+00:00",
        ),
    ],
)
def test_the_publication_time_is_read_from_the_usual_places(head, published):
    assert page_metadata(f"<html><head>{head}</head>{BODY}</html>").published == published


def test_a_time_element_marked_as_published_wins_over_others():
    html = (
        '<html><body><time datetime="2020-01-01">updated</time>'
        '<time itemprop="datePublished" datetime="2018-05-17T08:00">May 17</time></body></html>'
    )
    assert page_metadata(html).published == "2018-05-17T08:00"


def test_the_title_comes_from_open_graph_or_json_ld():
    og = '<html><head><meta property="og:title" content="  Putin meets\n Assad "></head></html>'
    assert page_metadata(og).title == "Putin meets Assad"
    ld = (
        '<html><head><script type="application/ld+json">'
        '[{"@type":"Article","headline":"H","datePublished":"2018"}]</script></head></html>'
    )
    assert page_metadata(ld).title == "H"


@pytest.mark.parametrize(
    "html",
    ["", "\x00", "<html><head><script type='application/ld+json'>{not json</script></head></html>", BODY],
)
def test_a_page_without_them_or_broken_gives_nothing(html):
    found = page_metadata(html)
    assert found.title == "" and found.published == ""
