"""Alignment service: compute, store and regroup a story's links and facts.

Only new article pairs are aligned (the model is never called here: sentence
embeddings are already stored), and editor decisions survive every re-run:
a rejected link stays rejected, an editor's link stays, a confirmed one stays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

import numpy as np
from django.db import transaction

from compare.models import AlignedPair, Article, Fact, Link, Sentence, Story
from compare.nlp.align import ArticleSentences, SentenceRef, align_pair, group_facts
from compare.nlp.align import Link as PairLink
from compare.nlp.embedding import EMBEDDING_DIM


def _article_sentences(article: Article, sentences: list[Sentence]) -> ArticleSentences:
    vectors = [s.vector() for s in sentences]
    matrix = (
        np.stack([v if v is not None else np.zeros(EMBEDDING_DIM, "<f4") for v in vectors]).astype(np.float32)
        if vectors
        else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    )
    return ArticleSentences(
        article=article.pk,
        texts=[s.text for s in sentences],
        embeddings=matrix,
        kinds=[s.kind for s in sentences],
    )


def _load(story: Story) -> tuple[list[ArticleSentences], dict[tuple[int, int], Sentence]]:
    articles = list(story.articles.filter(status=Article.Status.DONE).order_by("id"))
    by_article: dict[int, list[Sentence]] = defaultdict(list)
    for sentence in Sentence.objects.filter(article__in=articles).order_by("article_id", "index"):
        by_article[sentence.article_id].append(sentence)
    lookup = {(s.article_id, s.index): s for group in by_article.values() for s in group}
    return [_article_sentences(a, by_article[a.pk]) for a in articles], lookup


def _aligned_pairs(story: Story) -> set[tuple[int, int]]:
    return set(AlignedPair.objects.filter(story=story).values_list("first_id", "second_id"))


def _store_pair_links(
    story: Story, links: Iterable[PairLink], lookup: dict[tuple[int, int], Sentence]
) -> None:
    """Add the machine's links, leaving alone any pair an editor already decided on."""
    existing = {
        (a, b): verdict
        for a, b, verdict in Link.objects.filter(story=story).values_list("a_id", "b_id", "verdict")
    }
    fresh = []
    for link in links:
        a, b = lookup[(link.a.article, link.a.sentence)], lookup[(link.b.article, link.b.sentence)]
        if a.article_id > b.article_id:
            a, b = b, a
        if (a.pk, b.pk) in existing or (b.pk, a.pk) in existing:
            continue
        fresh.append(Link(story=story, a=a, b=b, kind=link.kind, score=float(link.score)))
    Link.objects.bulk_create(fresh)


@transaction.atomic
def align_story(story: Story, *, realign: Iterable[int] = ()) -> None:
    """Align the article pairs of a story that have not been aligned yet, then regroup its facts.

    Args:
        story: the story to bring up to date.
        realign: article ids whose pairs must be recomputed (their unreviewed
            machine links are dropped first; editor decisions are kept).
    """
    story = Story.objects.select_for_update().get(pk=story.pk)
    realign = set(realign)
    if realign:
        drop = Link.objects.filter(story=story, origin=Link.Origin.MACHINE, verdict=Link.Verdict.NONE)
        drop.filter(a__article_id__in=realign).delete()
        drop.filter(b__article_id__in=realign).delete()
        pairs = AlignedPair.objects.filter(story=story)
        pairs.filter(first_id__in=realign).delete()
        pairs.filter(second_id__in=realign).delete()
    articles, lookup = _load(story)
    done = _aligned_pairs(story)
    new_links: list[PairLink] = []
    new_pairs: list[AlignedPair] = []
    for left, right in combinations(articles, 2):  # articles are ordered by id
        if (left.article, right.article) in done:
            continue
        if len(left.texts) and len(right.texts):
            new_links.extend(align_pair(left, right))
        new_pairs.append(AlignedPair(story=story, first_id=left.article, second_id=right.article))
    _store_pair_links(story, new_links, lookup)
    AlignedPair.objects.bulk_create(new_pairs, ignore_conflicts=True)
    regroup_facts(story, articles, lookup)


def drop_article_links(story: Story, article_id: int) -> None:
    """Forget an article's links in a story it leaves (editor-made ones included: they no longer apply)."""
    Link.objects.filter(story=story, a__article_id=article_id).delete()
    Link.objects.filter(story=story, b__article_id=article_id).delete()
    AlignedPair.objects.filter(story=story, first_id=article_id).delete()
    AlignedPair.objects.filter(story=story, second_id=article_id).delete()


def regroup_facts(
    story: Story,
    articles: list[ArticleSentences] | None = None,
    lookup: dict[tuple[int, int], Sentence] | None = None,
) -> None:
    """Rebuild the story's facts from its current links (rejected links ignored)."""
    if articles is None or lookup is None:
        articles, lookup = _load(story)
    by_pk = {s.pk: s for s in lookup.values()}
    links = [
        PairLink(
            a=SentenceRef(by_pk[a].article_id, by_pk[a].index),
            b=SentenceRef(by_pk[b].article_id, by_pk[b].index),
            kind=kind,
            score=score,
        )
        for a, b, kind, score in Link.objects.filter(story=story)
        .exclude(verdict=Link.Verdict.REJECTED)
        .values_list("a_id", "b_id", "kind", "score")
        if a in by_pk and b in by_pk
    ]
    facts = group_facts(articles, links)
    Fact.objects.filter(story=story).delete()
    outlet_of = dict(Article.objects.filter(story=story).values_list("id", "outlet_id"))
    rows = Fact.objects.bulk_create(
        Fact(
            story=story,
            number=number,
            kind=fact.kind,
            outlet_count=len({outlet_of[a] for a in fact.articles}),
        )
        for number, fact in enumerate(facts, start=1)
    )
    changed = []
    for row, fact in zip(rows, facts):
        for ref in fact.members:
            sentence = lookup[(ref.article, ref.sentence)]
            sentence.fact_id = row.pk
            changed.append(sentence)
    Sentence.objects.bulk_update(changed, ["fact"], batch_size=500)
