"""Benchmark: the review, a year of weekly charts and an import at 100 k, 1 M and 5 M metric rows, on
SQLite and PostgreSQL, beside DuckDB running the same sums on a copy of the same rows (the baseline).

The workspace: journeys of 5 stages × 30 emails, 2 variants per email, one metric_daily row per email,
variant and day over a year (365 days from a Monday), as many journeys as the size needs (100 k rows:
1 journey; 1 M: 7; 5 M: 35). The rows are built with fast bulk inserts (SQLite executemany, PostgreSQL
COPY), not through the importer, and the weekly rollup is then filled by db.rollups' own recompute (one
mark_days per email). The journey shown is the first; the other journeys' rows are the rest of the
workspace that every query must skip. Timed, as the median of N runs:
- `stamp`: ui.loaders.data_key()'s read, journey.measure.metrics.data_stamp;
- `map's latest rates`: journey.measure.metrics.latest_stage_rates (the last week with data and the one before);
- `review`: journey.measure.review.weekly_review for the last week (its stages in 3 periods, A/B tests);
- `year of charts`: what the Metrics page loads for a year of whole weeks (stage_metrics, stage_weekly,
  email_metrics, email_weekly), and the same from a Wednesday (partial weeks at both ends);
- `import a week`: import_metrics of a generic CSV with the shown journey's last week (2,100 rows,
  all replacing saved days: the rollup recomputed), committed.
DuckDB (in memory) runs the same sums as SQL over the same rows, grouped the same way; the bench checks
that its stage totals equal the app's.

    .venv/bin/python bench/bench_scale.py [--sizes 100000,1000000] [--runs 5] [--pg postgresql://…]
"""

from __future__ import annotations

import argparse
import io
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

from machine import machine  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from db import rollups  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from journey.measure import metrics, review  # noqa: E402
from journey.measure.imports.importer import import_metrics  # noqa: E402
from journey.measure.metrics import Period  # noqa: E402
from journey.plan import journeys  # noqa: E402

STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
EMAILS_PER_STAGE = 30
VARIANTS = ("A", "B")
FIRST_DAY = date(2025, 11, 24)  # a Monday
DAYS = 365
LAST_WEEK = metrics.iso_week(FIRST_DAY + timedelta(days=DAYS - 8))  # the last whole week
YEAR = Period(FIRST_DAY, LAST_WEEK.end)
FROM_WEDNESDAY = Period(FIRST_DAY + timedelta(days=2), FIRST_DAY + timedelta(days=DAYS - 3))
COLUMNS = ("email_id", "variant", "day", "sent", "delivered", "opens", "machine_opens", "clicks")
COLUMNS += ("conversions", "unsubscribes", "bounces", "complaints", "revenue", "source", "imported_at")
CHUNK = 100_000


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build_workspace(engine, size: int) -> tuple[int, list[tuple[int, str]], list[int]]:
    """Journeys until `size` rows fit; (the first journey's id, every (email id, stage name), emails)."""
    series_per_journey = len(STAGES) * EMAILS_PER_STAGE * len(VARIANTS)
    count = max(1, round(size / (series_per_journey * DAYS)))
    emails: list[tuple[int, str]] = []
    shown = None
    with Session(engine) as session:
        for index in range(count):
            journey = journeys.create_journey(session, name=f"Journey {index + 1}", template="blank")
            shown = shown or journey.id
            for stage_name in STAGES:
                stage = journeys.add_stage(session, journey.id, name=stage_name)
                for n in range(EMAILS_PER_STAGE):
                    email = journeys.add_email(session, stage.id, name=f"{stage_name} {n}")
                    emails.append((email.id, stage_name))
        session.commit()
    return shown, emails, [e for e, _s in emails]


def metric_rows(email_ids: list[int], size: int):
    """`size` rows (email, variant, day order), deterministic."""
    rng = random.Random(7)
    made = 0
    for email_id in email_ids:
        for variant in VARIANTS:
            for offset in range(DAYS):
                if made >= size:
                    return
                sent = rng.randint(50, 400)
                bounces = rng.randint(0, sent // 50)
                delivered = sent - bounces
                opens = rng.randint(0, delivered // 2)
                clicks = rng.randint(0, opens // 5)
                conversions = rng.randint(0, clicks // 3)
                yield (
                    email_id,
                    variant,
                    FIRST_DAY + timedelta(days=offset),
                    sent,
                    delivered,
                    opens,
                    0,
                    clicks,
                    conversions,
                    rng.randint(0, 3),
                    bounces,
                    0,
                    round(conversions * 31.5, 2),
                    "bench",
                    "2026-12-01 00:00:00",
                )
                made += 1


def load_rows(engine, duck, email_ids: list[int], size: int) -> None:
    """The rows into the database (bulk) and into DuckDB, then the weekly rollup recomputed."""
    import pandas as pd

    placeholders = ", ".join("?" for _ in COLUMNS)
    with engine.begin() as connection:
        connection = connection.execution_options(**{rollups.MARKED: True})
        batch: list[tuple] = []
        for row in metric_rows(email_ids, size):
            batch.append(row)
            if len(batch) >= CHUNK:
                _write_batch(connection, batch, placeholders, duck, pd)
                batch = []
        if batch:
            _write_batch(connection, batch, placeholders, duck, pd)
        rollups.mark_days(connection, ((e, FIRST_DAY) for e in email_ids))
        rollups.mark_days(connection, ((e, FIRST_DAY + timedelta(days=DAYS - 1)) for e in email_ids))
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def _write_batch(connection, batch, placeholders, duck, pd) -> None:
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(f"COPY metric_daily ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
    else:
        connection.exec_driver_sql(
            f"INSERT INTO metric_daily ({', '.join(COLUMNS)}) VALUES ({placeholders})",
            [(*r[:2], r[2].isoformat(), *r[3:]) for r in batch],
        )
    if duck is not None:
        frame = pd.DataFrame([r[:13] for r in batch], columns=list(COLUMNS[:13]))  # noqa: F841 (DuckDB reads it by name)
        duck.execute("INSERT INTO metric_daily SELECT * FROM frame")


# --- the app's queries and DuckDB's ----------------------------------------------------------------


def app_review(engine, journey_id: int):
    with Session(engine) as session:
        return review.weekly_review(session, journey_id, LAST_WEEK)


def app_charts(engine, journey_id: int, period: Period):
    with Session(engine) as session:
        return (
            metrics.stage_metrics(session, journey_id, period),
            metrics.stage_weekly(session, journey_id, period),
            metrics.email_metrics(session, journey_id, period),
            metrics.email_weekly(session, journey_id, period),
        )


def app_latest(engine, journey_id: int):
    with Session(engine) as session:
        return metrics.latest_stage_rates(session, journey_id)


def duck_latest(duck, journey_id: int):
    last = duck.execute(
        "SELECT MAX(m.day) FROM metric_daily m JOIN email e ON e.id = m.email_id WHERE e.journey_id = ?",
        [journey_id],
    ).fetchone()[0]
    week = metrics.iso_week(last)
    return [
        duck.execute(
            f"SELECT e.stage, {SUMS} {JOIN} GROUP BY 1 ORDER BY 1", [journey_id, p.start, p.end]
        ).fetchall()
        for p in (week, week.shifted(-1))
    ]


def app_stamp(engine):
    with Session(engine) as session:
        return metrics.data_stamp(session)


# The stamp before the data version (data_stamp until 0005): counts, latest changes and summed versions.
OLD_STAMP = "SELECT " + ", ".join(
    [
        "(SELECT COUNT(*) FROM metric_daily)",
        "(SELECT MAX(imported_at) FROM metric_daily)",
        "(SELECT COUNT(*) FROM journey_persona)",
        "(SELECT MAX(updated_at) FROM setting)",
        "(SELECT SUM(version) FROM setting)",
    ]
    + [
        f"(SELECT COUNT(*) FROM {t}), (SELECT MAX(updated_at) FROM {t}), (SELECT SUM(version) FROM {t})"
        for t in ("journey", "stage", "email", "persona", "snippet")
    ]
)


def old_stamp(engine):
    with engine.connect() as connection:
        return connection.exec_driver_sql(OLD_STAMP).one()


def days_only(fn):
    """`fn` run with the weekly rollup switched off: every sum over metric_daily, as before 0005."""

    def run():
        real = metrics._pieces
        metrics._pieces = lambda by, where, periods: [(where, metrics.MetricDaily)]
        try:
            return fn()
        finally:
            metrics._pieces = real

    return run


SUMS = "SUM(sent), SUM(delivered), SUM(opens), SUM(clicks), SUM(conversions), SUM(unsubscribes), SUM(bounces), SUM(revenue)"
JOIN = (
    "FROM metric_daily m JOIN email e ON e.id = m.email_id WHERE e.journey_id = ? AND m.day BETWEEN ? AND ?"
)


def duck_review(duck, journey_id: int):
    week, before = LAST_WEEK, LAST_WEEK.shifted(-1)
    earlier = Period(LAST_WEEK.shifted(-4).start, LAST_WEEK.shifted(-2).end)
    bucket = (
        f"CASE WHEN m.day BETWEEN '{week.start}' AND '{week.end}' THEN 0 "
        f"WHEN m.day BETWEEN '{before.start}' AND '{before.end}' THEN 1 ELSE 2 END"
    )
    stages = duck.execute(
        f"SELECT {bucket} AS p, e.stage, {SUMS} {JOIN} GROUP BY p, e.stage ORDER BY p, e.stage",
        [journey_id, earlier.start, week.end],
    ).fetchall()
    ab = duck.execute(
        f"SELECT m.email_id, m.variant, {SUMS} {JOIN} AND m.variant <> '' GROUP BY 1, 2 ORDER BY 1, 2",
        [journey_id, week.start, week.end],
    ).fetchall()
    return stages, ab


def duck_charts(duck, journey_id: int, period: Period):
    args = [journey_id, period.start, period.end]
    return [
        duck.execute(f"SELECT e.stage, {SUMS} {JOIN} GROUP BY 1 ORDER BY 1", args).fetchall(),
        duck.execute(
            f"SELECT e.stage, date_trunc('week', m.day) AS w, {SUMS} {JOIN} GROUP BY 1, 2 ORDER BY 1, 2", args
        ).fetchall(),
        duck.execute(f"SELECT m.email_id, {SUMS} {JOIN} GROUP BY 1 ORDER BY 1", args).fetchall(),
        duck.execute(
            f"SELECT m.email_id, date_trunc('week', m.day) AS w, {SUMS} {JOIN} GROUP BY 1, 2 ORDER BY 1, 2",
            args,
        ).fetchall(),
    ]


def week_csv(engine, journey_id: int) -> bytes:
    """The shown journey's last week as a generic CSV (every row replaces a saved day)."""
    lines = [
        "date,stage,email,variant,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue"
    ]
    with Session(engine) as session:
        tree = journeys.load_tree(session, journey_id)
    for node in tree.stages:
        for email in node.emails:
            for variant in VARIANTS:
                for offset in range(7):
                    day = LAST_WEEK.start + timedelta(days=offset)
                    lines.append(
                        f"{day},{node.stage.name},{email.name},{variant},300,295,120,20,4,1,5,0,126.00"
                    )
    return ("\n".join(lines) + "\n").encode()


def app_import(engine, journey_id: int, csv: bytes) -> None:
    with Session(engine) as session:
        result = import_metrics(session, journey_id, io.BytesIO(csv), format="generic")
        assert result.written, result.rejected[:3]
        session.commit()


def bench_backend(
    name: str, url: str, size: int, runs: int, with_duck: bool
) -> list[tuple[str, float, float | None]]:
    import duckdb

    engine = make_engine(url)
    upgrade(engine)
    duck = duckdb.connect() if with_duck else None
    if duck is not None:
        duck.execute("CREATE TABLE email (id INTEGER, stage VARCHAR, journey_id INTEGER)")
        duck.execute(
            "CREATE TABLE metric_daily (email_id INTEGER, variant VARCHAR, day DATE, sent INTEGER, "
            "delivered INTEGER, opens INTEGER, machine_opens INTEGER, clicks INTEGER, conversions INTEGER, "
            "unsubscribes INTEGER, bounces INTEGER, complaints INTEGER, revenue DOUBLE)"
        )
    start = time.perf_counter()
    journey_id, emails, email_ids = build_workspace(engine, size)
    with engine.connect() as connection:
        owners = dict(
            connection.execute(
                text("SELECT e.id, s.journey_id FROM email e JOIN stage s ON s.id = e.stage_id")
            ).all()
        )
    if duck is not None:
        duck.executemany("INSERT INTO email VALUES (?, ?, ?)", [(e, s, owners[e]) for e, s in emails])
    load_rows(engine, duck, email_ids, size)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT COUNT(*) FROM metric_daily")).scalar()
        weeks = connection.execute(text("SELECT COUNT(*) FROM metric_weekly")).scalar()
    print(
        f"  {name}: built {rows:,} daily rows ({weeks:,} weekly) in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    results = []
    shown = app_charts(engine, journey_id, YEAR)[0]
    if duck is not None:
        duck_stages = {stage: sums for stage, *sums in duck_charts(duck, journey_id, YEAR)[0]}
        for stage in shown:
            assert duck_stages[stage.stage][0] == stage.counts.sent, (
                stage.stage,
                duck_stages[stage.stage][0],
            )
    cases = [
        ("stamp", lambda: app_stamp(engine), None),
        ("stamp as before (counts, max(imported_at))", lambda: old_stamp(engine), None),
        ("map's latest rates", lambda: app_latest(engine, journey_id), lambda: duck_latest(duck, journey_id)),
        ("review (one week)", lambda: app_review(engine, journey_id), lambda: duck_review(duck, journey_id)),
        (
            "year of charts, whole weeks",
            lambda: app_charts(engine, journey_id, YEAR),
            lambda: duck_charts(duck, journey_id, YEAR),
        ),
        (
            "year of charts, from a Wednesday",
            lambda: app_charts(engine, journey_id, FROM_WEDNESDAY),
            lambda: duck_charts(duck, journey_id, FROM_WEDNESDAY),
        ),
    ]
    for label, app, baseline in cases:
        app_ms = median_ms(app, runs)
        duck_ms = median_ms(baseline, runs) if baseline and duck is not None else None
        results.append((label, app_ms, duck_ms))
        if baseline is not None:
            results.append(("  same, days only (no rollup)", median_ms(days_only(app), runs), None))
    csv = week_csv(engine, journey_id)
    results.append(
        (
            "import a week (2,100 rows, replacing)",
            median_ms(lambda: app_import(engine, journey_id, csv), max(3, runs // 2)),
            None,
        )
    )
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    print(f"Machine: {machine()} (shared with other processes)")
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n{size:,} metric rows, median of {args.runs} runs (ms); DuckDB on a copy of the same rows")
        backends = []
        with tempfile.TemporaryDirectory() as folder:
            backends.append(
                ("SQLite", bench_backend("SQLite", f"sqlite:///{folder}/scale.db", size, args.runs, True))
            )
            if args.pg:
                schema = f"bench_{uuid.uuid4().hex[:8]}"
                admin = make_engine(args.pg)
                with admin.begin() as connection:
                    connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
                sep = "&" if "?" in args.pg else "?"
                try:
                    backends.append(
                        (
                            "PostgreSQL",
                            bench_backend(
                                "PostgreSQL",
                                f"{args.pg}{sep}options=-csearch_path%3D{schema}",
                                size,
                                args.runs,
                                False,
                            ),
                        )
                    )
                finally:
                    with admin.begin() as connection:
                        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
                    admin.dispose()
        print(
            f"{'query':40} "
            + " ".join(f"{name:>12}" for name, _ in backends)
            + f" {'DuckDB':>10} {'SQLite/DuckDB':>14}"
        )
        for index, (label, sqlite_ms, duck_ms) in enumerate(backends[0][1]):
            others = " ".join(f"{results[index][1]:12.1f}" for _name, results in backends)
            ratio = f"{sqlite_ms / duck_ms:13.1f}×" if duck_ms else f"{'':>14}"
            duck = f"{duck_ms:10.1f}" if duck_ms else f"{'–':>10}"
            print(f"{label:40} {others} {duck} {ratio}", flush=True)


if __name__ == "__main__":
    main()
