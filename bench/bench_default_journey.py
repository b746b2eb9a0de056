"""Benchmark: which journey a fresh session opens on (journey.plan.journeys.default_journey_id) at scale.

A real team's year: 20 journeys × 5 stages × 30 emails × 2 variants × 365 days ≈ 2.2 M metric_daily rows,
each journey's metrics ending on another day (the latest is neither the first nor the newest journey), on
SQLite and (when reachable) PostgreSQL, ANALYZEd after loading. Times, as the median of N runs:
- `default_journey_id`: the latest metric day (the end of ix_metric_day_email), then that day's rows
  joined to their journey;
- baseline `SELECT 1`: one round trip on the same connection (the floor of any query);
- baseline `GROUP BY journey`: the obvious query, every journey's max(day) over all rows, then the largest.
Both queries must name the same journey (checked).

    .venv/bin/python bench/bench_default_journey.py [--runs 21] [--days 365] \
        [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_report import median_ms  # noqa: E402  (the same warm-up and median)
from machine import machine  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import Email, MetricDaily, Stage  # noqa: E402
from journey.plan import journeys  # noqa: E402

JOURNEYS, STAGES, EMAILS_PER_STAGE, VARIANTS = 20, 5, 30, ("A", "B")
LATEST = 7  # the journey (by creation order) whose metrics end last
FIRST_DAY = date(2025, 11, 24)
CHUNK = 50_000


def build(engine, days: int) -> tuple[int, int]:
    """The workspace: (rows inserted, id of the journey whose metrics end last)."""
    upgrade(engine)
    email_ids: dict[int, list[int]] = {}
    with Session(engine) as session:
        for j in range(JOURNEYS):
            journey = journeys.create_journey(session, name=f"Journey {j:02d}", template="blank")
            email_ids[journey.id] = []
            for s in range(STAGES):
                stage = journeys.add_stage(session, journey.id, name=f"Stage {s}")
                for e in range(EMAILS_PER_STAGE):
                    email_ids[journey.id].append(
                        journeys.add_email(session, stage.id, name=f"Email {s}.{e}").id
                    )
        session.commit()
    ids = list(email_ids)
    rows, batch = 0, []
    with engine.begin() as connection:
        for index, journey_id in enumerate(ids):
            last = days - 1 if index == LATEST else days - 2 - index % 5  # ties on the other journeys' ends
            for email_id in email_ids[journey_id]:
                for variant in VARIANTS:
                    for offset in range(last + 1):
                        batch.append(
                            {
                                "email_id": email_id,
                                "variant": variant,
                                "day": FIRST_DAY + timedelta(days=offset),
                                "sent": 100,
                                "delivered": 98,
                                "opens": 30,
                                "clicks": 4,
                                "source": "bench",
                            }
                        )
                        if len(batch) == CHUNK:
                            connection.execute(insert(MetricDaily), batch)
                            rows, batch = rows + len(batch), []
        if batch:
            connection.execute(insert(MetricDaily), batch)
            rows += len(batch)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return rows, ids[LATEST]


def group_by_journey(session: Session) -> int:
    """The obvious query: every journey's latest day, over every row."""
    last = func.max(MetricDaily.day)
    query = (
        select(Stage.journey_id)
        .select_from(MetricDaily)
        .join(Email, Email.id == MetricDaily.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .group_by(Stage.journey_id)
        .order_by(last.desc(), Stage.journey_id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one()


def measure(label: str, engine, days: int, runs: int) -> None:
    start = time.perf_counter()
    rows, latest = build(engine, days)
    print(f"{label}: {rows:,} metric rows loaded in {time.perf_counter() - start:.0f} s")
    with Session(engine) as session:
        assert journeys.default_journey_id(session) == latest == group_by_journey(session)
        floor = median_ms(lambda: session.execute(text("SELECT 1")).scalar_one(), runs)
        ours = median_ms(lambda: journeys.default_journey_id(session), runs)
        naive = median_ms(lambda: group_by_journey(session), max(3, runs // 4))
    print(f"  baseline SELECT 1              {floor:9.2f} ms")
    print(f"  default_journey_id             {ours:9.2f} ms   {ours / floor:6.1f}× SELECT 1")
    print(f"  baseline GROUP BY journey      {naive:9.2f} ms   {naive / ours:6.0f}× default_journey_id")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        measure("SQLite", engine, args.days, args.runs)
        engine.dispose()
    if args.pg:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.pg)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in args.pg else "?"
        engine = make_engine(f"{args.pg}{sep}options=-csearch_path%3D{schema}")
        try:
            measure("PostgreSQL", engine, args.days, args.runs)
        finally:
            engine.dispose()
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


if __name__ == "__main__":
    main()
