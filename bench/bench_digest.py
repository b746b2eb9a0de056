"""The weekly digest: how long building the email takes and how big it is, for 1 and 20 journeys.

    .venv/bin/python bench/bench_digest.py [--runs 7]

A temporary SQLite database holds the demo workspace (5 stages, 19 emails, 12 weeks of metrics); the demo
journey's weekly review of the last complete week is computed once. Timed, interleaved, median of N runs
after one warm-up: the review as Markdown and HTML without charts (`review_markdown` + `review_html`, the
baseline: what the Weekly review page's downloads cost), the two charts drawn by vl-convert (`chart_png`,
scale 2), and `build_digest` for one journey (charts compacted to palette PNGs) and for 20 (the same review
20 times: every journey's two charts are drawn, as for 20 real journeys). Sizes: the whole message
(`digest_message(...).as_bytes()`, base64 images included), with the compacted PNGs and with vl-convert's own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

from machine import machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="runs of each (at least 3; default 7)")
    runs = max(parser.parse_args().runs, 3)

    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from journey.measure import digest
    from journey.measure.charts import (
        chart_png,
        funnel_chart,
        funnel_frame,
        stage_rates_chart,
        stage_rates_frame,
    )
    from journey.measure.review import resolve_week, review_html, review_markdown, weekly_review
    from journey.plan import demo, journeys
    from journey.plan.demo_content import DEMO_JOURNEY

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/digest.db")
        upgrade(engine)
        period = resolve_week(None)
        with session_scope(engine) as session:
            demo.load_demo(session)
        with session_scope(engine) as session:
            review = weekly_review(
                session, journeys.get_journey_by_name(session, DEMO_JOURNEY["name"]).id, period
            )
        engine.dispose()

    stages = review.stage_metrics
    cases = {
        "review_markdown + review_html (baseline)": lambda: (review_markdown(review), review_html(review)),
        "the two charts, vl-convert PNG": lambda: (
            chart_png(stage_rates_chart(stage_rates_frame(stages))),
            chart_png(funnel_chart(funnel_frame(stages))),
        ),
        "build_digest, 1 journey": lambda: digest.build_digest(period, [review]),
        "build_digest, 20 journeys": lambda: digest.build_digest(period, [review] * 20),
    }
    for case in cases.values():  # warm-up: vl-convert's first render starts its engine
        case()
    samples: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(runs):
        for label, case in cases.items():
            samples[label].append(timed(case))

    def size(count: int, *, compact: bool) -> int:
        with mock.patch.object(
            digest, "compact_png", (lambda png: png) if not compact else digest.compact_png
        ):
            built = digest.build_digest(period, [review] * count)
        return len(digest.digest_message(built, sender="a@b.example", recipients=["c@d.example"]).as_bytes())

    print(f"Machine: {machine()}")
    baseline = statistics.median(samples[next(iter(cases))])
    print(f"{'what':42} {'runs':>4} {'median ms':>10} {'max ms':>9} {'÷ baseline':>10}")
    for label, values in samples.items():
        median = statistics.median(values)
        print(f"{label:42} {runs:>4} {median:>10.1f} {max(values):>9.1f} {median / baseline:>9.1f}x")
    print()
    print(f"{'message size':42} {'palette PNG':>12} {'vl-convert PNG':>15}")
    for count in (1, 20):
        compacted, raw = size(count, compact=True), size(count, compact=False)
        print(f"{plural(count)} {compacted / 1e3:>12,.0f} KB {raw / 1e3:>12,.0f} KB")


def plural(count: int) -> str:
    return f"{count} journey{'s' if count > 1 else ''}".ljust(42)


if __name__ == "__main__":
    main()
