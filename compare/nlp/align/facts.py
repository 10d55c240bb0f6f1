"""From the links of a whole story (N articles) to facts: shared by several outlets, in part, or by one alone.

``group_facts`` merges sentences by average linkage over the links that
``align.align_pair`` made between each pair of articles.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

from compare.nlp.align.pair_model import load_model
from compare.nlp.align.types import ArticleSentences, Fact, Link, SentenceRef


def group_facts(
    articles: Sequence[ArticleSentences],
    links: Sequence[Link],
    min_link_fraction: float | None = None,
    compared: Collection[frozenset[int]] | None = None,
) -> list[Fact]:
    """Group the links of a story into facts; every sentence ends in exactly one fact.

    Average linkage, strongest links first: two groups merge only when most
    of the cross-article pairs between them are linked. Connected components
    would chain unrelated sentences through one weak middle link.

    Args:
        articles: the story's articles (their order sets the order of facts).
        links: links between sentences of different articles (from ``align_pair``).
        min_link_fraction: the share of the cross-article pairs between two
            groups that must be linked for them to merge; the fitted pair
            model's when omitted.
        compared: the article pairs that were aligned (``frozenset({x, y})``);
            all of them when omitted. Pairs of articles never compared are
            not counted against a merge: they could not have linked.
    Returns:
        Facts ordered by their first sentence; ids 0..n-1.
    """
    if min_link_fraction is None:
        min_link_fraction = load_model().min_link_fraction
    order = {article.article: position for position, article in enumerate(articles)}
    if len(order) != len(articles):
        raise ValueError("article keys must be distinct")
    refs = [SentenceRef(article.article, i) for article in articles for i in range(len(article.texts))]
    known = set(refs)
    linked: dict[tuple[SentenceRef, SentenceRef], Link] = {}
    for link in links:
        if link.a not in known or link.b not in known:
            raise ValueError(f"link {link} names a sentence not among the articles")
        if link.a.article != link.b.article:
            linked[_key(link.a, link.b)] = link
    groups = _average_linkage(refs, linked, min_link_fraction, compared)
    sort_key = lambda ref: (order[ref.article], ref.sentence)  # noqa: E731
    ordered = sorted((sorted(group, key=sort_key) for group in groups), key=lambda g: sort_key(g[0]))
    linked_refs = {ref for pair in linked for ref in pair}
    return [_make_fact(n, members, linked, order, linked_refs) for n, members in enumerate(ordered)]


def _key(x: SentenceRef, y: SentenceRef) -> tuple[SentenceRef, SentenceRef]:
    return (x, y) if x < y else (y, x)


def _average_linkage(
    refs: list[SentenceRef],
    linked: dict[tuple[SentenceRef, SentenceRef], Link],
    min_fraction: float,
    compared: Collection[frozenset[int]] | None,
) -> list[list[SentenceRef]]:
    neighbours: dict[SentenceRef, set[SentenceRef]] = {ref: set() for ref in refs}
    for x, y in linked:
        neighbours[x].add(y)
        neighbours[y].add(x)
    group_of = {ref: n for n, ref in enumerate(refs)}
    groups: dict[int, list[SentenceRef]] = {n: [ref] for n, ref in enumerate(refs)}
    for link in sorted(linked.values(), key=lambda lk: (-lk.score, lk.a, lk.b)):
        first, second = group_of[link.a], group_of[link.b]
        if first == second:
            continue
        if _link_fraction(groups[first], groups[second], neighbours, compared) < min_fraction:
            continue
        for ref in groups[second]:
            group_of[ref] = first
        groups[first].extend(groups.pop(second))
    return list(groups.values())


def _link_fraction(
    first: list[SentenceRef],
    second: list[SentenceRef],
    neighbours: dict[SentenceRef, set[SentenceRef]],
    compared: Collection[frozenset[int]] | None,
) -> float:
    """Share of the compared cross-article pairs between two groups that are linked."""
    second_set = set(second)
    linked_pairs = sum(len(neighbours[x] & second_set) for x in first)
    second_articles = Counter(ref.article for ref in second)
    first_articles = Counter(ref.article for ref in first)
    cross_pairs = sum(
        count_x * count_y
        for x, count_x in first_articles.items()
        for y, count_y in second_articles.items()
        if x != y and (compared is None or frozenset((x, y)) in compared)
    )
    return linked_pairs / cross_pairs if cross_pairs else 0.0


def _make_fact(
    fact_id: int,
    members: list[SentenceRef],
    linked: dict[tuple[SentenceRef, SentenceRef], Link],
    order: dict[int, int],
    linked_refs: set[SentenceRef],
) -> Fact:
    articles = tuple(sorted({ref.article for ref in members}, key=order.__getitem__))
    if len(members) == 1:
        # Linked, but its counterparts sit in facts of their own: partly shared, never "alone".
        kind = "partial" if members[0] in linked_refs else "unique"
    else:
        inside = [linked.get(_key(x, y)) for n, x in enumerate(members) for y in members[n + 1 :]]
        kind = "shared" if any(link is not None and link.kind == "same" for link in inside) else "partial"
    return Fact(fact_id, kind, tuple(members), articles)
