"""Story clustering measured the way the app works: one article at a time, on a throwaway database.

``manage.py evaluate clustering`` calls this. The records go through the real
ingest path (cleaning, embedding, automatic assignment) on a fresh test
database created for the run and destroyed after it, so the app's own stories
are neither read nor changed.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from tqdm import tqdm

from compare.assignment import reset_index
from compare.importing import parse_published
from compare.ingest import ArticleInput, IngestError, ingest
from compare.models import Article
from compare.nlp.embedding import Encoder
from compare.nlp.metrics import bcubed


def _in_order(records: list[dict]) -> list[dict]:
    """File order, or by publication time when every record gives one."""
    if records and all(parse_published(r.get("published")) for r in records):
        return sorted(records, key=lambda r: parse_published(r["published"]))
    return records


def cluster_records(records: Iterable[dict], encoder: Encoder, progress: bool = False) -> dict[str, object]:
    """Feed the records through ingest and assignment; returns item -> predicted story."""
    predicted: dict[str, object] = {}
    for record in tqdm(_in_order(list(records)), desc="Assigning", unit="article", disable=not progress):
        data = ArticleInput(
            text=record["text"],
            title=record.get("title") or "",
            outlet=record.get("outlet") or "Unknown outlet",
            published=parse_published(record.get("published")),
            source_name=str(record["id"]),
        )
        try:
            article = ingest(data, encoder=encoder).article
        except IngestError:
            predicted[record["id"]] = ("rejected", record["id"])
            continue
        if article.status != Article.Status.DONE or article.story_id is None:
            predicted[record["id"]] = ("failed", record["id"])
        else:
            predicted[record["id"]] = article.story_id
    return predicted


def evaluate_clustering(
    records: list[dict], encoder: Encoder, progress: bool = True
) -> dict[str, float | int]:
    """B-cubed scores of online assignment, on an isolated database.

    Args:
        records: ``{"id", "title", "text", "outlet", "published", "gold"}`` dicts.
        encoder: the sentence encoder.
    Returns:
        n, stories, bcubed_precision, bcubed_recall, bcubed_f1.
    """
    gold = {r["id"]: r["gold"] for r in records}
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    reset_index()
    try:
        predicted = cluster_records(records, encoder, progress=progress)
    finally:
        reset_index()
        connection.creation.destroy_test_db(original_name, verbosity=0)
    return {"n": len(gold), "stories": len(set(predicted.values())), **bcubed(predicted, gold)}
