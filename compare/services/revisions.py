"""Notice when an outlet rewrites an article: re-fetch feed items on a thinning schedule, keep every version.

A feed item's page is fetched again 1 hour, 6 hours, 1 day and 3 days after it was first seen.
When its text changed, the new version is stored as a revision (the first one stored is kept as
revision 1), the article takes the new text and goes through the re-processing path editors'
corrections use (``corrections.reprocess_article``: sentences whose text is unchanged keep their
ids and links), and what changed is worked out once and kept on the revision: sentences added,
removed and reworded (with a word diff), and the facts shared with other outlets that the article
started or stopped reporting. The story page only reads it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from compare.models import Article, ArticleRevision, FeedItem, Sentence, Story
from compare.nlp.diff import sentence_changes
from compare.services.corrections import reprocess_article
from compare.services.feed_hosts import fetch_item_page
from compare.services.fetching import FetchError
from compare.services.ingest import content_hash
from compare.services.sources import SourceError

logger = logging.getLogger(__name__)

# After first seen: the checks thin out with age, since most rewrites come in the first hours.
SCHEDULE = (timedelta(hours=1), timedelta(hours=6), timedelta(hours=24), timedelta(days=3))


def first_check_at(first_seen: datetime) -> datetime:
    return first_seen + SCHEDULE[0]


def next_check_at(first_seen: datetime, checks_done: int) -> datetime | None:
    return first_seen + SCHEDULE[checks_done] if checks_done < len(SCHEDULE) else None


def check_due_items(now: datetime | None = None, limit: int = 200) -> list[ArticleRevision]:
    """Re-fetch the feed items whose check is due; returns the revisions stored."""
    now = now or timezone.now()
    due = FeedItem.objects.filter(next_check_at__lte=now, article__isnull=False).order_by("next_check_at")
    revisions = []
    for item in due.select_related("article")[:limit]:
        # Claimed by moving its next check on, conditionally: two workers never check one item together.
        claimed = FeedItem.objects.filter(pk=item.pk, checks=item.checks).update(
            checks=item.checks + 1, next_check_at=next_check_at(item.first_seen, item.checks + 1)
        )
        if claimed and (revision := check_item(item)):
            revisions.append(revision)
    return revisions


def check_item(item: FeedItem) -> ArticleRevision | None:
    """Fetch the item's page again; a revision when its text changed, else None."""
    try:
        page = fetch_item_page(item.url, outlet=item.article.outlet.name)
    except (SourceError, FetchError) as exc:
        logger.info("re-checking %s failed: %s", item.url, exc)
        return None  # the next check tries again; what is stored stays as it was
    if page is None:  # robots.txt forbids it now
        return None
    return record_revision(item.article, page.text, page.html)


def record_revision(article: Article, text: str, html: str) -> ArticleRevision | None:
    """Store ``text`` as the article's newest revision and re-process the article from it.

    Returns:
        The revision, or None when the text is unchanged (or is another article's text).
    """
    digest = content_hash(text)
    if digest == article.content_hash:
        return None
    before = reported_facts(article)
    old_sentences = list(article.sentences.order_by("index").values_list("text", flat=True))
    try:
        with transaction.atomic():
            revision = _store(article, text, html, digest)
    except IntegrityError:  # the new text is word for word another stored article's
        logger.info("article %s now reads like another stored article; not revised", article.pk)
        return None
    article.refresh_from_db()  # the new text, as _store wrote it
    article = reprocess_article(article)
    new_sentences = list(article.sentences.order_by("index").values_list("text", flat=True))
    changes = sentence_changes(old_sentences, new_sentences)
    stopped, started = fact_changes(before, reported_facts(article))
    revision.changes = {
        "added": changes.added,
        "removed": changes.removed,
        "reworded": [asdict(r) for r in changes.reworded],
        "stopped": [asdict(f) for f in stopped],
        "started": [asdict(f) for f in started],
    }
    revision.save(update_fields=["changes"])
    return revision


def _store(article: Article, text: str, html: str, digest: str) -> ArticleRevision:
    """The first version (if not kept yet) and the new one as revisions, and the new text on the article."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    last = article.revisions.aggregate(last=Max("number"))["last"] or 0
    if last == 0:
        ArticleRevision.objects.create(
            article=article,
            number=1,
            fetched_at=article.created_at,
            raw_html=article.raw_html,
            text=article.raw_text,
            content_hash=article.content_hash,
        )
        last = 1
    article.raw_text, article.raw_html, article.content_hash = text, html, digest
    article.save(update_fields=["raw_text", "raw_html", "content_hash", "updated_at"])
    return ArticleRevision.objects.create(
        article=article, number=last + 1, raw_html=html, text=text, content_hash=digest
    )


@dataclass(frozen=True)
class ReportedFact:
    """A fact the article shares with other outlets: its sentence, and the other outlets' sentences."""

    text: str
    outlets: list[str]
    others: list[int]


def reported_facts(article: Article) -> list[ReportedFact]:
    """The article's facts that other articles of its story report too (two queries)."""
    mine = list(article.sentences.filter(fact__isnull=False).order_by("index").values_list("fact_id", "text"))
    others: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Sentence.objects.filter(fact_id__in={fact for fact, _ in mine})
        .exclude(article=article)
        .values_list("fact_id", "pk", "article__outlet__name")
    )
    for fact, pk, outlet in rows:
        others.setdefault(fact, []).append((pk, outlet))
    facts, seen = [], set()
    for fact, text in mine:
        if fact in others and fact not in seen:
            seen.add(fact)
            pairs = others[fact]
            facts.append(ReportedFact(text, sorted({o for _, o in pairs}), sorted(pk for pk, _ in pairs)))
    return facts


def fact_changes(
    before: list[ReportedFact], after: list[ReportedFact]
) -> tuple[list[ReportedFact], list[ReportedFact]]:
    """(facts it stopped reporting, facts it started reporting), told apart by the other outlets' sentences.

    The other articles were not re-processed, so their sentences are the fixed points: a fact of the
    old version none of whose other sentences is in a fact of the new one is no longer reported.
    """
    covered_after = {pk for fact in after for pk in fact.others}
    covered_before = {pk for fact in before for pk in fact.others}
    stopped = [fact for fact in before if not covered_after.intersection(fact.others)]
    started = [fact for fact in after if not covered_before.intersection(fact.others)]
    return stopped, started


@dataclass(frozen=True)
class ArticleUpdate:
    """An article of the story that changed after it was first stored: its latest revision."""

    article: Article
    revision: ArticleRevision

    @property
    def changes(self) -> dict:
        return self.revision.changes

    @property
    def stopped(self) -> list[dict]:
        return self.changes.get("stopped", [])

    @property
    def started(self) -> list[dict]:
        return self.changes.get("started", [])

    @property
    def reworded(self) -> list[dict]:
        return self.changes.get("reworded", [])

    @property
    def added(self) -> list[str]:
        """Sentences added, except those already shown as facts it now reports."""
        shown = {fact["text"] for fact in self.started}
        return [text for text in self.changes.get("added", []) if text not in shown]

    @property
    def removed(self) -> list[str]:
        """Sentences removed, except those already shown as facts it no longer reports."""
        shown = {fact["text"] for fact in self.stopped}
        return [text for text in self.changes.get("removed", []) if text not in shown]


def story_updates(story: Story) -> list[ArticleUpdate]:
    """The story's updated articles, latest revision each, most recently updated first (one query)."""
    revisions = (
        ArticleRevision.objects.filter(article__story=story, number__gt=1)
        .select_related("article__outlet")
        .defer("raw_html", "text", "article__raw_text", "article__raw_html", "article__cleaned_text")
        .order_by("article_id", "-number")
    )
    latest: dict[int, ArticleRevision] = {}
    for revision in revisions:
        latest.setdefault(revision.article_id, revision)
    updates = [ArticleUpdate(r.article, r) for r in latest.values()]
    return sorted(updates, key=lambda u: u.revision.fetched_at, reverse=True)
