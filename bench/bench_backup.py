"""Benchmark: backup and restore of the whole workspace (journey.plan.backup) on SQLite, against baselines.

    .venv/bin/python bench/bench_backup.py [--runs 3] [--rows 50000 250000]

A workspace of the demo plus `rows` extra metric_daily rows (19 emails × A/B variants × days), backed up
and restored into a fresh, migrated SQLite file each run. Baselines in the same run: for the backup, the
SQLite online backup API's copy of the file alone (the first step of every backup); for the restore, a
Core executemany of the same metric rows (already in memory as dicts, batches of 1,000) into a copy of the
workspace without its metrics (every restore's bulk). Prints medians, the
file size and the ratios backup / copy and restore / executemany.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.machine import machine  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models import Email, MetricDaily  # noqa: E402
from journey.plan import backup, demo  # noqa: E402


def workspace(path: Path, rows: int) -> None:
    """The demo and `rows` more metric_daily rows, spread over its emails, three variants and the days."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with session_scope(engine) as session:
        demo.load_demo(session)
        emails = session.execute(sa.select(Email.id)).scalars().all()
    start = date(2010, 1, 1)
    batch = []
    with engine.begin() as connection:
        for n in range(rows):
            email, rest = emails[n % len(emails)], n // len(emails)
            variant, day = ("X", "Y", "Z")[rest % 3], start + timedelta(days=rest // 3)
            batch.append({"email_id": email, "variant": variant, "day": day, "sent": 100, "delivered": 98})
            batch[-1].update(opens=40, clicks=5, revenue=1.5, source="bench")
            if len(batch) == 10_000:
                connection.execute(MetricDaily.__table__.insert(), batch)
                batch = []
        if batch:
            connection.execute(MetricDaily.__table__.insert(), batch)
    engine.dispose()


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def copy_only(source: Path, folder: Path) -> None:
    target = sqlite3.connect(folder / "copy.db")
    with sqlite3.connect(source) as connection:
        connection.backup(target)
    target.close()
    (folder / "copy.db").unlink()


def fresh(template: Path, folder: Path, name: str) -> sa.Engine:
    path = folder / name
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


def run(rows: int, runs: int, folder: Path) -> dict:
    source = folder / f"source-{rows}.db"
    workspace(source, rows)
    template = folder / "empty.db"
    if not template.exists():
        empty = make_engine(f"sqlite:///{template}")
        upgrade(empty)
        empty.dispose()
    engine = make_engine(f"sqlite:///{source}")
    with engine.connect() as connection:
        table = MetricDaily.__table__
        metric_rows = [dict(r._mapping) for r in connection.execute(sa.select(table))]
    times = {"copy": [], "backup": [], "executemany": [], "restore": []}
    data = b""
    for number in range(runs):
        times["copy"].append(timed(lambda: copy_only(source, folder)))
        out = io.BytesIO()
        times["backup"].append(timed(lambda out=out: backup.write_backup(engine, out)))
        data = out.getvalue()
        target = fresh(template, folder, f"restore-{number}.db")
        times["restore"].append(
            timed(lambda target=target, data=data: backup.restore_backup(target, io.BytesIO(data)))
        )
        target.dispose()
        plain = fresh(source, folder, f"plain-{number}.db")  # the workspace without its metrics
        with plain.begin() as connection:
            connection.execute(table.delete())

        def insert(plain=plain) -> None:
            with plain.begin() as connection:
                for start in range(0, len(metric_rows), 1_000):
                    connection.execute(table.insert(), metric_rows[start : start + 1_000])

        times["executemany"].append(timed(insert))
        plain.dispose()
    engine.dispose()
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {"rows": len(metric_rows), "bytes": len(data), **medians}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, nargs="+", default=[50_000, 250_000])
    args = parser.parse_args()
    print(machine())
    print(f"SQLite {sqlite3.sqlite_version}; medians of {args.runs}")
    print("metric rows | file | copy (baseline) | backup | ratio | executemany (baseline) | restore | ratio")
    with tempfile.TemporaryDirectory(prefix="bench-backup-") as folder:
        for rows in args.rows:
            r = run(rows, args.runs, Path(folder))
            print(
                f"{r['rows']:,} | {r['bytes'] / 1e6:.1f} MB | {r['copy']:.2f} s | {r['backup']:.2f} s | "
                f"{r['backup'] / r['copy']:.0f}× | {r['executemany']:.2f} s | {r['restore']:.2f} s | "
                f"{r['restore'] / r['executemany']:.1f}×"
            )


if __name__ == "__main__":
    main()
