"""Alignment service: compute, store and regroup a story's links and facts.

Only new article pairs are aligned (the model is never called here: sentence
embeddings are already stored), and editor decisions survive every re-run:
a rejected link stays rejected, an editor's link stays, a confirmed one stays.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import combinations

import numpy as np
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from compare.models import AlignedPair, Article, Fact, Link, Sentence, Story
from compare.nlp.align.engine import ArticleSentences, SentenceRef, align_pair, group_facts, unit_vectors
from compare.nlp.align.engine import Link as PairLink
from compare.services.encoder import get_encoder


def _article_sentences(article: Article, sentences: list[Sentence]) -> ArticleSentences:
    vectors = [s.vector() for s in sentences]
    dim = next((len(v) for v in vectors if v is not None), get_encoder().dim)
    matrix = (
        np.stack([v if v is not None else np.zeros(dim, "<f4") for v in vectors]).astype(np.float32)
        if vectors
        else np.zeros((0, dim), dtype=np.float32)
    )
    return ArticleSentences(
        article=article.pk,
        texts=[s.text for s in sentences],
        embeddings=matrix,
        kinds=[s.kind for s in sentences],
    )


def _load(story: Story) -> tuple[list[ArticleSentences], dict[tuple[int, int], Sentence]]:
    """The story's done articles as the aligner sees them, and each sentence by (article, position).

    Credit lines are not facts: the aligner never sees them, so a sentence's
    position among its article's fact sentences (the aligner's index) can
    differ from its ``index``.
    """
    articles = list(story.articles.filter(status=Article.Status.DONE).order_by("id"))
    by_article: dict[int, list[Sentence]] = defaultdict(list)
    facts = Sentence.objects.filter(article__in=articles).exclude(kind=Sentence.Kind.CREDIT)
    for sentence in facts.order_by("article_id", "index"):
        by_article[sentence.article_id].append(sentence)
    lookup = {
        (article_id, position): s
        for article_id, group in by_article.items()
        for position, s in enumerate(group)
    }
    return [_article_sentences(a, by_article[a.pk]) for a in articles], lookup


def _aligned_pairs(story: Story) -> set[tuple[int, int]]:
    return set(AlignedPair.objects.filter(story=story).values_list("first_id", "second_id"))


def _store_pair_links(
    story: Story, links: Iterable[PairLink], lookup: dict[tuple[int, int], Sentence], newer: set[int]
) -> None:
    """Add the machine's links, leaving alone any pair an editor already decided on.

    ``newer`` holds the later article of every pair just aligned: only links
    touching them can collide with the new ones, so only those are read.
    """
    touching = Q(a__article_id__in=newer) | Q(b__article_id__in=newer)
    existing = set(Link.objects.filter(touching, story=story).values_list("a_id", "b_id"))
    fresh = []
    for link in links:
        a, b = lookup[(link.a.article, link.a.sentence)], lookup[(link.b.article, link.b.sentence)]
        if a.article_id > b.article_id:
            a, b = b, a
        if (a.pk, b.pk) in existing or (b.pk, a.pk) in existing:
            continue
        fresh.append({"a_id": a.pk, "b_id": b.pk, "kind": link.kind, "score": float(link.score)})
    _insert_rows(Link(story_id=story.pk), fresh)


# Story ids whose alignment waits for the end of a ``deferred_alignment`` block (None: align at once).
_deferred: ContextVar[dict[int, None] | None] = ContextVar("deferred_alignment", default=None)


@contextmanager
def deferred_alignment() -> Iterator[None]:
    """Inside the block, ``align_story`` only notes the story; each noted story is aligned once at the end.

    Bulk import places many articles into the same few stories: aligning and
    regrouping a story once for all its new articles gives the same links and
    facts (a pair of articles is aligned on its own, and facts are regrouped
    from all the story's links) for a fraction of the work. Use it inside the
    transaction that places the articles, so that they are never committed
    unaligned. Nothing is aligned when the block raises.
    """
    if _deferred.get() is not None:  # already deferring: the outer block aligns
        yield
        return
    if not connection.in_atomic_block:
        # Outside a transaction a crash would leave placed, DONE articles that nothing re-aligns.
        raise RuntimeError("deferred_alignment() must run inside transaction.atomic()")
    token = _deferred.set({})
    try:
        yield
        stories = list(_deferred.get())
    finally:
        _deferred.reset(token)
    for story in Story.objects.filter(pk__in=stories).order_by("id"):
        align_story(story)
    # Other processes' story indexes re-read stories changed shortly before their
    # last look (assignment.SYNC_MARGIN). A long chunk stamped its stories when
    # their articles joined, maybe long before this commit: stamp them again now
    # (Python's clock: the database's now() is the transaction's start).
    Story.objects.filter(pk__in=stories).update(updated_at=timezone.now())


@transaction.atomic
def align_story(story: Story, *, realign: Iterable[int] = ()) -> None:
    """Align the article pairs of a story that have not been aligned yet, then regroup its facts.

    Inside ``deferred_alignment`` (and without ``realign``) the story is only
    noted, to be aligned when the block ends.

    Args:
        story: the story to bring up to date.
        realign: article ids whose pairs must be recomputed (their unreviewed
            machine links are dropped first; editor decisions are kept).
    """
    pending = _deferred.get()
    if pending is not None and not realign:
        pending[story.pk] = None
        return
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
    for left, right, compare in _new_pairs(articles, done):
        if compare and len(left.texts) and len(right.texts):
            new_links.extend(align_pair(left, right))
        new_pairs.append(
            AlignedPair(story=story, first_id=left.article, second_id=right.article, compared=compare)
        )
    _store_pair_links(story, new_links, lookup, {pair.second_id for pair in new_pairs})
    AlignedPair.objects.bulk_create(new_pairs, ignore_conflicts=True)
    regroup_facts(story, articles, lookup)


# An article joining a story is compared with its NEAREST_ARTICLES most similar older
# articles (by their mean sentence vector), not with every one: a story of hundreds of
# articles would otherwise make each new article cost time in proportion to the story,
# and its links grow with the square of it. Facts still join articles never compared
# directly, through the articles compared with both (``group_facts``'s ``compared``).
NEAREST_ARTICLES = 12


def _new_pairs(
    articles: list[ArticleSentences], done: set[tuple[int, int]]
) -> list[tuple[ArticleSentences, ArticleSentences, bool]]:
    """The pairs (older, newer, compare?) not aligned yet, in the order articles joined in.

    Articles are ordered by id; aligning several new articles at once then
    writes their links in the order one-by-one joining would have. ``compare``
    is False for a pair passed over: the older article is not among the
    newer one's nearest older articles.
    """
    pairs = [(a, b) for a, b in combinations(articles, 2) if (a.article, b.article) not in done]
    pairs.sort(key=lambda pair: (pair[1].article, pair[0].article))
    nearest = _nearest_older({b.article for _, b in pairs}, articles)
    return [(a, b, a.article in nearest[b.article]) for a, b in pairs]


def _nearest_older(newer: set[int], articles: list[ArticleSentences]) -> dict[int, set[int]]:
    """For each of these articles, its NEAREST_ARTICLES most similar articles of lower id."""
    if not newer:
        return {}
    ids = [a.article for a in articles]
    centroids = np.stack(
        [
            unit_vectors(a.embeddings).mean(axis=0) if len(a.texts) else np.zeros(a.embeddings.shape[1])
            for a in articles
        ]
    )
    centroids = unit_vectors(centroids)
    nearest: dict[int, set[int]] = {}
    for position, key in enumerate(ids):
        if key not in newer:
            continue
        older = [n for n in range(len(ids)) if ids[n] < key]
        if len(older) <= NEAREST_ARTICLES:
            nearest[key] = {ids[n] for n in older}
            continue
        similarity = centroids[older] @ centroids[position]
        best = np.argsort(-similarity, kind="stable")[:NEAREST_ARTICLES]
        nearest[key] = {ids[older[n]] for n in best}
    return nearest


def drop_article_links(story: Story, article_id: int) -> None:
    """Forget an article's links in a story it leaves (editor-made ones included: they no longer apply).

    Pairs passed over are forgotten too: with the article gone, another article
    may now be among a newer one's nearest, and ``align_story`` looks again.
    """
    Link.objects.filter(story=story, a__article_id=article_id).delete()
    Link.objects.filter(story=story, b__article_id=article_id).delete()
    AlignedPair.objects.filter(story=story, first_id=article_id).delete()
    AlignedPair.objects.filter(story=story, second_id=article_id).delete()
    AlignedPair.objects.filter(story=story, compared=False).delete()


@transaction.atomic
def regroup_facts(
    story: Story,
    articles: list[ArticleSentences] | None = None,
    lookup: dict[tuple[int, int], Sentence] | None = None,
) -> None:
    """Rebuild the story's facts from its current links (rejected links ignored).

    Only what changed is written: fact rows are reused by number, and a
    sentence is updated only when its fact changed. Called on its own (an
    editor's verdict), it first locks the story, as ``align_story`` does, so
    two regroups never interleave their reads and writes.
    """
    if articles is None or lookup is None:
        story = Story.objects.select_for_update().get(pk=story.pk)
        articles, lookup = _load(story)
    by_pk = {s.pk: s for s in lookup.values()}
    passed_over = AlignedPair.objects.filter(story=story, compared=False)
    compared = (
        {
            frozenset(pair)
            for pair in story.aligned_pairs.filter(compared=True).values_list("first_id", "second_id")
        }
        if passed_over.exists()
        else None  # every pair was compared
    )
    links = _story_links(story, {s.pk: SentenceRef(*key) for key, s in lookup.items()})
    if compared is not None:  # an editor may link articles the machine never compared
        compared |= {frozenset((link.a.article, link.b.article)) for link in links}
    facts = group_facts(articles, links, compared=compared)
    outlet_of = dict(Article.objects.filter(story=story).values_list("id", "outlet_id"))
    rows, surplus = _fact_rows(
        story, [(fact.kind, len({outlet_of[a] for a in fact.articles})) for fact in facts]
    )
    fact_of = {
        lookup[(ref.article, ref.sentence)].pk: row for row, fact in zip(rows, facts) for ref in fact.members
    }
    # Sentences of the story's articles not loaded here (not done) belong to no fact, nor do
    # credit lines (a sentence re-processed into a credit keeps its row, and had a fact).
    not_loaded = ~Q(article_id__in=[a.article for a in articles]) | Q(kind=Sentence.Kind.CREDIT)
    Sentence.objects.filter(not_loaded, fact__story=story).update(fact=None)
    _set_facts([(pk, row) for pk, row in fact_of.items() if by_pk[pk].fact_id != row])
    for pk, row in fact_of.items():
        by_pk[pk].fact_id = row
    Fact.objects.filter(pk__in=surplus).delete()


def _story_links(story: Story, ref_of: dict[int, SentenceRef]) -> list[PairLink]:
    """The story's links between these sentences (by the aligner's refs), rejected ones left out."""
    return [
        PairLink(a=ref_of[a], b=ref_of[b], kind=kind, score=score)
        for a, b, kind, score in Link.objects.filter(story=story)
        .exclude(verdict=Link.Verdict.REJECTED)
        .values_list("a_id", "b_id", "kind", "score")
        if a in ref_of and b in ref_of
    ]


def _fact_rows(story: Story, wanted: list[tuple[str, int]]) -> tuple[list[int], list[int]]:
    """Fact row ids numbered 1..n with these (kind, outlet count), reusing the story's rows by number.

    Facts are numbered by their first sentence, so most keep their number
    when an article joins: reusing their rows leaves most sentences' fact
    unchanged.

    Returns:
        The row of each fact, and the story's other rows (to delete once no sentence uses them).
    """
    existing: dict[int, tuple[int, str, int]] = {}
    surplus: list[int] = []
    for pk, number, kind, outlets in (
        Fact.objects.filter(story=story)
        .order_by("number", "id")
        .values_list("id", "number", "kind", "outlet_count")
    ):
        if number in existing or number > len(wanted):
            surplus.append(pk)
        else:
            existing[number] = (pk, kind, outlets)
    changed: dict[tuple[str, int], list[int]] = defaultdict(list)
    rows: list[int | None] = []
    for number, (kind, outlets) in enumerate(wanted, start=1):
        old = existing.get(number)
        rows.append(old[0] if old else None)
        if old and (old[1], old[2]) != (kind, outlets):
            changed[(kind, outlets)].append(old[0])
    for (kind, outlets), pks in changed.items():
        Fact.objects.filter(pk__in=pks).update(kind=kind, outlet_count=outlets)
    missing = [number for number, row in enumerate(rows, start=1) if row is None]
    created = Fact.objects.bulk_create(
        Fact(story=story, number=number, kind=wanted[number - 1][0], outlet_count=wanted[number - 1][1])
        for number in missing
    )
    for number, fact in zip(missing, created):
        rows[number - 1] = fact.pk
    return rows, surplus


def _insert_rows(template: models.Model, rows: list[dict[str, object]]) -> None:
    """Insert rows that differ from ``template`` only in the given fields: one statement, many rows.

    A story's new links number in the thousands; ``bulk_create`` prepares
    every field of every model instance in Python, which cost more than the
    insert itself. The other fields take the template's values (the model's
    defaults), prepared once.
    """
    if not rows:
        return
    model = type(template)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    varying = [f for f in fields if f.attname in rows[0]]
    fixed = [f for f in fields if f.attname not in rows[0]]
    constant = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fixed]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fixed + varying)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from the model
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [(*constant, *(f.get_db_prep_save(row[f.attname], connection) for f in varying)) for row in rows],
        )


def _set_facts(changes: list[tuple[int, int]]) -> None:
    """Point these sentences (pk, fact pk) at their facts: one prepared statement, many rows.

    ``bulk_update`` builds a CASE expression per batch, which costs far more
    to compile than the database spends running plain updates.
    """
    if not changes:
        return
    table = connection.ops.quote_name(Sentence._meta.db_table)
    fact = connection.ops.quote_name(Sentence._meta.get_field("fact").column)
    key = connection.ops.quote_name(Sentence._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {fact} = %s WHERE {key} = %s",  # noqa: S608 - names from the model
            [(row, pk) for pk, row in changes],
        )
