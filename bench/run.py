"""Run every benchmark, print one table and write bench/results.json (``make bench``).

Benchmarks are not tests: nothing here asserts on a figure. A benchmark that
breaks is reported (and makes the exit status 1) without stopping the others.
Everything that writes goes to a throwaway SQLite file, removed at the end.

    .venv/bin/python bench/run.py            # the full run (a few minutes)
    .venv/bin/python bench/run.py --quick    # smaller sizes, to check the harness
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, discard_database, machine_summary, progress, setup_django  # noqa: E402

RESULTS = Path(__file__).resolve().with_name("results.json")


def _section(name: str, results: dict, errors: dict, run: Callable[[], dict]) -> None:
    progress(f"--- {name} ---")
    started = time.perf_counter()
    try:
        results.update(run())
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
        traceback.print_exc()
        errors[name] = f"{exc.__class__.__name__}: {exc}"
    progress(f"{name} took {time.perf_counter() - started:.1f}s")


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def _by_size(values: dict | None, unit: str = "") -> str:
    if not values:
        return "-"
    return "  ".join(f"{size}: {value}{unit}" for size, value in values.items())


def _fmt(value: object, unit: str = "", digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    return f"{value}{unit}"


def _pct(share: object) -> str:
    return f"{share:.0%}" if isinstance(share, float) else "-"


def table_rows(r: dict) -> list[tuple[str, str, str]]:
    """(benchmark, result, detail) rows; a missing figure shows as "-"."""
    stories = r.get("page_stories", {})
    rss = r.get("rss_mb", {})
    scale = r.get("scale_per_article", {})
    return [
        (
            "one more article, story of N",
            "  ".join(f"{n}: {v['ms_per_article']} ms" for n, v in scale.items()) or "-",
            f"largest/smallest {r.get('scale_ratio_largest_to_smallest', '-')}x; pair model "
            + "  ".join(
                f"{n}: {_pct(v['pair_model_share'])}, {v['pairs_per_second']} pairs/s"
                for n, v in scale.items()
            )
            + f"; 10-article story p95 {r.get('scale_10_story_p95_ms', '-')} ms"
            + f"; {r.get('scale_links', '-')} links",
        ),
        (
            "ingest (clean, embed, assign, align)",
            _fmt(r.get("ingest_sentences_per_s"), " sentences/s"),
            f"{r.get('ingest_sentences', '-')} sentences, {r.get('ingest_articles', '-')} articles "
            f"in {_fmt(r.get('ingest_seconds'), ' s')}, {r.get('ingest_stories', '-')} stories; "
            f"article (mean of its chunk) p50/p95 {_fmt(r.get('ingest_article_ms_p50'), '')}/"
            f"{_fmt(r.get('ingest_article_ms_p95'), ' ms')}",
        ),
        (
            "  where ingest time goes",
            f"encoder {_pct(r.get('ingest_encoder_share'))}  align {_pct(r.get('ingest_align_story_share'))}",
            f"the encoder inside ingest runs at {_fmt(r.get('ingest_encoder_vs_raw_encode'), 'x', 2)} raw; "
            f"align_pair ran {r.get('ingest_align_pair_calls', '-')} times for "
            f"{r.get('ingest_new_article_pairs', '-')} new article pairs; mean ms/article first/second half "
            f"{_fmt(r.get('ingest_article_ms_first_half_mean'), '', 0)}/"
            f"{_fmt(r.get('ingest_article_ms_second_half_mean'), '', 0)}",
        ),
        (
            "raw encode, same sentences",
            _fmt(r.get("raw_encode_sentences_per_s"), " sentences/s"),
            f"one call, same model, precision {r.get('encoder_precision', '-')}, no cache",
        ),
        (
            "ingest / raw encode",
            _fmt(r.get("ingest_vs_raw_encode"), "x", 2),
            "1.0 = ingest costs only the encoding",
        ),
        (
            "  best possible with overlap",
            _fmt(r.get("ingest_ceiling_overlapped"), "x", 2),
            f"other work {_fmt(r.get('ingest_other_ms_per_sentence'), ' ms', 2)}/sentence; 0.9 allows "
            f"{_fmt(r.get('ingest_other_budget_ms_per_sentence_sequential'), ' ms', 2)} after the encoder or "
            f"{_fmt(r.get('ingest_other_budget_ms_per_sentence_overlapped'), ' ms', 2)} beside it "
            f"(one-thread encode {_fmt(r.get('raw_encode_one_thread_sentences_per_s'), '/s')})",
        ),
        (
            "re-ingest known sentences / raw",
            _fmt(r.get("ingest_repeat_speedup"), "x", 2),
            f"{r.get('ingest_repeat_articles', '-')} articles edited trivially: "
            f"{_fmt(r.get('ingest_repeat_sentences_per_s'), ' sentences/s')}, "
            f"{r.get('ingest_repeat_texts_encoded', '-')} texts encoded, "
            f"align {_pct(r.get('ingest_repeat_align_story_share'))} of the time",
        ),
        (
            "feeds: poll N feeds x M items",
            _fmt(r.get("feeds_items_per_s"), " items/s", 2),
            f"{r.get('feeds_feeds', '-')} feeds, {r.get('feeds_articles_stored', '-')} articles stored; "
            f"ingest {_fmt(r.get('feeds_ingest_ms_per_item'), ' ms')}/item, "
            f"feed work beside it {_fmt(r.get('feeds_overhead_ms_per_item'), ' ms')}/item "
            f"({_pct(r.get('feeds_overhead_share'))}); "
            f"a 304 poll {_fmt(r.get('feeds_304_ms_per_feed'), ' ms')}/feed",
        ),
        (
            "story page p50",
            _by_size(r.get("page_ms_p50"), " ms"),
            "outlets: ms (x 40 sentences, test Client)",
        ),
        (
            "story page p95",
            _by_size(r.get("page_ms_p95"), " ms"),
            f"{r.get('page_views_per_size', '-')} views each",
        ),
        (
            "story page SQL queries",
            _by_size(r.get("page_queries")),
            "links per story: " + _by_size({k: v["links"] for k, v in stories.items()}),
        ),
        (
            "align story 10 x 50",
            _fmt(r.get("align_ms"), " ms"),
            f"p50; {r.get('align_links', '-')} links, {r.get('align_facts', '-')} facts, "
            f"{_fmt(r.get('align_ms_per_pair'), ' ms')}/pair, {r.get('align_embeddings', '-')} embeddings",
        ),
        ("assign story p95", _by_size(r.get("assign_ms_p95"), " ms"), "active stories: ms (bench_assign.py)"),
        ("assign story p50", _by_size(r.get("assign_ms_p50"), " ms"), ""),
        (
            "resident memory",
            f"web {_fmt(rss.get('web'), ' MB')}  worker {_fmt(rss.get('worker'), ' MB')}",
            "gunicorn worker after story pages; a process that loaded the encoder and ingested",
        ),
        (
            "encode fp32 / bf16",
            f"{_fmt(r.get('encode_fp32_sentences_per_s'))} / "
            f"{_fmt(r.get('encode_bf16_sentences_per_s'))} sentences/s",
            f"bf16 speed-up {_fmt(r.get('encode_speedup_vs_fp32'), 'x', 2)}; "
            f"{r.get('encode_sentences', '-')} STS-B news dev sentences",
        ),
        (
            "STS-B dev Spearman fp32 / bf16",
            f"{_fmt(r.get('stsb_dev_spearman_fp32'), '', 4)} / "
            f"{_fmt(r.get('stsb_dev_spearman_bf16'), '', 4)}",
            f"precision='auto' picks {r.get('encode_auto_choice', '-')} on this machine",
        ),
    ]


def print_table(results: dict) -> None:
    rows = [("benchmark", "result", "detail"), *table_rows(results)]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    rule = "-" * (widths[0] + widths[1] + 40)
    print(rule)
    for number, (name, value, detail) in enumerate(rows):
        print(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {detail}")
        if number == 0:
            print(rule)
    print(rule)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: checks the harness, not the speed")
    parser.add_argument("--keep-db", action="store_true", help="keep the throwaway database for inspection")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    db = setup_django()
    from django.conf import settings

    from bench import (
        bench_align,
        bench_assign,
        bench_encode,
        bench_feeds,
        bench_ingest,
        bench_page,
        bench_scale,
    )
    from compare.services.encoder import get_encoder

    machine = machine_summary()
    progress(f"throwaway database: {db}")
    progress(
        f"{machine['cpus']} CPUs, load average {machine['load_average']} "
        "(a busy machine gives low, noisy figures)"
    )
    results: dict = {}
    errors: dict[str, str] = {}
    limit, repeat = (40, 10) if args.quick else (300, 50)

    _section(
        "encode",
        results,
        errors,
        lambda: bench_encode.run_bench(
            settings.EMBEDDING_MODEL_PATH or None,
            settings.EMBEDDING_DEVICE,
            settings.EMBEDDING_BATCH_SIZE,
            rounds=1 if args.quick else 3,  # best of three: one busy moment skews a single timing
        ),
    )
    _section("ingest", results, errors, lambda: bench_ingest.run_bench(limit=limit, repeat=repeat))
    _section("align", results, errors, lambda: bench_align.run_bench(encoder=get_encoder()))
    _section("feeds", results, errors, lambda: bench_feeds.run_bench(*((10, 5) if args.quick else (100, 20))))
    _section("page", results, errors, lambda: bench_page.run_bench(views=10 if args.quick else 30))
    _section(
        "scale", results, errors, lambda: bench_scale.run_bench((5, 10, 20) if args.quick else (10, 100, 300))
    )

    def memory() -> dict:
        rss: dict[str, object] = {}
        story_ids = list(results.get("page_story_ids", {}).values())
        web = bench_page.web_rss(db, story_ids)
        rss["web"] = web["rss_mb"]
        progress(f"memory: gunicorn worker {web['rss_mb']} MB after {web['requests']} requests")
        worker = bench_ingest.worker_rss(db)
        rss["worker"] = worker["rss_mb"]
        progress(f"memory: encoder loaded and {worker['articles']} articles ingested: {worker['rss_mb']} MB")
        return {"rss_mb": rss}

    _section("memory", results, errors, memory)
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    _section("assign", results, errors, lambda: bench_assign.run_bench(sizes=sizes))

    duration = time.perf_counter() - started
    results["meta"] = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_s": round(duration, 1),
        "quick": args.quick,
        "commit": _git_commit(),
        "python": platform.python_version(),
        **machine,
        "load_average_at_end": machine_summary()["load_average"],
        "errors": errors,
    }
    RESULTS.write_text(json.dumps(dict(sorted(results.items())), indent=2) + "\n", encoding="utf-8")
    print()
    print_table(results)
    print(f"{results.get('ingest_source', '')}")
    print(
        f"written {RESULTS.relative_to(REPO)} in {duration:.0f}s" + (" (--quick sizes)" if args.quick else "")
    )
    if errors:
        print("FAILED: " + "; ".join(f"{name}: {message}" for name, message in errors.items()))
    if args.keep_db:
        print(f"database kept at {db}")
    else:
        discard_database(db)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
