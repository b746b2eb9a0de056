"""Segment benchmark: what carrying a segment costs an import, and what the review's By-segment table costs.

    .venv/bin/python bench/bench_segments.py [--runs 3] [--pg postgresql://postgres@127.0.0.1:5432/test]

Writes two generic files with the same totals into bench/out/ (git-ignored): 25,000 email-days
(150 emails × 167 days) as 100,000 rows, four segments each, and the same email-days pre-summed
without a segment column (25,000 rows): the baseline, imported in the same run. Each import runs into
a fresh database (SQLite file; on PostgreSQL the bench_segments schema); the re-import of the segmented
file (which replaces every day's segments) is timed too. Then `weekly_review` of one week, with and
without the segment table in the database. Prints medians and the ratios to the baselines.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench_import import pg_schema_url, prepare_database
from machine import machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

EMAILS = [f"Email {i:03d}" for i in range(150)]
DAYS = 167
SEGMENTS = ("New subscribers", "Trial users", "Customers", "Lapsed customers")
START = date(2026, 1, 5)  # a Monday
SCHEMA = "bench_segments"  # on PostgreSQL: its own schema, beside bench_import's
HEADER = (
    "date,stage,email,{}sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue\n"
)


def write_files(segmented: Path, summed: Path) -> None:
    """The same counts twice: per segment (4 rows per email-day) and summed (1 row per email-day)."""
    rng = random.Random(5)
    with segmented.open("w", encoding="utf-8") as per_segment, summed.open("w", encoding="utf-8") as plain:
        per_segment.write(HEADER.format("segment,"))
        plain.write(HEADER.format(""))
        for offset in range(DAYS):
            day = (START + timedelta(days=offset)).isoformat()
            for name in EMAILS:
                total = [0] * 9
                for segment in SEGMENTS:
                    sent = rng.randrange(50, 1_200)
                    bounces = rng.randrange(0, sent // 50 + 1)
                    delivered = sent - bounces
                    opens = rng.randrange(0, delivered // 2 + 1)
                    clicks = rng.randrange(0, opens // 5 + 1)
                    counts = [
                        sent,
                        delivered,
                        opens,
                        clicks,
                        clicks // 10,
                        rng.randrange(0, 3),
                        bounces,
                        0,
                        clicks,
                    ]
                    total = [a + b for a, b in zip(total, counts, strict=True)]
                    per_segment.write(f"{day},Retention,{name},{segment},{','.join(map(str, counts))}\n")
                plain.write(f"{day},Retention,{name},{','.join(map(str, total))}\n")


def timed_import(url: str, path: Path, *, fresh: bool = True) -> float:
    from db.engine import make_engine, session_scope
    from journey.measure.imports.importer import import_metrics
    from journey.plan import journeys

    if fresh:
        prepare_database(url, EMAILS)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            journey_id = next(j.id for j in journeys.list_journeys(session) if j.name == "Bench")
            began = time.perf_counter()
            result = import_metrics(session, journey_id, path)
        seconds = time.perf_counter() - began  # the commit included
        assert result.ok, result.rejected[:3]
        return seconds
    finally:
        engine.dispose()


def timed_review(url: str, runs: int) -> tuple[float, int]:
    """The median time of one weekly_review (week 10 of the data), warm, and its number of segments."""
    from db.engine import make_engine, read_scope
    from journey.measure import review
    from journey.plan import journeys

    engine = make_engine(url)
    week = START + timedelta(weeks=10)
    try:
        times = []
        for _ in range(runs + 1):  # the first one warms the caches
            with read_scope(engine) as session:
                journey_id = next(j.id for j in journeys.list_journeys(session) if j.name == "Bench")
                began = time.perf_counter()
                weekly = review.weekly_review(session, journey_id, week)
                times.append(time.perf_counter() - began)
        return statistics.median(times[1:]), len(weekly.segments)
    finally:
        engine.dispose()


def fresh_sqlite(name: str) -> str:
    db = OUT / f"bench_segments_{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{db}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL database")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    segmented, summed = OUT / "segments_100k.csv", OUT / "segments_summed_25k.csv"
    if not segmented.exists() or not summed.exists():
        write_files(segmented, summed)
    print(f"machine: {machine()}")
    backends = [("sqlite", None)] + ([("postgresql", pg_schema_url(args.pg, SCHEMA))] if args.pg else [])
    for backend, pg_url in backends:
        print(f"\n{backend}")

        def url(name: str, pg_url: str | None = pg_url) -> str:
            return pg_url or fresh_sqlite(name)

        base = statistics.median(timed_import(url("summed"), summed) for _ in range(args.runs))
        plain_review, _ = timed_review(pg_url or f"sqlite:///{OUT / 'bench_segments_summed.db'}", args.runs)
        with_segments, again = [], []
        for _ in range(args.runs):
            target = url("segmented")
            with_segments.append(timed_import(target, segmented))
            again.append(timed_import(target, segmented, fresh=False))
        first, replace = statistics.median(with_segments), statistics.median(again)
        segment_review, shown = timed_review(target, args.runs)
        print(f"  baseline: import of the 25,000 summed rows, no segment column: {base:.2f} s")
        print(
            f"  import of the 100,000 rows with 4 segments: {first:.2f} s ({first / base:.1f}× the baseline)"
        )
        print(f"  re-import of it (every day's segments replaced): {replace:.2f} s ({replace / base:.1f}×)")
        print(f"  baseline: weekly_review of one week, no segment rows: {plain_review * 1000:.0f} ms")
        print(
            f"  weekly_review with its By segment table ({shown} segments): {segment_review * 1000:.0f} ms "
            f"({segment_review / plain_review:.2f}× the baseline)"
        )


if __name__ == "__main__":
    main()
