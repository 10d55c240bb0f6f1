"""Ingest service: store what an editor submitted, then clean, split and embed it.

The raw text is saved before anything else happens, so a crash or a bug in
processing never loses what was received; a failure leaves the article visibly
``failed`` with a message, ready to be retried.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import transaction

from compare.models import Article, Outlet, Removal, Sentence, Story
from compare.nlp.cleaning.pipeline import ProcessedArticle, process_text
from compare.nlp.embedding.encoders import Encoder, text_hash
from compare.nlp.text.normalize import normalize_text
from compare.services.encoder import get_encoder

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
    article: Article
    created: bool
    # Set when the same text was already stored: the editor is sent there instead.
    duplicate_of: Article | None = None


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
    # A cheap pass without the model: text that is nothing but page furniture is
    # refused before it is stored (the model can only remove more).
    sentences = len(model_free_sentences(data.text))
    if not sentences:
        raise IngestError("No sentences were found in the text once page furniture was removed.")
    if sentences > settings.MAX_ARTICLE_SENTENCES:
        raise IngestError(
            f"The text has {sentences:,} sentences; an article may have at most "
            f"{settings.MAX_ARTICLE_SENTENCES:,}. Is this several articles in one file?"
        )


def store_article(
    data: ArticleInput, story: Story | None = None, placed_by_editor: bool = False
) -> IngestResult:
    """Save the article exactly as received (status pending), unless it is a duplicate."""
    validate_input(data)
    digest = content_hash(data.text)
    existing = _stored_with_hash(digest)
    if existing is not None:
        return IngestResult(article=existing, created=False, duplicate_of=existing)
    outlet, _ = Outlet.objects.get_or_create(name=data.outlet.strip()[:200])
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


def _stored_embeddings(hashes: list[str]) -> dict[str, bytes]:
    """Embeddings already in the database for these texts: never encode a sentence twice."""
    found: dict[str, bytes] = {}
    unique = sorted(set(hashes))
    for i in range(0, len(unique), 500):  # SQLite allows ~1000 parameters per query
        rows = Sentence.objects.filter(text_hash__in=unique[i : i + 500]).exclude(embedding=None)
        for text_key, blob in rows.values_list("text_hash", "embedding"):
            found.setdefault(text_key, bytes(blob))
    return found


def embed_texts(texts: list[str], encoder: Encoder) -> list[bytes]:
    """float32 little-endian bytes per text, reusing embeddings held in memory or stored."""
    hashes = [text_hash(t) for t in texts]
    # The caching encoder's memory answers first: bulk import has just encoded
    # these texts, and a query per article for them cost more than the rest of
    # saving it. The database covers what other processes encoded.
    peek = getattr(encoder, "peek", None)
    known = {
        key: np.asarray(vector, dtype="<f4").tobytes()
        for key, vector in (peek(hashes) if peek else {}).items()
    }
    known.update(_stored_embeddings([key for key in hashes if key not in known]))
    missing = [t for t, h in zip(texts, hashes) if h not in known]
    if missing:
        vectors = encoder.encode(missing)
        for text, vector in zip(missing, vectors):
            known[text_hash(text)] = np.asarray(vector, dtype="<f4").tobytes()
    return [known[h] for h in hashes]


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


def _prepare(article: Article, encoder: Encoder) -> tuple[ProcessedArticle, list[bytes]]:
    """Clean, split and embed (no database writes: the slow part runs outside any transaction)."""
    overrides = list(article.overrides.values_list("action", "text"))
    processed = process_text(
        article.raw_text,
        encoder=encoder,
        title=article.title or None,
        keep_blocks=[text for action, text in overrides if action == "keep"],
        drop_texts=[text for action, text in overrides if action == "drop"],
    )
    if not processed.sentences:
        raise IngestError("No sentences were found in the text once page furniture was removed.")
    return processed, embed_texts([s.text for s in processed.sentences], encoder)


def _save(article: Article, processed: ProcessedArticle, blobs: list[bytes], replace: bool = True) -> None:
    """Write the sentences and removals (``replace``: first delete those of an earlier run)."""
    if replace:
        article.sentences.all().delete()
        article.removals.all().delete()
    Sentence.objects.bulk_create(
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
        )
        for s, blob in zip(processed.sentences, blobs)
    )
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


def _fail(article: Article, exc: Exception) -> Article:
    logger.error("processing article %s failed", article.pk, exc_info=exc)
    message = (
        str(exc) if isinstance(exc, IngestError) else f"Processing failed: {exc.__class__.__name__}: {exc}"
    )
    Article.objects.filter(pk=article.pk).update(status=Article.Status.FAILED, error=message[:2000])
    article.refresh_from_db()
    return article


def process_article(
    article: Article, encoder: Encoder | None = None, then: Callable[[Article], object] | None = None
) -> Article:
    """Clean, split and embed an article, then (``then``) place and align it: all or nothing.

    The sentences, the story placement and the alignment are written in one
    transaction, so a crash or a kill leaves the article pending, processing
    or failed with its raw text, never half-aligned; processing it again
    completes it.
    """
    encoder = encoder or get_encoder()
    Article.objects.filter(pk=article.pk).update(status=Article.Status.PROCESSING, error="")
    try:
        processed, blobs = _prepare(article, encoder)
        _commit(article, processed, blobs, then)
    except Exception as exc:  # noqa: BLE001 - any failure must leave a visible, retryable state
        return _fail(article, exc)
    return article


def _commit(
    article: Article,
    processed: ProcessedArticle,
    blobs: list[bytes],
    then: Callable[[Article], object] | None,
    *,
    replace: bool = True,
) -> None:
    """Save a prepared article's sentences and run ``then`` (placement) in one transaction or savepoint."""
    with transaction.atomic():
        _save(article, processed, blobs, replace=replace)
        if then is not None:
            then(article)


def ingest(
    data: ArticleInput,
    *,
    story: Story | None = None,
    new_story: bool = False,
    encoder: Encoder | None = None,
) -> IngestResult:
    """Store, process and place one article: the whole path an upload or import takes.

    Args:
        data: the article as submitted.
        story: put it in this story (an editor's choice, never moved by re-clustering).
        new_story: start a new story with it.
        encoder: defaults to the process-wide model.
    Returns:
        The stored article (or the existing one, for a duplicate).
    """
    from compare.services.tasks import process_article_task, run_now

    result = store_article(data, story=story, placed_by_editor=story is not None or new_story)
    if not result.created:
        return result
    article = result.article
    if encoder is not None:
        run_now(article.pk, story.pk if story else None, new_story, encoder=encoder)
    else:
        process_article_task.enqueue(article.pk, story.pk if story else None, new_story)
    article.refresh_from_db()
    return IngestResult(article=article, created=True)


def ingest_batch(
    inputs: list[ArticleInput], *, encoder: Encoder, story: Story | None = None
) -> list[IngestResult | IngestError]:
    """Store, process and place many articles at once (bulk import): what ``ingest`` does, faster.

    The articles' sentences are encoded in one call, then each article is
    cleaned outside any transaction, and all of them are saved and placed in
    one transaction in which every story they joined is aligned once, at the
    end (``deferred_alignment``): the same stories, links and facts as
    ingesting them one by one. No article is ever committed unaligned; one
    that fails is marked failed without stopping the others.

    Args:
        inputs: the articles as submitted, in order (a few dozen: one transaction holds them).
        encoder: the model (bulk import runs in the foreground, never through the queue).
        story: put every article in this story (an editor's choice).
    Returns:
        One entry per input, in order: its IngestResult, or the IngestError refusing it.
    """
    warm_embeddings(inputs, encoder)
    outcomes: list[IngestResult | IngestError] = []
    for data in inputs:
        try:
            outcomes.append(store_article(data, story=story, placed_by_editor=story is not None))
        except IngestError as exc:
            outcomes.append(exc)
    fresh = [o.article for o in outcomes if isinstance(o, IngestResult) and o.created]
    _process_batch(fresh, story, encoder)
    final = Article.objects.in_bulk([a.pk for a in fresh])
    return [
        IngestResult(article=final[o.article.pk], created=True)
        if isinstance(o, IngestResult) and o.created
        else o
        for o in outcomes
    ]


def _process_batch(articles: list[Article], story: Story | None, encoder: Encoder) -> None:
    """``process_article`` then ``place_article`` for each article, sharing one transaction and alignment."""
    from compare.services.placement import place_article, reset_index

    if not articles:
        return
    Article.objects.filter(pk__in=[a.pk for a in articles]).update(status=Article.Status.PROCESSING, error="")

    def place(article: Article) -> None:
        place_article(article, story=story, encoder=encoder)

    prepared = []
    for article in articles:
        try:
            prepared.append((article, *_prepare(article, encoder)))
        except Exception as exc:  # noqa: BLE001 - any failure must leave a visible, retryable state
            _fail(article, exc)
    try:
        _place_all(prepared, story, place)
    except BaseException as exc:
        reset_index()  # the story index may have seen stories the rollback undid
        if not isinstance(exc, Exception):
            raise
        logger.exception("processing %d articles together failed; processing them one by one", len(prepared))
        for article, processed, blobs in prepared:
            article.refresh_from_db()  # undo what the rolled-back placement set on the object
            try:  # cleaned and embedded already: only saving and placing are redone
                _commit(article, processed, blobs, place)
            except Exception as error:  # noqa: BLE001 - any failure must leave a visible, retryable state
                _fail(article, error)


def _place_all(
    prepared: list[tuple[Article, ProcessedArticle, list[bytes]]],
    story: Story | None,
    place: Callable[[Article], None],
) -> None:
    """Save and place each article (a savepoint each), then align their stories: one transaction."""
    from compare.services.alignment import deferred_alignment
    from compare.services.placement import hold_story_start_lock

    with transaction.atomic(), deferred_alignment():
        if story is None:  # articles may start stories: lock first, before any story's row
            hold_story_start_lock()
        failures = []
        for article, processed, blobs in prepared:
            try:  # a savepoint each: one article's failure spares the others
                _commit(article, processed, blobs, place, replace=False)
            except Exception as exc:  # noqa: BLE001 - recorded as the article's failure below
                failures.append((article, exc))
        for article, exc in failures:
            _fail(article, exc)
