"""Benchmark: the Weekly review page's rerun with 150 A/B tests in the week, against the same page on an empty journey.

    .venv/bin/python bench/bench_review_page.py [--reruns 15] [--app /work/main]

Workspace (a temporary SQLite file): a journey of 5 stages × 30 emails, made through the app's services,
each email A/B tested (variants A and B) with six weeks of daily metrics, revenue on two stages
(150 × 2 × 42 = 12,600 metric_daily rows, inserted directly); and an empty journey (no stages) as the
baseline, in the same database and run. Each page is run once in AppTest to warm up (engine, imports,
the cached review), then rerun N times; prints the medians and the ratio. `--app` runs another checkout's
page (say the main branch, to compare), with this same workspace.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build(url: str) -> tuple[int, int]:
    """The big journey and the empty one; their ids."""
    from sqlalchemy import insert

    from db.engine import make_engine, session_scope
    from db.migrate import upgrade
    from db.models import MetricDaily
    from journey.measure.weeks import last_complete_week
    from journey.plan import journeys

    engine = make_engine(url)
    upgrade(engine)
    emails: list[tuple[int, int]] = []  # (email id, stage index)
    with session_scope(engine) as session:
        big = journeys.create_journey(session, name="Big", template="blank")
        for s_index, name in enumerate(("Awareness", "Consideration", "Decision", "Retention", "Advocacy")):
            stage = journeys.add_stage(session, big.id, name=name)
            for e_index in range(30):
                email = journeys.add_email(session, stage.id, name=f"{name} {e_index + 1}")
                emails.append((email.id, s_index))
        empty = journeys.create_journey(session, name="Empty", template="blank")
        big_id, empty_id = big.id, empty.id
    end = last_complete_week().end
    rows = [
        {
            "email_id": email_id,
            "variant": variant,
            "day": end - timedelta(days=d),
            "sent": 500,
            "delivered": 490,
            "opens": 200 + (d % 13),
            "clicks": 20 + (d % 5) + (3 if variant == "B" and email_id % 3 == 0 else 0),
            "conversions": 2 + d % 3,
            "unsubscribes": 1,
            "bounces": 10,
            "revenue": 75.0 * (d % 4) if s_index in (2, 3) else 0.0,
            "source": "bench",
        }
        for email_id, s_index in emails
        for variant in ("A", "B")
        for d in range(42)
    ]
    with engine.begin() as connection:
        connection.execute(insert(MetricDaily), rows)
    engine.dispose()
    return big_id, empty_id


def time_page(app: Path, journey_id: int, reruns: int) -> tuple[float, int]:
    """The median rerun in ms, and the number of dataframes the page drew."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(app / "pages" / "review.py"), default_timeout=120)
    at.session_state["review_journey"] = journey_id
    at.run()
    assert not at.exception, at.exception
    samples = []
    for _ in range(reruns):
        started = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - started)
    assert not at.exception, at.exception
    return statistics.median(samples) * 1000, len(at.dataframe)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    parser.add_argument(
        "--app", type=Path, default=ROOT, help="the checkout whose page runs (default: this one)"
    )
    args = parser.parse_args()
    app = args.app.resolve()
    sys.path[:0] = [str(app), str(ROOT)]
    from bench.machine import machine

    folder = tempfile.mkdtemp(prefix="bench_review_page_")
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    os.environ["JOURNEY_SEED_DEMO"] = "0"
    started = time.perf_counter()
    big_id, empty_id = build(url)
    print(
        f"setup: 5 stages x 30 emails, each A/B tested, 12,600 metric rows in {time.perf_counter() - started:.1f} s"
    )
    print(f"page: {app / 'pages' / 'review.py'}; machine: {machine()}")
    empty, _ = time_page(app, empty_id, args.reruns)
    big, frames = time_page(app, big_id, args.reruns)
    print(f"review rerun, empty journey (baseline): {empty:.1f} ms (median of {args.reruns})")
    print(f"review rerun, 150 A/B tests: {big:.1f} ms ({big / empty:.1f}x the baseline), {frames} dataframes")
    print(f"run on {date.today().isoformat()}")


if __name__ == "__main__":
    main()
