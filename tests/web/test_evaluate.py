"""manage.py evaluate on tiny fixtures of our own (never the shared evaluation data)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from compare.models import Article, Story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def evaluate(task: str, name: str, *options: str) -> dict:
    out = StringIO()
    call_command("evaluate", task, "--data", str(FIXTURES / name), "--json", *options, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) > 2  # the readable table comes first
    return json.loads(lines[-1])


def _counts(scores: dict, prefix: str) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of links or unique sentences."""
    kinds = ("true_positives", "false_positives", "false_negatives")
    return tuple(scores[f"{prefix}{kind}"] for kind in kinds)


# Expected figures were computed once with the hashing encoder (the test
# default) and the shipped parameters; a change that moves them changes what
# the command measures.


def test_pairs_with_labels_report_classification_scores():
    scores = evaluate("pairs", "pairs.jsonl")
    # p6 (a paraphrase with no words in common) is the one pair missed.
    assert (scores["n"], scores["n_labelled"]) == (6, 6)
    assert scores["accuracy"] == pytest.approx(5 / 6)
    assert scores["precision"] == 1.0
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(0.8)
    assert "spearman" not in scores


def test_pairs_with_scores_report_spearman_of_the_graded_similarity():
    scores = evaluate("pairs", "sts.jsonl")
    assert (scores["n"], scores["n_scored"]) == (8, 8)
    assert scores["spearman"] == pytest.approx(9 / 14)
    assert "accuracy" not in scores


def test_alignment_reports_the_app_links_and_unique_sentences():
    scores = evaluate("alignment", "alignment.jsonl")
    assert (scores["level"], scores["n_records"], scores["n_pairs"]) == ("fact", 2, 25)
    assert _counts(scores, "link_") == (5, 2, 2)
    assert scores["link_recall"] == pytest.approx(5 / 7)
    assert _counts(scores, "unique_") == (2, 0, 2)
    assert scores["unique_f1"] == pytest.approx(2 / 3)


def test_alignment_reports_the_previous_engine_at_the_similarity_level():
    scores = evaluate("alignment", "alignment.jsonl", "--level", "similarity")
    assert _counts(scores, "link_") == (4, 0, 3)
    assert _counts(scores, "unique_") == (4, 2, 0)


def test_alignment_at_the_story_level_scores_the_facts_of_each_events_story():
    scores = evaluate("alignment", "alignment.jsonl", "--level", "story")
    assert (scores["level"], scores["n_stories"]) == ("story", 2)
    assert _counts(scores, "link_") == (5, 3, 2)
    assert _counts(scores, "unique_") == (2, 0, 2)


def test_alignment_at_the_event_level_links_more_than_the_app_does():
    scores = evaluate("alignment", "alignment.jsonl", "--level", "event")
    assert scores["level"] == "event"
    # One more gold link than the fact level (storm/boats across sentences 0 and 2).
    assert _counts(scores, "link_") == (5, 0, 2)


@pytest.mark.django_db(transaction=True)
def test_clustering_runs_on_an_isolated_database_and_leaves_the_app_data_alone():
    Story.objects.create(title="An editor's own story")
    scores = evaluate("clustering", "clustering.jsonl")
    # Two earthquake reports and two rehab reports: two stories, exactly the gold ones.
    assert (scores["n"], scores["stories"]) == (4, 2)
    assert scores["bcubed_f1"] == 1.0
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
