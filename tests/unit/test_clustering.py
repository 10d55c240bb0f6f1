"""Online story assignment on hand-made vectors and entities: no model, milliseconds."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from compare.nlp.cleaning.pipeline import process_text
from compare.nlp.embedding.encoders import HashingEncoder
from compare.nlp.stories.clustering import (
    PARAMS_PATH,
    ArticleProfile,
    ClusteringParams,
    StoryIndex,
    StoryState,
    assign,
    build_profile,
    central_title,
    entity_overlap,
    load_params,
)
from compare.research.clustering_eval import (
    app_sentences,
    cosine_baseline_params,
    evaluate_clustering,
    feed_order,
    record_published,
)

DIM = 8
PARAMS = ClusteringParams(
    entity_weight=1.0, time_weight=0.1, size_weight=0.0, threshold=0.9, window_days=30.0, top_n=5
)
DAY = datetime(2024, 3, 1, 12, tzinfo=UTC)


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def profile(
    vector: np.ndarray, entities: set[str] = frozenset(), published: datetime | None = None
) -> ArticleProfile:
    return ArticleProfile(vector, frozenset(entities), published)


def index_with(*stories: tuple[int, ArticleProfile]) -> StoryIndex:
    index = StoryIndex(dim=DIM, params=PARAMS, capacity=2)
    for key, first in stories:
        index.add_story(key, StoryState.from_profile(first))
    return index


def test_a_profile_is_the_unit_weighted_mean_of_title_and_sentences():
    embeddings = np.stack([unit(1, 0), unit(0, 1), unit(0, 1)])
    params = replace(PARAMS, title_weight=2.0, lead_weight=1.0)
    result = build_profile("Title", ["One.", "Two."], embeddings, params=params)
    assert np.allclose(result.vector, unit(2, 2))
    assert result.vector.dtype == np.float32


def test_a_sentence_repeating_the_headline_counts_once_as_the_title():
    embeddings = np.stack([unit(1, 0), unit(1, 0), unit(0, 1)])
    params = replace(PARAMS, title_weight=1.0, lead_weight=1.0)
    result = build_profile("Quake hits Iran", ["Quake hits Iran", "Other."], embeddings, params=params)
    assert np.allclose(result.vector, unit(1, 1))


def test_a_profile_may_be_built_without_a_title_row():
    result = build_profile(
        "Quake hits Iran", ["Rescuers reached Qeshm."], np.stack([unit(0, 1)]), params=PARAMS
    )
    assert np.allclose(result.vector, unit(0, 1))
    assert "qeshm" in result.entities


def test_sentences_past_the_lead_limit_do_not_move_the_vector():
    embeddings = np.stack([unit(1, 0), unit(1, 0), unit(0, 1)])
    params = replace(PARAMS, max_sentences=1)
    assert np.allclose(build_profile("T", ["a", "b"], embeddings, params=params).vector, unit(1, 0))


def test_a_profile_rejects_embeddings_that_do_not_match_the_sentences():
    with pytest.raises(ValueError):
        build_profile("T", ["a", "b", "c"], np.stack([unit(1, 0)]), params=PARAMS)


def test_a_story_state_survives_json_with_its_vector_as_bytes_or_list():
    state = StoryState.from_profile(profile(unit(1, 2), {"qeshm", "6.1"}, DAY))
    state.add(profile(unit(2, 1), {"qeshm"}, DAY + timedelta(days=2)))
    data = json.loads(json.dumps(state.to_json()))
    for vector in (state.vector_bytes(), state.vector_sum.tolist()):
        copy = StoryState.from_json(data, vector)
        assert np.allclose(copy.vector_sum, state.vector_sum)
        assert (copy.count, copy.entity_counts) == (2, {"6.1": 1, "qeshm": 2})
        assert (copy.first_published, copy.last_published) == (DAY, DAY + timedelta(days=2))


def test_naive_times_are_taken_as_utc():
    state = StoryState.from_profile(profile(unit(1, 0), set(), datetime(2024, 3, 1, 12)))
    state.add(profile(unit(1, 0), set(), DAY + timedelta(hours=1)))
    assert (state.first_published, state.last_published) == (DAY, DAY + timedelta(hours=1))


def test_removing_an_article_undoes_adding_it():
    state = StoryState.from_profile(profile(unit(1, 0), {"a"}))
    extra = profile(unit(0, 1), {"a", "b"})
    state.add(extra)
    state.remove(extra)
    assert np.allclose(state.vector_sum, unit(1, 0))
    assert (state.count, state.entity_counts) == (1, {"a": 1})


def test_an_empty_index_starts_a_new_story():
    assert assign(profile(unit(1, 0)), index_with(), PARAMS) == assign(
        profile(unit(1, 0)), StoryIndex(DIM), PARAMS
    )
    assert assign(profile(unit(1, 0)), index_with(), PARAMS).story is None


def test_a_close_article_joins_its_story_and_a_distant_one_starts_a_new_story():
    index = index_with((1, profile(unit(1, 0), {"qeshm"})), (2, profile(unit(0, 1), {"obama"})))
    assert assign(profile(unit(1, 0.1), {"qeshm"}), index, PARAMS).story == 1
    assert assign(profile(unit(1, 1, 1), {"paris"}), index, PARAMS).story is None


def test_shared_names_tell_two_look_alike_events_apart():
    # Two earthquakes read alike (same cosine); only the places and magnitudes differ.
    index = index_with(
        (1, profile(unit(1, 0.2), {"qeshm", "6.1"})), (2, profile(unit(1, -0.2), {"sichuan", "7.9"}))
    )
    result = assign(profile(unit(1, 0), {"sichuan", "7.9", "rescuers"}), index, PARAMS)
    assert result.story == 2
    assert result.candidates[0].shared_entities == ("7.9", "sichuan")
    assert result.candidates[0].similarity == result.candidates[1].similarity


def test_candidates_are_best_first_and_at_most_k():
    index = index_with(*((key, profile(unit(1, key / 10))) for key in range(6)))
    found = index.candidates(profile(unit(1, 0)), k=3)
    assert [c.story for c in found] == [0, 1, 2]
    assert found[0].score >= found[1].score >= found[2].score


def test_a_story_outside_the_time_window_is_not_a_candidate():
    index = index_with((1, profile(unit(1, 0), {"qeshm"}, DAY)))
    assert index.candidates(profile(unit(1, 0), {"qeshm"}, DAY + timedelta(days=31))) == []
    assert index.candidates(profile(unit(1, 0), {"qeshm"}, DAY - timedelta(days=29)))


def test_a_time_gap_lowers_the_score_and_unknown_dates_cost_nothing():
    index = index_with((1, profile(unit(1, 0), set(), DAY)))
    same_day = index.candidates(profile(unit(1, 0), set(), DAY))[0].score
    week_later = index.candidates(profile(unit(1, 0), set(), DAY + timedelta(days=7)))[0].score
    undated = index.candidates(profile(unit(1, 0)))[0].score
    assert week_later < same_day == undated


def test_updating_a_story_moves_its_centroid_in_the_matrix():
    index = index_with((1, profile(unit(1, 0))))
    index.update(1, profile(unit(0, 1)))
    assert len(index) == 1
    assert index.state(1).count == 2
    assert index.candidates(profile(unit(1, 1)))[0].similarity == pytest.approx(1.0)


def test_removing_the_last_article_drops_the_story():
    first = profile(unit(1, 0), {"a"})
    index = index_with((1, first))
    index.remove_article(1, first)
    assert len(index) == 0
    assert 1 not in index
    assert index.candidates(first) == []


def test_dropped_rows_are_reused_and_the_matrix_grows_past_its_capacity():
    index = index_with((1, profile(unit(1, 0))), (2, profile(unit(0, 1))))
    index.drop(1)
    index.add_story(3, StoryState.from_profile(profile(unit(1, 1))))
    assert index._high_water == 2  # the freed row was taken again
    for key in range(10, 20):
        index.add_story(key, StoryState.from_profile(profile(unit(1, 0, key))))
    assert len(index) == 12
    every = index.candidates(profile(unit(0, 1)), k=20, params=replace(PARAMS, top_n=20))
    assert {c.story for c in every} == {2, 3, *range(10, 20)}


def test_adding_a_story_under_a_used_key_replaces_it():
    index = index_with((1, profile(unit(1, 0), {"a"})))
    index.add_story(1, StoryState.from_profile(profile(unit(0, 1), {"b"})))
    assert len(index) == 1
    assert index.state(1).entity_counts == {"b": 1}
    assert index.idf("a") == index.idf("never-seen")


def test_rare_entities_weigh_more_than_common_ones():
    index = index_with(
        *((key, profile(unit(1, key), {"greece"} | ({"athens"} if key else set()))) for key in range(4))
    )
    assert index.idf("athens") > index.idf("greece")


def test_entity_overlap_is_one_for_the_same_entities_and_zero_for_none_shared():
    state = StoryState.from_profile(profile(unit(1, 0), {"qeshm", "6.1"}))
    assert entity_overlap(frozenset({"qeshm", "6.1"}), state, lambda e: 2.0)[0] == pytest.approx(1.0)
    assert entity_overlap(frozenset({"sichuan"}), state, lambda e: 2.0) == (0.0, ())


def test_a_stray_mention_in_a_big_story_counts_little():
    state = StoryState.from_profile(profile(unit(1, 0), {"qeshm", "iran"}))
    for _ in range(3):
        state.add(profile(unit(1, 0), {"qeshm"}))
    core, _ = entity_overlap(frozenset({"qeshm"}), state, lambda e: 1.0)
    stray, _ = entity_overlap(frozenset({"iran"}), state, lambda e: 1.0)
    assert core > 2 * stray


def test_a_bigger_story_gets_the_size_prior():
    index = index_with((1, profile(unit(1, 0))), (2, profile(unit(1, 0))))
    index.update(2, profile(unit(1, 0)))
    result = assign(profile(unit(1, 0)), index, replace(PARAMS, size_weight=0.1))
    assert result.story == 2


def test_the_central_title_is_the_headline_closest_to_the_others():
    titles = ["Quake hits Iran", "Iran quake kills five", "Markets fall"]
    vectors = np.stack([unit(1, 0.1), unit(1, -0.1), unit(0.3, 1)])
    assert central_title(titles, vectors) == "Quake hits Iran"
    assert central_title([], np.zeros((0, DIM))) == ""


def test_the_shipped_params_load_and_say_where_they_come_from():
    params = load_params()
    document = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
    assert params.threshold == document["params"]["threshold"]
    assert "test" not in " ".join(document["provenance"]["fitted_on"])


def test_unknown_param_keys_are_ignored():
    assert ClusteringParams.from_dict({"threshold": 0.5, "from_the_future": 1}).threshold == 0.5


def test_the_evaluation_sees_the_sentences_and_title_the_app_stores():
    text = "\n".join(["Lohan checks in", "May 03, 2013", "She arrived at the clinic. Mr. Holley said so."])
    record = {"id": "a", "title": "", "text": text, "gold": "x"}
    title, sentences = app_sentences(record, HashingEncoder(dim=64))
    processed = process_text(text, encoder=HashingEncoder(dim=64))
    assert sentences == [s.text for s in processed.sentences]
    assert title == (processed.title or sentences[0])
    assert app_sentences({**record, "title": " Given "}, HashingEncoder(dim=64))[0] == "Given"


def test_the_evaluation_dates_articles_by_datelines_only_when_asked():
    record = {"text": "May 03, 2013\nShe arrived.", "published": None}
    assert record_published(record, infer_dateline=False) is None
    assert record_published(record).date().isoformat() == "2013-05-03"


def test_records_are_fed_by_publication_time_only_when_all_have_one():
    records = [{"published": "2024-03-02T10:00:00"}, {"published": "2024-03-01T10:00:00"}]
    assert feed_order(records) == [1, 0]
    assert feed_order([*records, {"published": None}]) == [0, 1, 2]


def test_the_evaluation_scores_an_online_pass_with_bcubed():
    records = [
        {"id": "a1", "title": "Qeshm quake", "text": "A quake hit Qeshm island in Iran.", "gold": "qeshm"},
        {"id": "b1", "title": "Paris heist", "text": "Robbers hit a Paris jeweller.", "gold": "paris"},
        {
            "id": "a2",
            "title": "Qeshm quake toll",
            "text": "The quake on Qeshm island in Iran killed ten.",
            "gold": "qeshm",
        },
    ]
    params = replace(PARAMS, threshold=0.6, window_days=365.0)
    result = evaluate_clustering(records, HashingEncoder(dim=64), params)
    assert result["n"] == 3
    assert result["stories"] == 2
    assert result["bcubed_f1"] == pytest.approx(1.0)


QESHM = (
    "Iranian officials said a 6.1 magnitude earthquake struck Qeshm island in the Gulf, near Bandar Abbas."
)
SICHUAN = (
    "Rescuers in Wenchuan searched schools after a 7.9 magnitude earthquake struck Sichuan province in China."
)
LOOK_ALIKES = [
    ("qeshm", "Quake hits Iran's Qeshm island", QESHM + " Seven villages were damaged on Sunday."),
    (
        "sichuan",
        "Earthquake strikes Sichuan province",
        SICHUAN + " Premier Wen Jiabao flew to Chengdu on Monday.",
    ),
    (
        "qeshm",
        "Iran quake on Qeshm damages villages",
        "Seven villages were damaged, Iranian media said. " + QESHM,
    ),
    ("sichuan", "Sichuan quake: rescuers search schools", "Premier Wen Jiabao visited Chengdu. " + SICHUAN),
]


@pytest.mark.slow
def test_the_real_model_with_the_shipped_params_keeps_two_earthquakes_apart(real_encoder):
    records = [
        {"id": f"{gold}-{i}", "title": title, "text": text, "gold": gold}
        for i, (gold, title, text) in enumerate(LOOK_ALIKES)
    ]
    result = evaluate_clustering(records, real_encoder, load_params())
    assert result["stories"] == 2
    assert result["bcubed_f1"] == pytest.approx(1.0)


def test_the_cosine_baseline_is_plain_cosine():
    baseline = cosine_baseline_params(0.7)
    assert (baseline.entity_weight, baseline.time_weight, baseline.size_weight) == (0.0, 0.0, 0.0)
    assert baseline.threshold == 0.7
