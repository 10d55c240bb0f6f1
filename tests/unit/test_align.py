"""Alignment of two articles and grouping of a story's facts, on hand-made vectors.

Logic tests use plain-cosine parameters (every decision a cosine threshold)
so that the expected links can be read off the vectors, or feed hand-made
judgements straight to ``decide_links``; a few tests use the shipped, fitted
parameters; the slow tests use the real model on stories written for them.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.nlp.align.engine import (
    AlignmentParams,
    ArticleSentences,
    Link,
    PairEvidence,
    SentenceRef,
    align_by_similarity,
    decide_links,
    group_facts,
    load_params,
)
from compare.research.baselines import cosine_head, plain_cosine_params


def _article(key: int, vectors: list[list[float]], kinds: list[str] | None = None) -> ArticleSentences:
    texts = [f"Sentence {n} of article {key}." for n in range(len(vectors))]
    return ArticleSentences(key, texts, np.asarray(vectors, dtype=np.float32), kinds)


@pytest.fixture
def cosine_params() -> AlignmentParams:
    """Link at cosine >= 0.7; "same" needs cosine >= 0.9."""
    return plain_cosine_params(pair_threshold=0.9, link_threshold=0.7)


def _pairs(links: list[Link]) -> set[tuple[int, int]]:
    return {(link.a.sentence, link.b.sentence) for link in links}


def test_align_pair_links_only_pairs_above_the_threshold(cosine_params):
    a = _article(1, [[1, 0, 0], [0, 1, 0]])
    b = _article(2, [[0.95, 0.31, 0], [0, 0, 1]])
    links = align_by_similarity(a, b, cosine_params)
    assert _pairs(links) == {(0, 0)}
    assert links[0].a == SentenceRef(1, 0)
    assert links[0].b == SentenceRef(2, 0)


def test_a_near_duplicate_is_same_and_a_looser_match_is_partial(cosine_params):
    a = _article(1, [[1, 0, 0], [0, 1, 0]])
    b = _article(2, [[0.99, 0.14, 0], [0.0, 0.75, 0.66]])
    kinds = {
        (link.a.sentence, link.b.sentence): link.kind for link in align_by_similarity(a, b, cosine_params)
    }
    assert kinds == {(0, 0): "same", (1, 1): "partial"}


def test_a_sentence_covering_two_different_facts_links_to_both_as_partial(cosine_params):
    summary = _article(1, [[0.7, 0.7, 0]])
    detailed = _article(2, [[1, 0, 0], [0, 1, 0]])
    links = align_by_similarity(summary, detailed, replace(cosine_params, pair=cosine_head(0.6)))
    assert _pairs(links) == {(0, 0), (0, 1)}
    assert {link.kind for link in links} == {"partial"}


def test_a_sentence_has_one_same_counterpart_and_a_second_as_strong_becomes_partial(cosine_params):
    a = _article(1, [[1, 0, 0]])
    b = _article(2, [[0.99, 0.14, 0], [0.95, 0, 0.31]])
    kinds = {
        (link.a.sentence, link.b.sentence): link.kind for link in align_by_similarity(a, b, cosine_params)
    }
    assert kinds == {(0, 0): "same", (0, 1): "partial"}


def test_same_links_pair_each_sentence_with_its_best_free_counterpart(cosine_params):
    # a0 and a1 both prefer b0; a0 is closer, so a1 takes its next best, b1.
    a = _article(1, [[1, 0, 0], [0.94, 0.34, 0]])
    b = _article(2, [[0.99, 0.14, 0], [0.8, 0.6, 0]])
    same = {
        (link.a.sentence, link.b.sentence)
        for link in align_by_similarity(a, b, cosine_params)
        if link.kind == "same"
    }
    assert same == {(0, 0), (1, 1)}


def test_the_lead_bonus_makes_a_headline_and_its_lead_the_same_fact(cosine_params):
    kinds = ["headline", "body", "body"]
    a = _article(1, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], kinds)
    b = _article(2, [[0, 0, 1], [0.8, 0.6, 0], [0, 0.1, 0.99]], kinds)
    params = replace(cosine_params, lead_bonus=20.0, same_similarity=0.7)

    def kind_of_headline_and_lead(x: ArticleSentences, y: ArticleSentences) -> str:
        return {(lk.a.sentence, lk.b.sentence): lk.kind for lk in align_by_similarity(x, y, params)}[(0, 1)]

    assert kind_of_headline_and_lead(replace(a, kinds=None), replace(b, kinds=None)) == "partial"
    assert kind_of_headline_and_lead(a, b) == "same"


def _evidence(
    p_same: list[float],
    grade: list[float],
    supported: list[bool] | None = None,
    shorter: list[int] | None = None,
) -> PairEvidence:
    return PairEvidence(
        np.asarray(p_same, dtype=float),
        np.asarray(grade, dtype=float),
        np.asarray(supported or [False] * len(grade), dtype=bool),
        None if shorter is None else np.asarray(shorter),
    )


@pytest.fixture
def fact_params() -> AlignmentParams:
    """Same at P >= 0.5 and grade >= 3.5, partial at grade >= 3, supported partial at grade >= 2."""
    return replace(
        load_params(),
        pair=replace(load_params().pair, threshold=0.5),
        same_similarity=3.5,
        partial_similarity=3.0,
        containment_similarity=2.0,
        max_partials=2,
    )


def test_decide_links_needs_both_heads_for_same(fact_params):
    rows, cols = np.array([0, 1, 2]), np.array([0, 1, 2])
    kinds = decide_links(rows, cols, _evidence([0.9, 0.2, 0.9], [4.0, 4.5, 3.2]), fact_params)
    assert kinds == ["same", "partial", "partial"]


def test_decide_links_caps_the_weak_partial_links_of_a_sentence_keeping_the_strongest(fact_params):
    # Graded 2.1-2.9: below partial_similarity, linked only on containment support.
    rows, cols = np.zeros(4, dtype=int), np.arange(4)
    kinds = decide_links(rows, cols, _evidence([0.1] * 4, [2.1, 2.9, 2.4, 2.2], [True] * 4), fact_params)
    assert kinds == ["", "partial", "partial", ""]


def test_decide_links_keeps_every_roughly_equivalent_restatement(fact_params):
    # A headline, standfirst, lead and quote restating one fact: all graded >= partial_similarity.
    rows, cols = np.zeros(4, dtype=int), np.arange(4)
    kinds = decide_links(rows, cols, _evidence([0.1] * 4, [3.1, 3.9, 3.4, 3.2]), fact_params)
    assert kinds == ["partial"] * 4


def test_decide_links_leaves_a_topical_neighbour_unlinked(fact_params):
    # a0's best counterpart is b0 and b1's best is a1: the weak cross pair a0-b1 has no support.
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 1])
    kinds = decide_links(rows, cols, _evidence([0.9, 0.1, 0.9], [4.2, 2.5, 4.0]), fact_params)
    assert kinds == ["same", "", "same"]


def test_decide_links_takes_a_weak_pair_when_containment_or_mutual_best_supports_it(fact_params):
    rows, cols = np.array([0, 0, 1]), np.array([0, 1, 1])
    grade = [4.2, 2.1, 2.5]
    assert decide_links(rows, cols, _evidence([0.9, 0.1, 0.1], grade), fact_params) == ["same", "", "partial"]
    contained = _evidence([0.9, 0.1, 0.1], grade, [False, True, False])
    assert decide_links(rows, cols, contained, fact_params) == ["same", "partial", "partial"]
    too_weak = _evidence([0.9, 0.1, 0.1], [4.2, 1.5, 1.9], [False, True, False])
    assert decide_links(rows, cols, too_weak, fact_params) == ["same", "", ""]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.floats(0, 1), st.floats(0, 5)),
        max_size=25,
        unique_by=lambda row: (row[0], row[1]),
    )
)
def test_decide_links_keeps_one_same_and_at_most_two_weak_partials_per_sentence(candidates):
    params = replace(load_params(), max_partials=2)
    rows = np.array([c[0] for c in candidates], dtype=int)
    cols = np.array([c[1] for c in candidates], dtype=int)
    evidence = _evidence([c[2] for c in candidates], [c[3] for c in candidates])
    kinds = decide_links(rows, cols, evidence, params)
    for side in (rows, cols):
        for sentence in set(side.tolist()):
            mine = [kind for kind, s in zip(kinds, side.tolist(), strict=True) if s == sentence]
            assert mine.count("same") <= 1
            weak = [
                kind
                for kind, s, grade in zip(kinds, side.tolist(), evidence.similarity, strict=True)
                if s == sentence and grade < params.partial_similarity
            ]
            assert weak.count("partial") <= 2


def test_pairs_below_the_cosine_floor_are_never_scored(cosine_params):
    a = _article(1, [[1, 0]])
    b = _article(2, [[0.8, 0.6]])
    lenient = replace(cosine_params, alignment=cosine_head(0.0))
    assert _pairs(align_by_similarity(a, b, lenient)) == {(0, 0)}
    assert align_by_similarity(a, b, replace(lenient, candidate_floor=0.9)) == []


def test_an_empty_article_has_no_links(cosine_params):
    empty = ArticleSentences(1, [], np.zeros((0, 3), dtype=np.float32))
    assert align_by_similarity(empty, _article(2, [[1, 0, 0]]), cosine_params) == []


def _link(a: tuple[int, int], b: tuple[int, int], kind: str = "same", score: float = 0.9) -> Link:
    return Link(SentenceRef(*a), SentenceRef(*b), kind, score)


def _story() -> list[ArticleSentences]:
    return [_article(key, [[1.0]] * 3) for key in (10, 20, 30)]


def test_pairs_of_articles_never_compared_do_not_count_against_a_fact():
    # 10 and 30 were never compared: the fact told by 10-20 and 20-30 is one fact anyway...
    links = [_link((10, 0), (20, 1)), _link((20, 1), (30, 2))]
    compared = {frozenset((10, 20)), frozenset((20, 30))}
    (joined,) = [f for f in group_facts(_story(), links, 0.6, compared) if len(f.members) > 1]
    assert set(joined.members) == {SentenceRef(10, 0), SentenceRef(20, 1), SentenceRef(30, 2)}
    # ...while had they been compared and found unlinked, 30 would stay out (1 link of 2 pairs < 0.6).
    kept_apart = [f for f in group_facts(_story(), links, 0.6) if len(f.members) > 1]
    assert {len(f.members) for f in kept_apart} == {2}


def test_group_facts_joins_a_fact_reported_by_three_outlets():
    links = [_link((10, 0), (20, 1)), _link((20, 1), (30, 2)), _link((10, 0), (30, 2), score=0.8)]
    facts = group_facts(_story(), links, 0.6)
    shared = [fact for fact in facts if fact.kind == "shared"]
    assert len(shared) == 1
    assert shared[0].articles == (10, 20, 30)
    assert shared[0].members == (SentenceRef(10, 0), SentenceRef(20, 1), SentenceRef(30, 2))


def test_group_facts_does_not_chain_unrelated_sentences_through_a_middle_link():
    links = [_link((10, 0), (20, 0), score=0.95), _link((20, 0), (30, 0), score=0.6)]
    facts = group_facts(_story(), links, 0.6)
    fact_of = {ref: fact.id for fact in facts for ref in fact.members}
    assert fact_of[SentenceRef(10, 0)] == fact_of[SentenceRef(20, 0)]
    assert fact_of[SentenceRef(30, 0)] != fact_of[SentenceRef(10, 0)]


def test_a_fact_joined_only_by_partial_links_is_partial():
    facts = group_facts(_story(), [_link((10, 1), (20, 2), kind="partial")], 0.6)
    assert [fact.kind for fact in facts if len(fact.members) > 1] == ["partial"]


def test_unlinked_sentences_are_unique_facts_of_one_article():
    facts = group_facts(_story(), [], 0.6)
    assert len(facts) == 9
    assert all(fact.kind == "unique" and len(fact.articles) == 1 for fact in facts)
    assert [fact.id for fact in facts] == list(range(9))


def test_group_facts_rejects_a_link_to_an_unknown_sentence():
    with pytest.raises(ValueError):
        group_facts(_story(), [_link((10, 0), (40, 0))], 0.6)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 2),
            st.integers(0, 3),
            st.integers(0, 2),
            st.integers(0, 3),
            st.floats(0.1, 1.0),
            st.sampled_from(["same", "partial"]),
        ),
        max_size=30,
    )
)
def test_every_sentence_ends_in_exactly_one_fact_and_only_unlinked_ones_are_alone(raw_links):
    articles = [_article(key, [[1.0]] * 4) for key in (0, 1, 2)]
    links = [_link((x, i), (y, j), kind, score) for x, i, y, j, score, kind in raw_links if x != y]
    facts = group_facts(articles, links, 0.6)
    members = [ref for fact in facts for ref in fact.members]
    assert sorted(members) == sorted(SentenceRef(a, s) for a in (0, 1, 2) for s in range(4))
    linked = {ref for link in links for ref in (link.a, link.b)}
    for fact in facts:
        assert set(fact.articles) == {ref.article for ref in fact.members}
        # Reported alone: one sentence with no link at all (a linked one left on its own is partial).
        assert (fact.kind == "unique") == (len(fact.members) == 1 and fact.members[0] not in linked)


def test_params_survive_a_round_trip_through_json():
    params = load_params()
    again = AlignmentParams.from_dict(json.loads(json.dumps(params.to_dict())))
    assert again == params
    assert again.provenance == params.provenance


def test_shipped_params_were_fitted_without_the_test_files():
    provenance = load_params().provenance
    assert provenance["files"]
    assert not any("test" in name for name in provenance["files"])
    assert provenance["dev_scores"]["ecbplus_alignment_dev"]["n_pairs"] > 0


def _headed(key: int, texts: list[str], encoder) -> ArticleSentences:
    """An article of a headline and body sentences, embedded by ``encoder``."""
    return ArticleSentences(key, texts, encoder.encode(texts), ["headline"] + ["body"] * (len(texts) - 1))


@pytest.fixture(scope="module")
def real_story(real_encoder) -> dict[str, ArticleSentences]:
    """One English report and a translated one (kinds given), embedded once for the slow tests."""
    english = [
        "Rockets hit northern Israel as border clashes escalate",
        "Militants in southern Lebanon fired rockets into northern Israel on Tuesday, the military said.",
        '"We will respond with force to any attack on our citizens," the defence minister said.',
        "Schools in the area will remain closed on Wednesday.",
    ]
    translated = [
        "Rocket barrage from Lebanon",
        "The United Nations called on both sides to show restraint.",
        'The minister warned: "Any attack against our citizens will be answered forcefully."',
        "Dozens of rockets were launched from Lebanon towards the north of Israel on Tuesday.",
    ]
    return {"english": _headed(1, english, real_encoder), "translated": _headed(2, translated, real_encoder)}


@pytest.mark.slow
def test_the_same_quotation_in_two_translations_links(real_story):
    pairs = _pairs(align_by_similarity(real_story["english"], real_story["translated"]))
    assert (2, 2) in pairs
    assert (3, 1) not in pairs


@pytest.mark.slow
def test_a_headline_links_to_the_lead_that_restates_it(real_story):
    pairs = _pairs(align_by_similarity(real_story["english"], real_story["translated"]))
    assert (0, 3) in pairs or (1, 0) in pairs
    assert (1, 3) in pairs


@pytest.fixture(scope="module")
def ferry_story(real_encoder) -> dict[str, ArticleSentences]:
    """An invented ferry disaster told by two outlets.

    Paraphrased facts, one quotation in two translations, one sentence that
    merges two of the other's, and background on the same topic.
    """
    wire = [
        "Ferry capsizes on Lake Morvane, 14 dead",
        "At least 14 people died when a passenger ferry capsized on Lake Morvane on Sunday, police said.",
        "The ferry was carrying around 60 passengers from Tellis to the island of Orra "
        "when it was hit by a sudden storm.",
        '"We are doing everything possible to find the missing," '
        "regional governor Anna Petrov told reporters.",
        "Lake Morvane is the country's largest freshwater lake and a popular destination for tourists.",
        "Ferry accidents are common in the region, where many boats are old and poorly maintained.",
    ]
    local = [
        "Fourteen killed as ferry sinks in storm on Lake Morvane",
        "A ferry sank on Lake Morvane on Sunday, killing at least 14 people, according to the police.",
        "The boat had about 60 passengers on board.",
        "A sudden storm struck the ferry during its crossing from Tellis to Orra.",
        'Governor Anna Petrov said: "We are making every possible effort to find those still missing."',
        "The government has announced an inquiry into the company that operated the vessel.",
        "Tourism to the islands of the lake has grown sharply over the past decade.",
    ]
    return {"wire": _headed(1, wire, real_encoder), "local": _headed(2, local, real_encoder)}


@pytest.mark.slow
def test_paraphrased_facts_and_a_translated_quote_are_the_same_fact(ferry_story):
    kinds = {
        (lk.a.sentence, lk.b.sentence): lk.kind
        for lk in align_by_similarity(ferry_story["wire"], ferry_story["local"])
    }
    assert kinds[(0, 0)] == "same"
    assert kinds[(1, 1)] == "same"
    assert kinds[(3, 4)] == "same"


@pytest.mark.slow
def test_a_sentence_merging_two_facts_links_to_both(ferry_story):
    kinds = {
        (lk.a.sentence, lk.b.sentence): lk.kind
        for lk in align_by_similarity(ferry_story["wire"], ferry_story["local"])
    }
    assert (2, 2) in kinds and (2, 3) in kinds
    assert "partial" in {kinds[(2, 2)], kinds[(2, 3)]}


@pytest.mark.slow
def test_background_on_the_same_topic_stays_unlinked_and_ends_as_unique_facts(ferry_story):
    wire, local = ferry_story["wire"], ferry_story["local"]
    links = align_by_similarity(wire, local)
    linked = {lk.a for lk in links} | {lk.b for lk in links}
    background = {SentenceRef(1, 4), SentenceRef(1, 5), SentenceRef(2, 5), SentenceRef(2, 6)}
    assert not linked & background
    facts = group_facts([wire, local], links)
    assert {fact.members[0] for fact in facts if fact.kind == "unique"} >= background
    fact_of = {ref: fact for fact in facts for ref in fact.members}
    # Headline and lead restate each other: one shared fact of four sentences.
    assert set(fact_of[SentenceRef(1, 0)].members) == {SentenceRef(k, s) for k in (1, 2) for s in (0, 1)}
    assert fact_of[SentenceRef(1, 3)].kind == "shared"
    merged = fact_of[SentenceRef(1, 2)]
    assert merged.kind == "partial"
    assert set(merged.members) == {SentenceRef(1, 2), SentenceRef(2, 2), SentenceRef(2, 3)}
