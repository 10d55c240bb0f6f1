"""Word diff and conflicts between two linked sentences."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compare.nlp.diff import conflicts, sentence_diff, word_diff


def test_word_diff_marks_the_replaced_and_added_words():
    ops = word_diff(
        "Militants fired 20 rockets into Israel.", "Militants fired dozens of rockets into northern Israel."
    )
    assert ("delete", "20 ") in ops
    assert ("insert", "dozens of ") in ops
    assert ("insert", "northern ") in ops
    assert ops[0] == ("equal", "Militants fired ")


def test_word_diff_of_identical_sentences_is_one_equal_run():
    assert word_diff("Same words here.", "Same words here.") == [("equal", "Same words here.")]


def test_word_diff_ignores_case_but_not_punctuation():
    ops = word_diff("Police said so.", "police said so!")
    assert ops[0] == ("equal", "Police said so")
    assert ("insert", "!") in ops


def test_word_diff_of_empty_strings_is_empty():
    assert word_diff("", "") == []
    assert word_diff("", "New text.") == [("insert", "New text.")]


_words = st.lists(st.sampled_from(["the", "navy", "captured", "23", "pirates", ",", "on", "Saturday", "."]))


@given(_words, _words)
def test_equal_and_deleted_text_rebuild_the_first_sentence(words_a, words_b):
    a, b = " ".join(words_a), " ".join(words_b)
    ops = word_diff(a, b)
    assert "".join(text for op, text in ops if op != "insert") == a
    assert all(op in {"equal", "delete", "insert"} for op, _ in ops)


def test_an_exact_number_conflicts_with_a_vague_one_that_cannot_hold_it():
    found = conflicts("Militants fired 20 rockets into Israel.", "Dozens of rockets were fired into Israel.")
    assert [c.kind for c in found] == ["number"]
    assert found[0].a == "20 rockets"
    assert "20 rockets" in found[0].message and "Dozens of rockets" in found[0].message


def test_a_vague_number_that_fits_is_no_conflict():
    assert conflicts("Militants fired 30 rockets.", "Militants fired dozens of rockets.") == []


def test_numbers_counting_different_things_are_not_compared():
    assert conflicts("Three people were wounded.", "Twenty rockets were fired.") == []


def test_money_and_percentages_are_compared():
    kinds = [
        c.message for c in conflicts("Shares rose 11 percent to $21.51.", "Shares rose 8 percent to $21.03.")
    ]
    assert kinds == ['Numbers differ: "11 percent" vs "8 percent"', 'Numbers differ: "$21.51" vs "$21.03"']


def test_different_weekdays_and_years_are_date_conflicts():
    found = conflicts(
        "The vote was held on Sunday, 14 December 2008.", "The vote was held on Monday, 14 December 2009."
    )
    assert {c.kind for c in found} == {"date"}
    assert {(c.a, c.b) for c in found} == {("Sunday", "Monday"), ("2008", "2009")}


def test_a_day_of_the_month_is_a_date_not_a_count():
    assert [c.kind for c in conflicts("It opened on June 10.", "It opened on June 12.")] == ["date"]


def test_different_named_sources_conflict():
    found = conflicts(
        "Three people were wounded, Smith said.", "Three people were wounded, according to Jones."
    )
    assert [(c.kind, c.a, c.b) for c in found] == [("source", "Smith", "Jones")]


def test_a_fuller_name_of_the_same_source_is_no_conflict():
    assert (
        conflicts(
            "The pirates surrendered, Sinha said.", "The pirates surrendered, said Commander Nirad Sinha."
        )
        == []
    )


def test_unnamed_sources_are_not_compared():
    assert conflicts("The army said it struck back.", "Artillery shelled targets, police said.") == []


def _few_words(n: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    return " ".join(rng.choice(["the", "a", "of", "and", "to"]) for _ in range(n))


def test_word_diff_never_hands_the_matcher_more_than_the_limit(monkeypatch):
    from compare.nlp import diff

    sizes = []
    real = diff.SequenceMatcher

    def spy(isjunk, a, b, autojunk):
        sizes.append((len(a), len(b)))
        return real(isjunk, a, b, autojunk=autojunk)

    monkeypatch.setattr(diff, "SequenceMatcher", spy)
    a, b = _few_words(20_000, 1), _few_words(20_000, 2)
    ops = word_diff(a, b)  # took 20 s before the limit (two 20,000-word sentences, five distinct words)
    assert all(n <= 1000 and m <= 1000 for n, m in sizes)
    assert "".join(text for op, text in ops if op != "insert") == a


def test_a_long_sentence_with_a_short_change_is_still_diffed_word_by_word():
    base = _few_words(5_000, 3)
    ops = word_diff(base + " harbour closed.", base + " port closed.")
    assert ops[-3:] == [("delete", "harbour "), ("insert", "port "), ("equal", "closed.")]


@given(_words, _words)
def test_the_bounded_diff_rebuilds_both_sentences(words_a, words_b):
    from compare.nlp import diff

    saved, diff.MAX_DIFF_TOKENS = diff.MAX_DIFF_TOKENS, 3
    try:
        a, b = " ".join(words_a), " ".join(words_b)
        ops = word_diff(a, b)
    finally:
        diff.MAX_DIFF_TOKENS = saved
    assert "".join(text for op, text in ops if op != "insert") == a


def test_a_name_cut_at_the_hyphen_is_no_conflict():
    # The case: the segmenter cut "al-Assad" and the source read "Bashar al".
    assert conflicts("The talks went well, said Syria President Bashar al", "Putin, Assad said.") == []


def test_a_hyphenated_name_and_its_last_part_are_one_source():
    a = "The talks went well, said Syria President Bashar al-Assad."
    assert conflicts(a, "The talks went well, Assad said.") == []


def test_name_particles_are_part_of_the_name_not_a_name():
    assert (
        conflicts("The plan is ready, said Ursula von der Leyen.", "The plan is ready, von der Leyen said.")
        == []
    )
    assert conflicts("The tape is real, said Osama bin Laden.", "The tape is real, Laden said.") == []


def test_a_source_the_other_sentence_mentions_is_no_conflict():
    a = "Troops will leave, Putin said."
    b = "Troops will leave after Putin met Assad, Lavrov told reporters."
    assert conflicts(a, b) == []


def test_a_title_alone_does_not_make_two_sources_one():
    found = conflicts("Troops will leave, said President Putin.", "Troops will leave, said President Macron.")
    assert [c.kind for c in found] == ["source"]


def _shown(ops) -> str:
    return "".join(f"[-{t}-]" if op == "delete" else f"{{+{t}+}}" if op == "insert" else t for op, t in ops)


def test_a_readable_diff_keeps_the_space_where_an_insertion_joins():
    diff = sentence_diff("Putin met Assad in Sochi.", "Putin met Assad in Sochi on Thursday.")
    assert _shown(diff.ops) == "Putin met Assad in Sochi {+on Thursday+}."
    assert "Sochion" not in "".join(text for op, text in diff.ops if op != "delete")


def test_a_readable_diff_spaces_a_replacement_after_punctuation():
    diff = sentence_diff("They met in Sochi, Russia.", "They met in Sochi, on Thursday.")
    assert _shown(diff.ops) == "They met in Sochi, [-Russia-] {+on Thursday+}."


def test_a_readable_diff_folds_a_lone_common_word_into_one_change():
    diff = sentence_diff("Gunmen shot two guards and a driver.", "Gunmen killed one guard and three drivers.")
    assert (
        _shown(diff.ops) == "Gunmen [-shot two guards and a driver-] {+killed one guard and three drivers+}."
    )


def test_a_readable_diff_keeps_longer_common_runs_as_landmarks():
    diff = sentence_diff("The president of the country spoke.", "The leader of the nation spoke.")
    assert _shown(diff.ops) == "The [-president-] {+leader+} of the [-country-] {+nation+} spoke."


def test_a_diff_that_would_be_mostly_changes_says_worded_differently():
    diff = sentence_diff(
        "Russian President Vladimir Putin hosted Syrian leader Bashar al-Assad in Sochi on Thursday.",
        "Assad flew to Russia to meet Putin, the Kremlin said.",
    )
    assert diff.changed > 0.6 and diff.worded_differently


def test_identical_sentences_have_nothing_changed():
    diff = sentence_diff("Same words here.", "Same words here.")
    assert diff.identical and diff.changed == 0


@given(_words, _words)
def test_a_readable_diff_keeps_every_word_of_both_sentences_in_order(words_a, words_b):
    a, b = " ".join(words_a), " ".join(words_b)
    ops = sentence_diff(a, b).ops
    assert "".join(t for op, t in ops if op != "insert").replace(" ", "") == a.replace(" ", "")
    kept_b = "".join(t for op, t in ops if op != "delete").replace(" ", "")
    assert kept_b.lower() == b.replace(" ", "").lower()
