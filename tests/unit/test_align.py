"""Alignment of two articles and grouping of a story's facts, on hand-made vectors.

Logic tests use plain-cosine parameters (every decision a cosine threshold)
so that the expected links can be read off the vectors; a few tests use the
shipped, fitted parameters; two slow tests use the real model.
"""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.nlp.align import (
    AlignmentParams,
    ArticleSentences,
    Head,
    Link,
    SentenceRef,
    align_pair,
    group_facts,
    load_params,
    pair_probability,
)
from compare.nlp.embedding import HashingEncoder


def _article(key: int, vectors: list[list[float]], kinds: list[str] | None = None) -> ArticleSentences:
    texts = [f"Sentence {n} of article {key}." for n in range(len(vectors))]
    return ArticleSentences(key, texts, np.asarray(vectors, dtype=np.float32), kinds)


@pytest.fixture
def cosine_params() -> AlignmentParams:
    """Link at cosine >= 0.7; "same" needs cosine >= 0.9."""
    return replace(AlignmentParams.plain_cosine(pair_threshold=0.9, link_threshold=0.7), distinct_cosine=0.6)


def _pairs(links: list[Link]) -> set[tuple[int, int]]:
    return {(link.a.sentence, link.b.sentence) for link in links}


def test_align_pair_links_only_pairs_above_the_threshold(cosine_params):
    a = _article(1, [[1, 0, 0], [0, 1, 0]])
    b = _article(2, [[0.95, 0.31, 0], [0, 0, 1]])
    links = align_pair(a, b, cosine_params)
    assert _pairs(links) == {(0, 0)}
    assert links[0].a == SentenceRef(1, 0)
    assert links[0].b == SentenceRef(2, 0)


def test_a_near_duplicate_is_same_and_a_looser_match_is_partial(cosine_params):
    a = _article(1, [[1, 0, 0], [0, 1, 0]])
    b = _article(2, [[0.99, 0.14, 0], [0.0, 0.75, 0.66]])
    kinds = {(link.a.sentence, link.b.sentence): link.kind for link in align_pair(a, b, cosine_params)}
    assert kinds == {(0, 0): "same", (1, 1): "partial"}


def test_a_sentence_covering_two_different_facts_links_to_both_as_partial(cosine_params):
    summary = _article(1, [[0.7, 0.7, 0]])
    detailed = _article(2, [[1, 0, 0], [0, 1, 0]])
    links = align_pair(summary, detailed, replace(cosine_params, pair=Head.on_cosine(0.6)))
    assert _pairs(links) == {(0, 0), (0, 1)}
    assert {link.kind for link in links} == {"partial"}


def test_pairs_below_the_cosine_floor_are_never_scored(cosine_params):
    a = _article(1, [[1, 0]])
    b = _article(2, [[0.8, 0.6]])
    lenient = replace(cosine_params, alignment=Head.on_cosine(0.0))
    assert _pairs(align_pair(a, b, lenient)) == {(0, 0)}
    assert align_pair(a, b, replace(lenient, candidate_floor=0.9)) == []


def test_a_headline_links_to_the_lead_it_restates_thanks_to_the_kinds(cosine_params):
    kinds_a = ["headline", "body", "body"]
    kinds_b = ["headline", "body", "body"]
    a = _article(1, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], kinds_a)
    b = _article(2, [[0, 0, 1], [0.6, 0.8, 0], [0, 0.1, 0.99]], kinds_b)
    params = replace(cosine_params, lead_bonus=20.0)
    assert (0, 1) not in _pairs(align_pair(replace(a, kinds=None), replace(b, kinds=None), params))
    assert (0, 1) in _pairs(align_pair(a, b, params))


def test_an_empty_article_has_no_links(cosine_params):
    empty = ArticleSentences(1, [], np.zeros((0, 3), dtype=np.float32))
    assert align_pair(empty, _article(2, [[1, 0, 0]]), cosine_params) == []


def _link(a: tuple[int, int], b: tuple[int, int], kind: str = "same", score: float = 0.9) -> Link:
    return Link(SentenceRef(*a), SentenceRef(*b), kind, score)


def _story() -> list[ArticleSentences]:
    return [_article(key, [[1.0]] * 3) for key in (10, 20, 30)]


def test_group_facts_joins_a_fact_reported_by_three_outlets():
    links = [_link((10, 0), (20, 1)), _link((20, 1), (30, 2)), _link((10, 0), (30, 2), score=0.8)]
    facts = group_facts(_story(), links, load_params())
    shared = [fact for fact in facts if fact.kind == "shared"]
    assert len(shared) == 1
    assert shared[0].articles == (10, 20, 30)
    assert shared[0].members == (SentenceRef(10, 0), SentenceRef(20, 1), SentenceRef(30, 2))


def test_group_facts_does_not_chain_unrelated_sentences_through_a_middle_link():
    links = [_link((10, 0), (20, 0), score=0.95), _link((20, 0), (30, 0), score=0.6)]
    facts = group_facts(_story(), links, load_params())
    fact_of = {ref: fact.id for fact in facts for ref in fact.members}
    assert fact_of[SentenceRef(10, 0)] == fact_of[SentenceRef(20, 0)]
    assert fact_of[SentenceRef(30, 0)] != fact_of[SentenceRef(10, 0)]


def test_a_fact_joined_only_by_partial_links_is_partial():
    facts = group_facts(_story(), [_link((10, 1), (20, 2), kind="partial")], load_params())
    assert [fact.kind for fact in facts if len(fact.members) > 1] == ["partial"]


def test_unlinked_sentences_are_unique_facts_of_one_article():
    facts = group_facts(_story(), [], load_params())
    assert len(facts) == 9
    assert all(fact.kind == "unique" and len(fact.articles) == 1 for fact in facts)
    assert [fact.id for fact in facts] == list(range(9))


def test_group_facts_rejects_a_link_to_an_unknown_sentence():
    with pytest.raises(ValueError):
        group_facts(_story(), [_link((10, 0), (40, 0))], load_params())


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
def test_every_sentence_ends_in_exactly_one_fact(raw_links):
    articles = [_article(key, [[1.0]] * 4) for key in (0, 1, 2)]
    links = [_link((x, i), (y, j), kind, score) for x, i, y, j, score, kind in raw_links if x != y]
    facts = group_facts(articles, links, load_params())
    members = [ref for fact in facts for ref in fact.members]
    assert sorted(members) == sorted(SentenceRef(a, s) for a in (0, 1, 2) for s in range(4))
    for fact in facts:
        assert set(fact.articles) == {ref.article for ref in fact.members}
        assert (fact.kind == "unique") == (len(fact.members) == 1)


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


def test_a_paraphrase_is_more_probable_than_an_unrelated_pair():
    encoder = HashingEncoder()
    texts = [
        "The Indian navy captured 23 pirates in the Gulf of Aden on Saturday.",
        "On Saturday the Indian navy captured 23 pirates in the Gulf of Aden.",
        "Shares of the bank fell sharply in early trading.",
    ]
    vectors = encoder.encode(texts)
    paraphrase = pair_probability(texts[0], texts[1], vectors[0], vectors[1])
    unrelated = pair_probability(texts[0], texts[2], vectors[0], vectors[2])
    assert paraphrase > 0.5 > unrelated


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
    kinds_en = ["headline", "body", "body", "body"]
    kinds_tr = ["headline", "body", "body", "body"]
    return {
        "english": ArticleSentences(1, english, real_encoder.encode(english), kinds_en),
        "translated": ArticleSentences(2, translated, real_encoder.encode(translated), kinds_tr),
    }


@pytest.mark.slow
def test_the_same_quotation_in_two_translations_links(real_story):
    pairs = _pairs(align_pair(real_story["english"], real_story["translated"]))
    assert (2, 2) in pairs
    assert (3, 1) not in pairs


@pytest.mark.slow
def test_a_headline_links_to_the_lead_that_restates_it(real_story):
    pairs = _pairs(align_pair(real_story["english"], real_story["translated"]))
    assert (0, 3) in pairs or (1, 0) in pairs
    assert (1, 3) in pairs
