"""manage.py calibrate_facts --data ../shared/eval-data/facts-dev.jsonl [--folds 5] [--report] [--json]

Cross-validates the fact-level pair model over the file's events (fit on
some events, score on the others) and prints each fold's held-out scores and
the pooled ones, per article pair and per story. Unless ``--report``, it then
writes ``compare/nlp/params/facts.json``: the average of the fold models,
with the model id, the command, the data's sha256 and these figures. All the
work is in ``compare.research.facts_fit``.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compare.nlp.align.pair_model import MODEL_PATH, save_model
from compare.research.datasets import read_jsonl, sha256_of
from compare.research.facts_fit import FOLDS, SEED, C, average_models, cross_validate
from compare.services.encoder import get_encoder


class Command(BaseCommand):
    help = "Cross-validate the fact-level pair model over events, and write the averaged fold models."

    def add_arguments(self, parser):
        parser.add_argument("--data", type=Path, required=True, help="a facts file (facts-dev.jsonl)")
        parser.add_argument("--folds", type=int, default=FOLDS)
        parser.add_argument("--output", type=Path, default=MODEL_PATH)
        parser.add_argument(
            "--report", dest="report_only", action="store_true", help="score only; write nothing"
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print the report as JSON too"
        )

    def handle(
        self, *args, data: Path, folds: int, output: Path, report_only: bool, as_json: bool, **options
    ):
        if settings.EMBEDDING_BACKEND == "hashing":
            raise CommandError("fitting needs the real model, not EMBEDDING_BACKEND=hashing")
        try:
            records = read_jsonl(data)
        except OSError as exc:
            raise CommandError(f"Cannot read {data}: {exc.strerror or exc}") from None
        encoder = get_encoder()
        report, models = cross_validate(records, encoder, folds=folds)
        for fold in report["folds"]:
            self.stdout.write(
                f"fold {fold['fold']} ({fold['events']} events): "
                f"pair {_prf(fold, 'pair_link_')}, alone F1 {fold['pair_unique_f1']:.3f}; "
                f"story link F1 {fold['story_link_f1']:.3f}, alone F1 {fold['story_unique_f1']:.3f}; "
                f"thresholds {fold['link_threshold']}/{fold['same_threshold']}, "
                f"fact fraction {fold['min_link_fraction']}"
            )
        for level in ("pair", "story"):
            scores = report[level]
            self.stdout.write(
                f"{level} level, pooled: link {_prf(scores, 'link_')}, alone {_prf(scores, 'unique_')}"
            )
        if as_json:
            self.stdout.write(json.dumps(report))
        if report_only:
            return
        provenance = {
            "command": shlex.join(["manage.py", *sys.argv[2:]]) if len(sys.argv) > 1 else "calibrate_facts",
            "data": {"file": data.name, "sha256": sha256_of(data), "records": len(records)},
            "method": f"logistic regression (C={C}) on standardised features; {folds} folds over events "
            f"(seed {SEED}); thresholds from inner out-of-fold predictions; the shipped model averages "
            "the fold models' raw-feature weights and thresholds",
            "cross_validation": report,
        }
        model = replace(average_models(models, provenance), model_id=encoder.model_id)
        path = save_model(model, output)
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))


def _prf(scores: dict, prefix: str) -> str:
    """``P/R/F1 0.600/0.500/0.545`` from a report's ``<prefix>precision`` etc."""
    return "P/R/F1 " + "/".join(f"{scores[prefix + k]:.3f}" for k in ("precision", "recall", "f1"))
