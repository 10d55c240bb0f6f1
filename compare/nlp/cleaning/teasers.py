"""The end of the page: which blocks after the article advertise other stories.

``find_teasers`` judges the end of the page from the kept texts, the reasons
blocks were removed (``cleaning.classify_line``) and an on-topic flag that the
pipeline computes from embeddings (``topic``).
"""

from __future__ import annotations

from collections.abc import Sequence

from compare.nlp.text.shape import is_body_like, looks_like_heading, words

# Furniture that only ever closes an article: what follows is the page, not the story.
# A credit line ("credit") is kept, but closes the article as it did when it was removed.
CLOSING_REASONS = frozenset(
    {"credit", "contributor-line", "comment-policy", "more-stories", "tags", "site-notice"}
)
# Furniture that may also sit inside an article (a newsletter box, share bar, related link).
MARKER_REASONS = CLOSING_REASONS | {
    "share-button",
    "signup-prompt",
    "login-prompt",
    "follow-prompt",
    "related-link",
    "advert",
    "navigation",
}
# A closing marker that this many body paragraphs follow is not the end (a
# contributor line at the top, say).
_BODY_AFTER_CLOSING = 2
# Fewer headline-shaped lines than this after furniture do not outweigh a body-like one.
_LIST_MIN_HEADS = 3
# A teaser's caption sits right before its headline and is short.
_CAPTION_MAX_WORDS = 25


def _closing_marker(texts: Sequence[str], reasons: Sequence[str | None], body: list[int]) -> int:
    """The first closing marker that ends the article, or ``len(texts)``.

    It ends the article when fewer than two body paragraphs follow it and at
    least as much kept text precedes it as follows it: a page's furniture is
    rarely longer than its story.
    """
    sizes = [len(t) for t in texts]
    for i, reason in enumerate(reasons):
        if reason not in CLOSING_REASONS:
            continue
        if sum(b > i for b in body) < _BODY_AFTER_CLOSING and sum(sizes[:i]) >= sum(sizes[i + 1 :]):
            return i
    return len(texts)


def _teaser_list(texts: Sequence[str], rest: list[int], after: int) -> set[int]:
    """Two or more headline-shaped lines after furniture: a list of other stories.

    The list runs from the caption just before its first headline to its last
    headline. Without furniture before it, a run of short lines at the end is
    as likely a list in the story (an injury report, a cast list) and stays.
    """
    heads = [i for i in rest if i > after and looks_like_heading(texts[i], max_words=_CAPTION_MAX_WORDS)]
    if len(heads) < 2:
        return set()
    first = rest.index(heads[0])
    if first > 0 and rest[first - 1] > after and len(words(texts[rest[first - 1]])) <= _CAPTION_MAX_WORDS:
        first -= 1
    return {i for i in rest[first:] if i <= heads[-1]}


def _end_of_body(
    texts: Sequence[str], reasons: Sequence[str | None], body: list[int], closing: int
) -> int | None:
    """The last body paragraph of the story proper.

    Usually the last body-like paragraph before the closing marker. But a
    teaser list can hold a long caption that reads like body ("Lake Kinneret.
    The high water level created lagoons ..."): when, after some furniture,
    at least three headline-shaped lines follow and at most one body-like
    block, and that tail is shorter than what precedes the furniture, the
    story ended before the furniture.
    """
    sizes = [len(t) for t in texts]
    for marker in (i for i in range(body[0] if body else 0, closing) if reasons[i] in MARKER_REASONS):
        after = [i for i in range(marker + 1, closing) if texts[i]]
        heads = sum(looks_like_heading(texts[i], max_words=_CAPTION_MAX_WORDS) for i in after)
        bodies = sum(i in body for i in after)
        listed = bodies < 2 and heads >= _LIST_MIN_HEADS and heads >= 2 * bodies
        if listed and sum(sizes[:marker]) >= sum(sizes[marker + 1 : closing]):
            return max((b for b in body if b < marker), default=None)
    return max((b for b in body if b < closing), default=None)


def find_teasers(texts: Sequence[str], reasons: Sequence[str | None], on_topic: Sequence[bool]) -> set[int]:
    """Blocks after the end of the article that advertise other stories.

    Everything after a closing marker (credit line, comment policy,
    "More on this story", tags, copyright) that ends the article is page, not
    story. Between the end of the body (``_end_of_body``) and that marker, a
    run of headline-shaped lines after furniture is a teaser list, and, once
    any furniture marker has appeared, an off-topic block is a teaser too.

    Args:
        texts: the kept text of each block ("" for a block that went).
        reasons: the reason a block went entirely, "credit" for a credit line
            (kept, with "" as its text), or None for a kept block.
        on_topic: whether each block is close to the article's own content
            (all True without an encoder).
    Returns:
        Indices of the blocks to remove as teasers.
    """
    body = [i for i, t in enumerate(texts) if t and on_topic[i] and is_body_like(t)]
    closing = _closing_marker(texts, reasons, body)
    teasers = {i for i, t in enumerate(texts) if t and i > closing}
    last_body = _end_of_body(texts, reasons, body, closing)
    if last_body is None:
        return teasers
    rest = [i for i in range(last_body + 1, closing) if texts[i]]
    markers = [i for i in range(last_body + 1, closing) if reasons[i] in MARKER_REASONS]
    if markers:
        teasers |= _teaser_list(texts, rest, markers[0])
        teasers |= {i for i in rest if i > markers[0] and not on_topic[i]}
    return teasers
