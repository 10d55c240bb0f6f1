"""The ingest benchmark's bound on how close ingest can come to raw encoding."""

import pytest

from bench.bench_ingest import overlap_ceiling


def test_other_work_beside_a_two_core_encoder_caps_the_ratio():
    # 1,000 sentences: 1 s raw on two cores, 2 core-seconds on one thread, 1 s of other work.
    bound = overlap_ceiling(1000, raw_rate=1000, one_thread_rate=500, other_seconds=1.0, cores=2)
    assert bound["ingest_ceiling_overlapped"] == pytest.approx(1 / 1.5, abs=1e-3)
    assert bound["ingest_other_ms_per_sentence"] == 1.0
    # 0.9 allows 1/0.9 - 1 s after the encoder, 2/0.9 - 2 core-seconds beside it.
    assert bound["ingest_other_budget_ms_per_sentence_sequential"] == pytest.approx(0.111, abs=1e-3)
    assert bound["ingest_other_budget_ms_per_sentence_overlapped"] == pytest.approx(0.222, abs=1e-3)


def test_no_other_work_reaches_raw_encoding_and_no_budget_goes_negative():
    assert overlap_ceiling(1000, 1000, 500, 0.0, cores=2)["ingest_ceiling_overlapped"] == 1.0
    # One thread no faster than two cores together: nothing is left beside it.
    tight = overlap_ceiling(1000, 1000, 400, 0.5, cores=2)
    assert tight["ingest_other_budget_ms_per_sentence_overlapped"] == 0.0
    assert tight["ingest_ceiling_overlapped"] == pytest.approx(1 / 1.5, abs=1e-3)
