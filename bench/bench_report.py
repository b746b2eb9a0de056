"""Benchmark: the weekly report and the stage charts' data over one year of daily rows.

150 emails (30 per stage, 5 stages) × 2 variants × 365 days ≈ 110k metric_daily rows, on SQLite
and (when reachable) PostgreSQL. Times, as the median of N runs:
- `report`: journey.measure.metrics.report_rows for one ISO week (what `python -m journey report` runs);
- `weekly review`: journey.measure.review.weekly_review (this week, last week, 4-week average, A/B tests);
- `stage charts`: stage_metrics + stage_weekly + funnel over the whole year (the dashboard's charts).
Baseline in the same run: pandas read_csv of the same rows + groupby giving the same numbers
(checked equal), and the groupby alone on an already-loaded DataFrame.

    .venv/bin/python bench/bench_report.py [--runs 21] [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from machine import machine  # noqa: E402
from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import MetricDaily  # noqa: E402
from journey.measure import metrics, review, weeks
from journey.plan import journeys  # noqa: E402

STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
EMAILS_PER_STAGE = 30
VARIANTS = ("A", "B")
FIRST_DAY = date(2025, 11, 24)  # a Monday: 52 ISO weeks and a day up to 2026-11-23
DAYS = 365
WEEK = weeks.parse_week("2026-W47")
COUNTS = ("sent", "delivered", "opens", "clicks", "conversions", "unsubscribes", "bounces")


def make_rows(email_ids: list[int]) -> list[dict]:
    rng = random.Random(7)
    rows = []
    for email_id in email_ids:
        for variant in VARIANTS:
            for offset in range(DAYS):
                sent = rng.randint(50, 400)
                bounces = rng.randint(0, sent // 50)
                delivered = sent - bounces
                opens = rng.randint(0, delivered // 2)
                clicks = rng.randint(0, opens // 5)
                rows.append(
                    {
                        "email_id": email_id,
                        "variant": variant,
                        "day": FIRST_DAY + timedelta(days=offset),
                        "sent": sent,
                        "delivered": delivered,
                        "opens": opens,
                        "machine_opens": 0,
                        "clicks": clicks,
                        "conversions": rng.randint(0, clicks),
                        "unsubscribes": rng.randint(0, 2),
                        "bounces": bounces,
                        "complaints": 0,
                        "revenue": 0.0,
                        "source": "bench",
                    }
                )
    return rows


def build(url: str) -> tuple[object, int, list[dict]]:
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        journey = journeys.create_journey(session, name="Bench", template="blank")
        email_ids = []
        for stage_name in STAGES:
            stage = journeys.add_stage(session, journey.id, name=stage_name)
            for i in range(EMAILS_PER_STAGE):
                email_ids.append(journeys.add_email(session, stage.id, name=f"{stage_name} {i + 1}").id)
        rows = make_rows(email_ids)
        started = time.perf_counter()
        session.execute(insert(MetricDaily.__table__), rows)
        session.commit()
        print(f"  loaded {len(rows):,} rows in {time.perf_counter() - started:.1f} s")
        journey_id = journey.id
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return engine, journey_id, rows


def median_ms(action, runs: int) -> float:
    action()  # warm up (first query plans, imports)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def time_database(label: str, url: str, runs: int) -> dict:
    print(f"{label}:")
    engine, journey_id, rows = build(url)
    year = weeks.Period(FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1))
    results = {}
    with Session(engine) as session:
        results["report"] = median_ms(lambda: metrics.report_rows(session, journey_id, WEEK), runs)
        results["weekly review"] = median_ms(lambda: review.weekly_review(session, journey_id, WEEK), runs)

        def charts_data():
            stages = metrics.stage_metrics(session, journey_id, year)
            metrics.stage_weekly(session, journey_id, year)
            metrics.funnel(stages)

        results["stage charts"] = median_ms(charts_data, runs)
        quarter = weeks.Period(WEEK.shifted(-11).start, WEEK.end)

        def charts_12_weeks():
            stages = metrics.stage_metrics(session, journey_id, quarter)
            metrics.stage_weekly(session, journey_id, quarter)
            metrics.funnel(stages)

        results["stage charts 12 wk"] = median_ms(charts_12_weeks, runs)
        report = metrics.report_rows(session, journey_id, WEEK)
        weekly = metrics.stage_weekly(session, journey_id, year)
    engine.dispose()
    return {"times": results, "report": report, "weekly": weekly, "rows": rows}


def pandas_baseline(rows: list[dict], runs: int) -> dict:
    email_stage = {}
    for row in rows:
        email_stage.setdefault(row["email_id"], None)
    ids = sorted(email_stage)
    stage_of = {email_id: STAGES[i // EMAILS_PER_STAGE] for i, email_id in enumerate(ids)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "metrics.csv"
        frame = pd.DataFrame(rows)
        frame["stage"] = frame["email_id"].map(stage_of)
        frame.drop(columns=["source"]).to_csv(path, index=False)

        def weekly_report(df):
            week = df[(df["day"] >= WEEK.start.isoformat()) & (df["day"] <= WEEK.end.isoformat())]
            return week.groupby("stage", sort=False)[list(COUNTS)].sum()

        def stage_weeks(df):
            days = pd.to_datetime(df["day"])
            monday = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.date
            return df.groupby(["stage", monday])[list(COUNTS)].sum()

        loaded = pd.read_csv(path)
        report = weekly_report(loaded)
        weeks = stage_weeks(loaded)
        return {
            "times": {
                "report": median_ms(lambda: weekly_report(pd.read_csv(path)), runs),
                "report (loaded)": median_ms(lambda: weekly_report(loaded), runs),
                "stage charts": median_ms(lambda: stage_weeks(pd.read_csv(path)), runs),
                "stage charts (loaded)": median_ms(lambda: stage_weeks(loaded), runs),
            },
            "report": report,
            "weeks": weeks,
        }


def check_same_numbers(database: dict, baseline: dict) -> None:
    for row in database["report"]:
        expected = baseline["report"].loc[row["stage"]]
        assert all(int(expected[c]) == row[c] for c in COUNTS), (row, expected)
    for week in database["weekly"]:
        expected = baseline["weeks"].loc[(week.name, week.week_start)]
        assert int(expected["delivered"]) == week.counts.delivered
        assert int(expected["clicks"]) == week.counts.clicks


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument(
        "--pg", default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(
        f"Rows: {len(STAGES) * EMAILS_PER_STAGE} emails × {len(VARIANTS)} variants × {DAYS} days; median of {args.runs} runs"
    )
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["SQLite"] = time_database("SQLite", f"sqlite:///{folder}/bench.db", args.runs)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = None
    try:
        admin = make_engine(args.pg)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in args.pg else "?"
        results["PostgreSQL"] = time_database(
            "PostgreSQL", f"{args.pg}{sep}options=-csearch_path%3D{schema}", args.runs
        )
    except Exception as exc:  # noqa: BLE001 - the benchmark still reports SQLite
        print(f"PostgreSQL skipped: {exc}")
    finally:
        if admin is not None:
            try:
                with admin.begin() as connection:
                    connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            except Exception:  # noqa: BLE001
                pass
            admin.dispose()
    baseline = pandas_baseline(results["SQLite"]["rows"], args.runs)
    for database in results.values():
        check_same_numbers(database, baseline)
    print("Same numbers from SQL and from pandas: checked.\n")
    base = baseline["times"]
    print(
        f"{'what':<20}{'backend':<12}{'median ms':>10}   SQL time ÷ pandas (read_csv+groupby | groupby only)"
    )
    for name in ("report", "weekly review", "stage charts", "stage charts 12 wk"):
        ref = "report" if name in ("report", "weekly review") else "stage charts"
        for backend, database in results.items():
            ms = database["times"][name]
            print(
                f"{name:<20}{backend:<12}{ms:>10.1f}   {ms / base[ref]:>5.2f} | {ms / base[ref + ' (loaded)']:.2f}"
            )
    for name, ms in base.items():
        print(f"{'pandas ' + name:<32}{ms:>10.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
