"""What changed between two versions of an article, sentence by sentence (compare/nlp/diff.py)."""

from __future__ import annotations

from compare.nlp.diff import sentence_changes

A = "Gale-force winds closed the harbour in Valletta on Tuesday."
B = "Ferries to Gozo were cancelled until Wednesday morning."
C = "Fishermen moved their boats inland on Monday night."
D = "Schools in Sliema stayed open."


def test_unchanged_versions_have_no_changes():
    changes = sentence_changes([A, B], [A, B])
    assert not changes.changed


def test_added_and_removed_sentences_are_told_apart_from_reworded_ones():
    changes = sentence_changes([A, B, C], [A, C.replace("night", "evening"), D])
    assert changes.removed == [B]
    assert changes.added == [D]
    (reworded,) = changes.reworded
    assert (reworded.old, reworded.new) == (C, C.replace("night", "evening"))
    assert ("delete", "night") in reworded.diff and ("insert", "evening") in reworded.diff


def test_a_sentence_replaced_by_an_unrelated_one_is_removed_and_added_not_reworded():
    changes = sentence_changes([A, B], [A, D])
    assert (changes.removed, changes.added, changes.reworded) == ([B], [D], [])


def test_new_sentences_before_a_reworded_one_keep_their_order():
    changes = sentence_changes([A, C], [A, D, C.replace("Monday", "Sunday")])
    assert changes.added == [D]
    assert [r.new for r in changes.reworded] == [C.replace("Monday", "Sunday")]
