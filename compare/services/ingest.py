"""Ingest: the one path every article takes, whether uploaded, imported, seeded, retried or re-processed.

1. store: the raw text is saved exactly as received (``store_article``), so a
   crash or a bug later never loses what was received;
2. prepare: clean, split and embed, and build the article's story profile,
   outside any transaction (``prepare``);
3. commit: save the sentences and place the article (or, when re-processing,
   re-align it) in one transaction, aligning each story once.

A single article is a batch of one. A failure leaves the article visibly
``failed`` with a message, ready to be retried.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from compare.models import Article, Outlet, Removal, Sentence, Story, web_url
from compare.nlp.cleaning.credits import is_credit_line
from compare.nlp.cleaning.pipeline import ProcessedArticle, process_text
from compare.nlp.embedding.encoders import Encoder, text_hash
from compare.nlp.stories.clustering import ArticleProfile, build_profile
from compare.nlp.text.normalize import normalize_text
from compare.services.alignment import deferred_alignment
from compare.services.encoder import get_encoder
from compare.services.placement import hold_story_start_lock, place_article
from compare.services.story_index import reset_index
from compare.services.vectors import ModelMismatch, as_matrix, check_model, embed_texts

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 1_000_000


class IngestError(ValueError):
    """Input we refuse; the message is written for the editor."""


@dataclass(frozen=True)
class ArticleInput:
    """One article as submitted: text, or HTML with the text extracted from it."""

    text: str
    outlet: str
    title: str = ""
    url: str = ""
    published: datetime | None = None
    html: str = ""
    source_name: str = ""


@dataclass(frozen=True)
class IngestResult:
    """The stored article; ``created`` is False when the same text was already there (that article)."""

    article: Article
    created: bool


def content_hash(text: str) -> str:
    """Hash of the text with case and spacing folded, so a re-paste is recognised."""
    folded = re.sub(r"\s+", " ", normalize_text(text)).strip().casefold()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def find_duplicate(text: str) -> Article | None:
    return _stored_with_hash(content_hash(text))


def _stored_with_hash(digest: str) -> Article | None:
    return Article.objects.filter(content_hash=digest).order_by("id").first()


@functools.lru_cache(maxsize=128)
def model_free_sentences(text: str) -> tuple[str, ...]:
    """The sentences cleaning keeps without the model (a superset of what it keeps with it).

    Cached because bulk import asks twice per article: to encode a chunk's
    sentences together, then to check the article before storing it.
    """
    return tuple(s.text for s in process_text(text).sentences)


def validate_input(data: ArticleInput) -> None:
    if not data.text or not data.text.strip():
        raise IngestError("The article has no text.")
    if len(data.text) > MAX_TEXT_CHARS:
        raise IngestError(
            f"The article is too long ({len(data.text):,} characters; the limit is {MAX_TEXT_CHARS:,})."
        )
    if not data.outlet.strip():
        raise IngestError("Say which outlet published the article.")
    try:
        web_url(data.url)
    except ValidationError as exc:
        raise IngestError(exc.messages[0]) from None
    # A cheap pass without the model: text that is nothing but page furniture is
    # refused before it is stored (the model can only remove more).
    found = model_free_sentences(data.text)
    sentences = len(found)
    if all(is_credit_line(s) for s in found):  # none at all, or only a credit line: no article
        raise IngestError("No sentences were found in the text once page furniture was removed.")
    if sentences > settings.MAX_ARTICLE_SENTENCES:
        raise IngestError(
            f"The text has {sentences:,} sentences; an article may have at most "
            f"{settings.MAX_ARTICLE_SENTENCES:,}. Is this several articles in one file?"
        )
    # Alignment and the word diff cost grows with a sentence's length; a news sentence is a few hundred
    # characters, and one of tens of thousands is a list or a table that lost its full stops.
    longest = max(range(sentences), key=lambda n: len(found[n]))
    if len(found[longest]) > settings.MAX_SENTENCE_CHARS:
        raise IngestError(
            f"Sentence {longest + 1} is {len(found[longest]):,} characters long; a sentence may have at most "
            f"{settings.MAX_SENTENCE_CHARS:,}. Has the text lost its full stops (a list or a table)?"
        )


def store_article(
    data: ArticleInput, story: Story | None = None, placed_by_editor: bool = False
) -> IngestResult:
    """Save the article exactly as received (status pending), unless it is a duplicate."""
    validate_input(data)
    digest = content_hash(data.text)
    existing = _stored_with_hash(digest)
    if existing is not None:
        return IngestResult(article=existing, created=False)
    outlet, _ = Outlet.objects.get_or_create(name=data.outlet.strip()[:200])
    # A savepoint: when the unique content_hash refuses the row, the caller's transaction goes on.
    try:
        with transaction.atomic():
            article = Article.objects.create(
                story=story,
                outlet=outlet,
                title=data.title.strip()[:500],
                url=data.url.strip(),
                published=data.published,
                source_name=data.source_name[:300],
                raw_text=data.text,
                raw_html=data.html,
                content_hash=digest,
                placed_by_editor=placed_by_editor,
            )
    except IntegrityError:
        # The same text was stored a moment ago by another request or worker: the 'already stored' path.
        existing = _stored_with_hash(digest)
        if existing is None:
            raise
        return IngestResult(article=existing, created=False)
    return IngestResult(article=article, created=True)


def near_duplicates(article: Article, threshold: float = 0.6) -> list[tuple[Article, float]]:
    """Other articles that share most of this one's sentences word for word (wire copy).

    Returns:
        (article, share of this article's sentences found in it), largest share first.
    """
    hashes = set(article.sentences.values_list("text_hash", flat=True))
    if not hashes:
        return []
    counts: dict[int, set[str]] = {}
    rows = Sentence.objects.filter(text_hash__in=list(hashes)[:900]).exclude(article=article)
    for other_id, key in rows.values_list("article_id", "text_hash"):
        counts.setdefault(other_id, set()).add(key)
    shares = {
        pk: len(keys) / len(hashes) for pk, keys in counts.items() if len(keys) / len(hashes) >= threshold
    }
    others = Article.objects.select_related("outlet").in_bulk(list(shares))
    return sorted(((others[pk], share) for pk, share in shares.items()), key=lambda item: -item[1])


def warm_embeddings(inputs: list[ArticleInput], encoder: Encoder) -> int:
    """Encode the sentences of many articles in one call before they are processed one by one.

    One large call lets the model sort sentences by length and pad little;
    article-sized calls pad each small batch to its longest sentence and pay
    the per-call overhead every time. The caching encoder then serves the
    per-article work. Returns the number of sentences handed to the encoder.
    """
    texts: list[str] = []
    for data in inputs:
        if data.text and len(data.text) <= MAX_TEXT_CHARS:
            texts.extend(model_free_sentences(data.text))
    if texts:
        encoder.encode(texts)
    return len(texts)


@dataclass
class Prepared:
    """An article cleaned, split and embedded, with its story profile: everything the commit needs."""

    article: Article
    processed: ProcessedArticle
    blobs: list[bytes]
    model_id: str
    profile: ArticleProfile = field(repr=False)


def prepare(article: Article, encoder: Encoder) -> Prepared:
    """Clean, split and embed (no database writes: the slow part runs outside any transaction)."""
    check_model(encoder)
    overrides = list(article.overrides.values_list("action", "text"))
    processed = process_text(
        article.raw_text,
        encoder=encoder,
        title=article.title or None,
        keep_blocks=[text for action, text in overrides if action == "keep"],
        drop_texts=[text for action, text in overrides if action == "drop"],
    )
    if all(s.kind == Sentence.Kind.CREDIT for s in processed.sentences):  # a credit line is no article
        raise IngestError("No sentences were found in the text once page furniture was removed.")
    texts = [s.text for s in processed.sentences]
    blobs = embed_texts(texts, encoder)
    # The title the article will be saved with (``_save``), encoded on its own as
    # the story profile has always had it (a headline is usually sentence 0: cached).
    title = article.title or processed.title[:500] or texts[0]
    title_row = as_matrix(embed_texts([title], encoder))
    # Credit lines name agencies, not the event: the story profile leaves them out.
    facts = [k for k, s in enumerate(processed.sentences) if s.kind != Sentence.Kind.CREDIT]
    profile = build_profile(
        title,
        [texts[k] for k in facts],
        np.vstack([title_row, as_matrix([blobs[k] for k in facts])]),
        article.published,
    )
    return Prepared(article, processed, blobs, encoder.model_id, profile)


def _save(prepared: Prepared) -> None:
    """Write the sentences and removals, replacing those of an earlier run.

    A sentence whose text is unchanged keeps its row (and id) when the article is
    processed again, so ``?focus=`` links, reviewed links and fact membership
    still point at it; only sentences that are new or gone are created or deleted.
    """
    article, processed = prepared.article, prepared.processed
    rows = [
        Sentence(
            article=article,
            index=s.index,
            paragraph=s.paragraph,
            start=s.start,
            end=s.end,
            text=s.text,
            kind=s.kind,
            text_hash=text_hash(s.text),
            embedding=blob,
            embedding_model=prepared.model_id,
        )
        for s, blob in zip(processed.sentences, prepared.blobs)
    ]
    kept = _keep_unchanged_rows(article, rows)
    Sentence.objects.bulk_update(
        [row for row in rows if row.pk in kept],
        ["index", "paragraph", "start", "end", "text", "kind", "embedding", "embedding_model"],
    )
    Sentence.objects.bulk_create([row for row in rows if row.pk is None])
    article.removals.all().delete()
    Removal.objects.bulk_create(
        Removal(article=article, position=r.block, start=r.start, end=r.end, text=r.text, reason=r.reason)
        for r in processed.removed
    )
    article.cleaned_text = processed.cleaned_text
    if not article.title:
        article.title = processed.title[:500]
    article.status = Article.Status.DONE
    article.error = ""
    article.save(update_fields=["cleaned_text", "title", "status", "error", "updated_at"])


def _keep_unchanged_rows(article: Article, rows: list[Sentence]) -> set[int]:
    """Give each new row whose text matches an old sentence (same hash, in order) that sentence's id.

    Old sentences without a match are deleted; the kept ones are moved out of the
    way of the (article, index) constraint until they are written again.
    Returns the ids kept.
    """
    old = list(article.sentences.order_by("index").values_list("pk", "text_hash"))
    if not old:
        return set()
    matcher = SequenceMatcher(None, [h for _, h in old], [row.text_hash for row in rows], autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            rows[block.b + offset].pk = old[block.a + offset][0]
    kept = {row.pk for row in rows if row.pk is not None}
    article.sentences.exclude(pk__in=kept).delete()
    article.sentences.update(index=F("index") + _INDEX_SHIFT)
    return kept


# Past any real index (MAX_ARTICLE_SENTENCES is thousands), within a positive integer column.
_INDEX_SHIFT = 1_000_000


def _fail(article: Article, exc: Exception) -> Article:
    logger.error("processing article %s failed", article.pk, exc_info=exc)
    message = (
        str(exc)
        if isinstance(exc, IngestError | ModelMismatch)
        # What went wrong inside is for the log above, not for the editor's page.
        else "The server ran into an error while processing it (the details are in its log). Try again, "
        "and tell an administrator if it keeps failing."
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FAILED, error=message[:2000])
    article.refresh_from_db()
    return article


# What commits a prepared article: place it in a story (ingest), or re-align it where it is (re-processing).
Then = Callable[[Prepared], object]


def placing(story: Story | None = None, new_story: bool = False) -> Then:
    """The commit step of a new article: into ``story``, a new story, or the one the engine picks."""
    return lambda p: place_article(p.article, story=story, new_story=new_story, profile=p.profile)


def process_articles(
    articles: list[Article], then: Then, encoder: Encoder | None = None, *, batch: bool = False
) -> None:
    """Prepare stored articles, then save and commit them (``then``): all or nothing for each.

    Every article is prepared outside any transaction; then all are saved and
    committed in one transaction in which each story they touch is aligned
    once, at the end (``deferred_alignment``): the same stories, links and
    facts as one by one. A crash or a kill leaves an article pending,
    processing or failed with its raw text, never half-aligned; processing it
    again completes it. One that fails is marked failed without stopping the
    others.

    Args:
        articles: stored articles (their raw text).
        then: the commit step after saving (``placing`` a new article, or re-aligning one).
        encoder: defaults to the process-wide model.
        batch: a bulk import's chunk: the story-start lock is taken before any
            story's row lock, and a failed chunk is redone one by one. Without
            it a single article commits in one transaction of its own.
    """
    if not articles:
        return
    encoder = encoder or get_encoder()
    # updated_at too: how long an article has been processing tells a stuck one (Article.is_stuck).
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(
        status=Article.Status.PROCESSING, error="", updated_at=timezone.now()
    )
    prepared = []
    for article in articles:
        try:
            prepared.append(prepare(article, encoder))
        except Exception as exc:  # noqa: BLE001 - any failure must leave a visible, retryable state
            _fail(article, exc)
    if not batch:
        for item in prepared:
            _commit_one(item, then)
        return
    try:
        _commit_all(prepared, then)
    except BaseException as exc:
        reset_index()  # the story index may have seen stories the rollback undid
        if not isinstance(exc, Exception):
            raise
        logger.exception("processing %d articles together failed; processing them one by one", len(prepared))
        for item in prepared:
            item.article.refresh_from_db()  # undo what the rolled-back placement set on the object
            _commit_one(item, then)  # cleaned and embedded already: only saving and placing are redone


def _save_and_commit(prepared: Prepared, then: Then) -> None:
    """The article's sentences and its commit step, in one transaction (a savepoint inside another)."""
    with transaction.atomic():
        _save(prepared)
        then(prepared)


def _commit_one(prepared: Prepared, then: Then) -> None:
    try:
        _save_and_commit(prepared, then)
    except Exception as exc:  # noqa: BLE001 - any failure must leave a visible, retryable state
        _fail(prepared.article, exc)


def _commit_all(prepared: list[Prepared], then: Then) -> None:
    """Save and commit each article (a savepoint each), then align their stories: one transaction."""
    with transaction.atomic(), deferred_alignment():
        # Articles may start stories: take that lock first, before any story's row lock.
        hold_story_start_lock()
        failures = []
        for item in prepared:
            try:  # a savepoint each: one article's failure spares the others
                _save_and_commit(item, then)
            except Exception as exc:  # noqa: BLE001 - recorded as the article's failure below
                failures.append((item.article, exc))
        for article, exc in failures:
            _fail(article, exc)


def ingest_batch(
    inputs: list[ArticleInput],
    *,
    story: Story | None = None,
    new_story: bool = False,
    encoder: Encoder | None = None,
) -> list[IngestResult | IngestError]:
    """Store, process and place articles in the foreground: the whole path of an import.

    Args:
        inputs: the articles as submitted, in order (a few dozen: one transaction holds them).
        story: put every article in this story (an editor's choice, never moved by re-clustering).
        new_story: start a new story with each article.
        encoder: defaults to the process-wide model.
    Returns:
        One entry per input, in order: its IngestResult, or the IngestError refusing it.
    """
    encoder = encoder or get_encoder()
    if len(inputs) > 1:
        warm_embeddings(inputs, encoder)
    outcomes: list[IngestResult | IngestError] = []
    for data in inputs:
        try:
            outcomes.append(store_article(data, story=story, placed_by_editor=story is not None or new_story))
        except IngestError as exc:
            outcomes.append(exc)
    fresh = [o.article for o in outcomes if isinstance(o, IngestResult) and o.created]
    process_articles(fresh, placing(story, new_story), encoder, batch=True)
    final = Article.objects.in_bulk([a.pk for a in fresh])
    return [
        IngestResult(article=final[o.article.pk], created=True)
        if isinstance(o, IngestResult) and o.created
        else o
        for o in outcomes
    ]


def ingest(
    data: ArticleInput,
    *,
    story: Story | None = None,
    new_story: bool = False,
    encoder: Encoder | None = None,
) -> IngestResult:
    """Store, process and place one article in the foreground: a batch of one.

    Raises:
        IngestError: the input is refused (the message is for the editor).
    """
    (outcome,) = ingest_batch([data], story=story, new_story=new_story, encoder=encoder)
    if isinstance(outcome, IngestError):
        raise outcome
    return outcome


def process_stored(article: Article, story: Story | None = None, new_story: bool = False) -> Article:
    """Process and place an article already stored (a queued upload, a retry); returns it updated."""
    process_articles([article], placing(story, new_story))
    article.refresh_from_db()
    return article
