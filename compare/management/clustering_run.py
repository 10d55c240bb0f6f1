"""Story clustering measured the way the app works: one article at a time, on a throwaway database.

``manage.py evaluate clustering`` runs the records through the real ingest
path (cleaning, embedding, automatic assignment) in a child process whose
database is a fresh SQLite file, migrated for the run and deleted after it:
the app's own stories are neither read nor changed, whatever database the app
itself uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from tqdm import tqdm

from compare.models import Article
from compare.nlp.embedding.encoders import Encoder
from compare.research.metrics import bcubed
from compare.services.ingest import ArticleInput, IngestError, ingest
from compare.services.sources import parse_published

IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


def _in_order(records: list[dict]) -> list[dict]:
    """File order, or by publication time when every record gives one."""
    if records and all(parse_published(r.get("published")) for r in records):
        return sorted(records, key=lambda r: parse_published(r["published"]))
    return records


def cluster_records(records: Iterable[dict], encoder: Encoder, progress: bool = False) -> dict[str, object]:
    """Feed the records through ingest and automatic assignment; returns id -> predicted story."""
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
            predicted[record["id"]] = f"rejected:{record['id']}"
            continue
        ok = article.status == Article.Status.DONE and article.story_id is not None
        predicted[record["id"]] = article.story_id if ok else f"failed:{record['id']}"
    return predicted


def score_clustering(records: list[dict], predicted: dict[str, object]) -> dict[str, float | int]:
    gold = {r["id"]: r["gold"] for r in records}
    return {"n": len(gold), "stories": len(set(predicted.values())), **bcubed(predicted, gold)}


def evaluate_in_isolated_database(data: Path) -> dict[str, float | int]:
    """Run ``evaluate clustering --here`` in a child process on a fresh SQLite file."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    with tempfile.TemporaryDirectory(prefix="evaluate-clustering-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'evaluate.sqlite3'}",
            "EMBEDDING_BACKEND": settings.EMBEDDING_BACKEND,
            "TASK_BACKEND": IMMEDIATE_TASKS,
        }
        subprocess.run([sys.executable, str(manage), "migrate", "--noinput", "-v", "0"], env=env, check=True)
        child = subprocess.run(
            [sys.executable, str(manage), "evaluate", "clustering", "--data", str(data), "--json", "--here"],
            env=env,
            stdout=subprocess.PIPE,
            text=True,  # progress goes to stderr, straight to the user
        )
    if child.returncode != 0:
        raise RuntimeError(f"the evaluation process failed (exit {child.returncode})")
    return json.loads(child.stdout.strip().splitlines()[-1])
