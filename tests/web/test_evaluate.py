"""manage.py evaluate on tiny fixtures of our own (never the shared evaluation data)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compare.models import Article, Story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def evaluate(task: str, name: str) -> dict:
    out = StringIO()
    call_command("evaluate", task, "--data", str(FIXTURES / name), "--json", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) > 2  # the readable table comes first
    return json.loads(lines[-1])


def test_pairs_with_labels_report_classification_scores():
    scores = evaluate("pairs", "pairs.jsonl")
    assert scores["n"] == 4
    assert {"accuracy", "precision", "recall", "f1"} <= set(scores)
    assert 0.0 <= scores["f1"] <= 1.0


def test_pairs_with_scores_report_spearman():
    scores = evaluate("pairs", "sts.jsonl")
    assert -1.0 <= scores["spearman"] <= 1.0


def test_alignment_reports_links_and_unique_sentences():
    scores = evaluate("alignment", "alignment.jsonl")
    assert scores["n_pairs"] >= 1
    for key in ["link_precision", "link_recall", "link_f1", "unique_precision", "unique_recall", "unique_f1"]:
        assert 0.0 <= scores[key] <= 1.0


@pytest.mark.django_db(transaction=True)
def test_clustering_runs_on_an_isolated_database_and_leaves_the_app_data_alone():
    Story.objects.create(title="An editor's own story")
    scores = evaluate("clustering", "clustering.jsonl")
    assert scores["n"] == 4
    assert 1 <= scores["stories"] <= 4
    assert 0.0 < scores["bcubed_f1"] <= 1.0
    assert list(Story.objects.values_list("title", flat=True)) == ["An editor's own story"]
    assert not Article.objects.exists()


def test_a_file_that_is_not_json_lines_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("evaluate", "pairs", "--data", str(bad))


def test_a_file_of_the_wrong_kind_is_a_clear_error():
    with pytest.raises(CommandError, match="is not an alignment file"):
        call_command("evaluate", "alignment", "--data", str(FIXTURES / "pairs.jsonl"), stdout=StringIO())
