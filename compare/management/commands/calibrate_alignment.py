"""manage.py calibrate_alignment --data-dir ../shared/eval-data [--report]

Fits the alignment parameters on the train/dev evaluation files and writes
``compare/nlp/params/alignment.json`` (with provenance). ``--report`` fits
nothing: it prints dev and test scores of the current file against plain
cosine. All the work is in ``compare.research.alignment_fit``.
"""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from compare.nlp.align.engine import PARAMS_PATH
from compare.research.alignment_fit import CACHE_DIR, EvalData, calibrate, report, write_params
from compare.services.encoder import get_encoder


class Command(BaseCommand):
    help = "Fit the sentence-alignment parameters on the evaluation files (train and dev only)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=Path("../shared/eval-data"))
        parser.add_argument("--output", type=Path, default=PARAMS_PATH)
        parser.add_argument("--cache-dir", type=Path, default=CACHE_DIR, help="embeddings cache")
        parser.add_argument(
            "--report", dest="report_only", action="store_true", help="print dev and test scores; fit nothing"
        )

    def handle(self, *args, data_dir: Path, output: Path, cache_dir: Path, report_only: bool, **options):
        if settings.EMBEDDING_BACKEND == "hashing":
            raise CommandError("calibration needs the real model, not EMBEDDING_BACKEND=hashing")
        if not (data_dir / "mrpc-train.jsonl").exists():
            raise CommandError(f"{data_dir} does not look like the eval-data folder")
        data = EvalData(data_dir, get_encoder(), cache_dir)
        if report_only:
            self.stdout.write(json.dumps(report(data, output), indent=1))
            return
        # The same name every stored vector records (a model of one's own: local:<folder>).
        params = calibrate(data, model_id=data.inner.model_id, command=shlex.join(sys.argv))
        path = write_params(params, output)
        self.stdout.write(self.style.SUCCESS(f"wrote {path}"))
