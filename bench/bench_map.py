"""Benchmark: the Journey map page's rerun and the journey checks on a big journey, against an empty one.

    .venv/bin/python bench/bench_map.py [--reruns 15]

Big journey: 5 stages × 30 emails (starter MJML bodies), 3 personas, a year of daily metrics for
every email (150 × 365 = 54,750 MetricDaily rows, inserted directly). Baseline: the same page on an
empty journey (no stages) in the same database and run. Prints medians and the ratio.
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
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import MetricDaily  # noqa: E402
from journey.plan import journeys, personas  # noqa: E402
from journey.plan.checks import check_journey  # noqa: E402
from ui.navigation import page_path  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from big_journey import fill_journey  # noqa: E402


def build(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        ids = [
            personas.create_persona(session, name=f"Persona {i}", merge_data={"first_name": f"P{i}"}).id
            for i in range(3)
        ]
        big = journeys.create_journey(session, name="Big", goal="Grow", template="blank", persona_ids=ids)
        email_ids = [email.id for email in fill_journey(session, big.id, 30)]
        empty = journeys.create_journey(session, name="Empty", template="blank", persona_ids=ids)
        big_id, empty_id = big.id, empty.id
    start = date(2025, 11, 23)
    rows = [
        {
            "email_id": email_id,
            "variant": "",
            "day": start + timedelta(days=d),
            "sent": 1000,
            "delivered": 980,
            "opens": 400 + (d % 50),
            "clicks": 40 + (d % 7),
            "conversions": 5,
            "unsubscribes": 2,
            "bounces": 20,
            "source": "bench",
        }
        for email_id in email_ids
        for d in range(365)
    ]
    with engine.begin() as connection:
        connection.execute(insert(MetricDaily), rows)
    engine.dispose()
    return big_id, empty_id


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_page(journey_id: int, reruns: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page_path("journey_map")), default_timeout=120)
    at.session_state["map_journey"] = journey_id
    at.run()  # warm: engine, imports, first queries
    assert not at.exception, at.exception
    samples = []
    for _ in range(reruns):
        t = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - t)
    assert not at.exception, at.exception
    return median_ms(samples)


def time_checks(url: str, journey_id: int, reruns: int, *, cold: bool = False) -> float:
    """Median time of check_journey; `cold` empties the MJML scan cache before each run."""
    from journey.write import facts as email_facts

    engine = make_engine(url)
    samples = []
    for _ in range(reruns):
        if cold:
            email_facts.clear_cache()
        with session_scope(engine) as session:
            t = time.perf_counter()
            check_journey(session, journey_id)
            samples.append(time.perf_counter() - t)
    engine.dispose()
    return median_ms(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=15)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_map_")
    url = f"sqlite:///{folder}/bench.db"
    os.environ["DATABASE_URL"] = url
    os.environ["JOURNEY_SEED_DEMO"] = "0"
    t = time.perf_counter()
    big_id, empty_id = build(url)
    print(f"setup: 5 stages x 30 emails, 3 personas, 54,750 metric rows in {time.perf_counter() - t:.1f} s")

    empty_page = time_page(empty_id, args.reruns)
    big_page = time_page(big_id, args.reruns)
    empty_checks = time_checks(url, empty_id, args.reruns)
    big_checks = time_checks(url, big_id, args.reruns)
    cold_checks = time_checks(url, big_id, args.reruns, cold=True)
    print(f"map page rerun, empty journey (baseline): median {empty_page:7.1f} ms over {args.reruns} reruns")
    print(
        f"map page rerun, 5x30 journey + a year:    median {big_page:7.1f} ms  ({big_page / empty_page:.1f}x baseline)"
    )
    print(f"journey checks, empty journey:            median {empty_checks:7.1f} ms")
    print(f"journey checks, 5x30 journey + a year:    median {big_checks:7.1f} ms")
    print(f"journey checks, same, cold MJML cache:    median {cold_checks:7.1f} ms")
    print(f"target: < 300 ms per rerun -> {'met' if big_page < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
