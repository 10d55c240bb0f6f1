"""manage.py evaluate pairs|alignment|clustering --data FILE [--json]

Runs the same code the app runs on a public evaluation file and prints the
scores. It never reads or writes the app's own stories.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from compare.management.clustering_run import cluster_records, evaluate_in_isolated_database, score_clustering
from compare.research.datasets import read_jsonl
from compare.research.evaluation import evaluate_alignment, evaluate_pairs
from compare.research.story_evaluation import evaluate_stories
from compare.services.encoder import get_encoder


def _records(path: Path) -> list[dict]:
    try:
        records = read_jsonl(path)
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if not records:
        raise CommandError(f"{path} holds no records")
    return records


class Command(BaseCommand):
    help = "Measure pair classification, sentence alignment or story clustering on a JSON Lines file."

    def add_arguments(self, parser):
        parser.add_argument("task", choices=["pairs", "alignment", "clustering"])
        parser.add_argument("--data", required=True, type=Path, help="a file in the eval-data formats")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print one JSON object on the last line"
        )
        parser.add_argument(
            "--level",
            choices=["fact", "similarity", "event", "story"],
            default="fact",
            help="alignment: 'fact', the app's own links (default); 'similarity', the previous engine's; "
            "'event', the broader same-event links; "
            "'story', each event's articles as one story, scored by the facts the app groups them into",
        )
        parser.add_argument(
            "--here",
            action="store_true",
            help="clustering, used internally: assign in the current database instead of a throwaway one",
        )

    def handle(self, *args, task: str, data: Path, as_json: bool, level: str, here: bool, **options):
        records = _records(data)
        encoder = get_encoder()
        try:
            if task == "pairs":
                scores = evaluate_pairs(records, encoder)
            elif task == "alignment" and level == "story":
                scores = evaluate_stories(records, encoder)
            elif task == "alignment":
                scores = {"level": level, **evaluate_alignment(records, encoder, level=level)}
            elif here:
                scores = score_clustering(records, cluster_records(records, encoder, progress=True))
            else:
                scores = evaluate_in_isolated_database(data)
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            article = "an" if task[0] in "aeiou" else "a"
            raise CommandError(f"{data} is not {article} {task} file: {exc!r}") from None
        scores = {"task": task, "data": str(data), **scores}
        width = max(len(key) for key in scores)
        for key, value in scores.items():
            shown = f"{value:.4f}" if isinstance(value, float) else str(value)
            self.stdout.write(f"{key:<{width}}  {shown}")
        if as_json:
            self.stdout.write(json.dumps(scores))
