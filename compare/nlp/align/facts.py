"""From the links of a whole story (N articles) to facts: shared by several outlets, in part, or by one alone.

``group_facts`` merges sentences by average linkage over the links that
``align.align_pair`` made between each pair of articles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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
    # A fact is "shared" when a "same" link joins two of its sentences.
    fact_of = {ref: n for n, members in enumerate(ordered) for ref in members}
    with_same = {
        fact_of[x] for (x, y), link in linked.items() if link.kind == "same" and fact_of[x] == fact_of[y]
    }
    return [_make_fact(n, members, order, linked_refs, n in with_same) for n, members in enumerate(ordered)]


def _key(x: SentenceRef, y: SentenceRef) -> tuple[SentenceRef, SentenceRef]:
    return (x, y) if x < y else (y, x)


def _average_linkage(
    refs: list[SentenceRef],
    linked: dict[tuple[SentenceRef, SentenceRef], Link],
    min_fraction: float,
    compared: Collection[frozenset[int]] | None,
) -> list[list[SentenceRef]]:
    compared_with: dict[int, set[int]] | None = None
    if compared is not None:
        compared_with = defaultdict(set)
        for pair in compared:
            x, y = tuple(pair)
            compared_with[x].add(y)
            compared_with[y].add(x)
    group_of = {ref: n for n, ref in enumerate(refs)}
    groups: dict[int, list[SentenceRef]] = {n: [ref] for n, ref in enumerate(refs)}
    # Kept up to date as groups merge: each group's sentences per article, and the
    # number of links between any two groups (so a merge is judged in constant time).
    articles: dict[int, Counter[int]] = {n: Counter({ref.article: 1}) for n, ref in enumerate(refs)}
    between: dict[int, Counter[int]] = defaultdict(Counter)
    for x, y in linked:
        between[group_of[x]][group_of[y]] += 1
        between[group_of[y]][group_of[x]] += 1
    # Two groups refused once stay refused until one of them grows: every further
    # link between them would be judged on the same counts.
    version = dict.fromkeys(groups, 0)
    refused: set[tuple[int, int, int, int]] = set()
    for link in sorted(linked.values(), key=lambda lk: (-lk.score, lk.a, lk.b)):
        first, second = group_of[link.a], group_of[link.b]
        if first == second:
            continue
        if len(groups[first]) < len(groups[second]) or (
            len(groups[first]) == len(groups[second]) and first > second
        ):
            first, second = second, first  # merge the smaller group into the larger
        key = (first, second, version[first], version[second])
        if key in refused:
            continue
        cross_pairs = _cross_pairs(articles[first], articles[second], compared_with)
        if not cross_pairs or between[first][second] / cross_pairs < min_fraction:
            refused.add(key)
            continue
        version[first] += 1
        for ref in groups[second]:
            group_of[ref] = first
        groups[first].extend(groups.pop(second))
        articles[first].update(articles.pop(second))
        for other, count in between.pop(second).items():
            del between[other][second]
            if other != first:
                between[first][other] += count
                between[other][first] += count
    return list(groups.values())


def _cross_pairs(first: Counter[int], second: Counter[int], compared_with: dict[int, set[int]] | None) -> int:
    """Sentence pairs of two groups whose articles differ and were compared (all, when ``None``)."""
    if compared_with is None:
        total = sum(second.values())
        return sum(count * (total - second[article]) for article, count in first.items())
    # Walk the smaller group's articles and, for each, the bounded number of articles it
    # was compared with: a big fact's hundreds of articles are never walked whole.
    small, large = (first, second) if len(first) <= len(second) else (second, first)
    return sum(count * sum(large.get(y, 0) for y in compared_with[x]) for x, count in small.items())


def _make_fact(
    fact_id: int,
    members: list[SentenceRef],
    order: dict[int, int],
    linked_refs: set[SentenceRef],
    has_same_link: bool,
) -> Fact:
    articles = tuple(sorted({ref.article for ref in members}, key=order.__getitem__))
    if len(members) == 1:
        # Linked, but its counterparts sit in facts of their own: partly shared, never "alone".
        kind = "partial" if members[0] in linked_refs else "unique"
    else:
        kind = "shared" if has_same_link else "partial"
    return Fact(fact_id, kind, tuple(members), articles)
