"""The story-level alignment score: an event's articles as one story, scored by its facts."""

from __future__ import annotations

import numpy as np

from compare.nlp.align.types import Link, SentenceRef
from compare.nlp.embedding.encoders import HashingEncoder
from compare.research.story_evaluation import evaluate_stories, event_of, event_stories


def _record(pair: str, a: str, b: str, gold: list[list[int]]) -> dict:
    texts = {
        "nyt": ["Quake hits Lima.", "Twelve people died."],
        "fox": ["An earthquake struck Lima.", "The mayor spoke."],
        "hpo": ["Lima shaken by a quake.", "Rescuers searched rubble."],
    }
    return {
        "id": f"ev1-{pair}",
        "a": {"id": f"ev1_{a}", "sentences": texts[a]},
        "b": {"id": f"ev1_{b}", "sentences": texts[b]},
        "gold_links": gold,
    }


RECORDS = [
    _record("nyt-fox", "nyt", "fox", [[0, 0]]),
    _record("nyt-hpo", "nyt", "hpo", []),
    _record("fox-hpo", "fox", "hpo", [[0, 0]]),
]


def test_an_events_pairs_become_one_story_of_its_articles():
    (story,) = event_stories(RECORDS)
    assert event_of("ev1-nyt-fox") == "ev1"
    assert story.names == ["ev1_nyt", "ev1_fox", "ev1_hpo"]
    assert story.gold == {
        frozenset({SentenceRef(0, 0), SentenceRef(1, 0)}),
        frozenset({SentenceRef(1, 0), SentenceRef(2, 0)}),
    }


def _linking(*pairs: tuple[int, int]):
    """A pair aligner that links sentence 0 of the listed article pairs, nothing else."""

    def align(a, b):
        if (a.article, b.article) in pairs:
            return [Link(SentenceRef(a.article, 0), SentenceRef(b.article, 0), "same", 0.9)]
        return []

    return align


def test_a_fact_chaining_three_outlets_costs_precision_where_the_gold_has_no_link():
    # All three headlines in one fact: nyt-hpo is co-membership the gold never linked.
    scores = evaluate_stories(RECORDS, HashingEncoder(), align=_linking((0, 1), (1, 2), (0, 2)))
    assert (
        scores["link_true_positives"],
        scores["link_false_positives"],
        scores["link_false_negatives"],
    ) == (
        2,
        1,
        0,
    )
    assert np.isclose(scores["link_precision"], 2 / 3)
    # Every second sentence is reported alone, by gold and prediction alike.
    assert (scores["unique_true_positives"], scores["unique_false_positives"]) == (3, 0)
    assert scores["unique_f1"] == 1.0


def test_sentences_left_unlinked_are_wrongly_alone():
    scores = evaluate_stories(RECORDS, HashingEncoder(), align=_linking())
    assert scores["link_recall"] == 0.0
    assert (scores["unique_true_positives"], scores["unique_false_positives"]) == (3, 3)
