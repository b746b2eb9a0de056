"""Metric import benchmark: a 1,000,000-row events file and a 100,000-row generic file.

    .venv/bin/python bench/bench_import.py [--runs 3] [--pg postgresql://postgres@127.0.0.1:5432/test]
    .venv/bin/python bench/bench_import.py --generic-rows 1000000 --skip-events   # the streamed import at 1 M

The generic file has 150 emails × 2 variants per day, or as many emails as its rows need to fit in a
year (1,000,000 rows: 1,370 emails).

Generates the files in bench/out/ (git-ignored), then imports each one in a fresh
subprocess (so peak memory, ru_maxrss, is the import's own) into a fresh database,
and prints the median rows/s and peak RSS. Baseline in the same run, also in a
subprocess: pandas `read_csv` + `groupby` computing the same numbers (no database
write), checked equal to what the import stored.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from machine import machine

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

EVENT_ROWS = 1_000_000
GENERIC_ROWS = 100_000
EVENT_EMAILS = 20
GENERIC_EMAILS = 150
START = date(2026, 1, 5)


# --- data -------------------------------------------------------------------------


def event_email_names() -> list[str]:
    return [f"Email {i:03d}" for i in range(EVENT_EMAILS)]


def generic_email_names() -> list[str]:
    emails = max(GENERIC_EMAILS, -(-GENERIC_ROWS // (2 * 365)))
    return [f"Email {i:03d}" for i in range(emails)]


def write_events(path: Path) -> None:
    """SendGrid-shaped events: processed, delivered or bounce, opens (30 % machine), clicks, unsubscribes."""
    rng = random.Random(7)
    names = event_email_names()
    epoch = (START - date(1970, 1, 1)).days * 86_400
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["email", "timestamp", "event", "category", "sg_event_id", "sg_machine_open", "url"])
        while rows < EVENT_ROWS:
            recipient = f"user{rng.randrange(200_000)}@example.com"
            name = names[rng.randrange(EVENT_EMAILS)]
            sent_at = epoch + rng.randrange(30) * 86_400 + rng.randrange(86_400)
            events = [("processed", sent_at, "")]
            if rng.random() < 0.03:
                events.append(("bounce", sent_at + 60, ""))
            else:
                events.append(("delivered", sent_at + 30, ""))
                if rng.random() < 0.45:
                    events.append(
                        ("open", sent_at + rng.randrange(200_000), "true" if rng.random() < 0.3 else "false")
                    )
                    if rng.random() < 0.3:
                        events.append(("open", sent_at + rng.randrange(300_000), "false"))
                    if rng.random() < 0.2:
                        events.append(("click", sent_at + rng.randrange(300_000), ""))
                if rng.random() < 0.005:
                    events.append(("unsubscribe", sent_at + rng.randrange(400_000), ""))
            for event, at, machine in events:
                if rows >= EVENT_ROWS:
                    break
                url = "https://example.com/offer" if event == "click" else ""
                out.writerow([recipient, at, event, name, f"ev{rows}", machine, url])
                rows += 1


def write_generic(path: Path) -> None:
    rng = random.Random(11)
    header = "date,stage,email,variant,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue"
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write(header + "\n")
        for offset in range(365):
            day = (START + timedelta(days=offset)).isoformat()
            for name in generic_email_names():
                for variant in ("A", "B"):
                    if rows >= GENERIC_ROWS:
                        return
                    sent = rng.randrange(200, 5_000)
                    bounces = rng.randrange(0, sent // 50 + 1)
                    delivered = sent - bounces
                    opens = rng.randrange(0, delivered // 2 + 1)
                    clicks = rng.randrange(0, opens // 5 + 1)
                    handle.write(
                        f"{day},Retention,{name},{variant},{sent},{delivered},{opens},{clicks},"
                        f"{clicks // 10},{rng.randrange(0, 5)},{bounces},{rng.randrange(0, 2)},{clicks * 1.5:.2f}\n"
                    )
                    rows += 1


# --- database ---------------------------------------------------------------------


def prepare_database(url: str, names: list[str]) -> None:
    """A migrated database with one journey whose Retention stage has every email of the file."""
    from sqlalchemy import text
    from sqlmodel import Session

    from db.engine import make_engine
    from db.migrate import upgrade
    from journey.plan import journeys

    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        session.execute(text("DELETE FROM metric_daily"))
        session.execute(text("DELETE FROM journey WHERE name = 'Bench'"))
        journey = journeys.create_journey(session, name="Bench", template="blank")
        stage = journeys.add_stage(session, journey.id, name="Retention")
        for name in names:
            journeys.add_email(session, stage.id, name=name)
        session.commit()
    engine.dispose()


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(url: str, path: str) -> dict:
    from sqlmodel import Session

    from db.engine import make_engine
    from journey.measure.imports.importer import import_metrics
    from journey.plan import journeys

    engine = make_engine(url)
    with Session(engine) as session:
        journey_id = journeys.get_journey_by_name(session, "Bench").id
        session.rollback()
        base = peak_rss_mb()
        started = time.perf_counter()
        result = import_metrics(session, journey_id, Path(path))
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    assert result.written, result.rejected[:3]
    return {
        "seconds": seconds,
        "rows": result.rows_read,
        "written": result.imported,
        "peak_rss_mb": peak_rss_mb(),
        "base_rss_mb": base,
    }


def child_pandas(kind: str, path: str) -> dict:
    import pandas as pd

    base = peak_rss_mb()
    started = time.perf_counter()
    if kind == "generic":
        frame = pd.read_csv(path, keep_default_na=False)
        numbers = [
            "sent",
            "delivered",
            "opens",
            "clicks",
            "conversions",
            "unsubscribes",
            "bounces",
            "complaints",
            "revenue",
        ]
        table = frame.groupby(["email", "variant", "date"], sort=False)[numbers].sum()
        rows, written = len(frame), len(table)
        totals = {k: float(v) for k, v in table[["sent", "opens", "clicks"]].sum().items()}
    else:
        frame = pd.read_csv(
            path,
            usecols=["email", "timestamp", "event", "category", "sg_machine_open"],
            dtype={
                "email": "string",
                "event": "category",
                "category": "category",
                "sg_machine_open": "string",
            },
        )
        rows = len(frame)
        frame["recipient"] = frame["email"].str.lower()
        frame["day"] = frame["timestamp"] // 86_400
        kinds = {
            "processed": "sent",
            "delivered": "delivered",
            "bounce": "bounces",
            "open": "opens",
            "click": "clicks",
            "unsubscribe": "unsubscribes",
            "spamreport": "complaints",
        }
        frame["kind"] = frame["event"].map(kinds).astype("string")
        machine = (frame["kind"] == "opens") & (frame["sg_machine_open"].str.lower() == "true")
        frame.loc[machine, "kind"] = "machine"
        first = (
            frame.groupby(["category", "kind", "recipient"], observed=True, sort=False)["day"]
            .min()
            .reset_index()
        )
        sends = first[first["kind"] == "sent"][["category", "recipient", "day"]].rename(
            columns={"day": "send_day"}
        )
        first = first.merge(sends, on=["category", "recipient"], how="left")
        first["day"] = first["send_day"].fillna(first["day"]).astype("int64")
        human = first[first["kind"] == "opens"][["category", "recipient"]].assign(human=True)
        first = first.merge(human, on=["category", "recipient"], how="left")
        first = first[~((first["kind"] == "machine") & first["human"].eq(True))]
        table = (
            first.groupby(["category", "day", "kind"], observed=True, sort=False).size().unstack(fill_value=0)
        )
        written = len(table)
        totals = {k: float(table[k].sum()) for k in ("sent", "opens", "clicks") if k in table}
        totals["machine_opens"] = float(table["machine"].sum()) if "machine" in table else 0.0
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "rows": rows,
        "written": written,
        "totals": totals,
        "peak_rss_mb": peak_rss_mb(),
        "base_rss_mb": base,
    }


def db_totals(url: str) -> dict:
    from sqlalchemy import text

    from db.engine import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT SUM(sent), SUM(opens), SUM(clicks), SUM(machine_opens) FROM metric_daily")
        ).one()
    engine.dispose()
    return {
        "sent": float(row[0]),
        "opens": float(row[1]),
        "clicks": float(row[2]),
        "machine_opens": float(row[3]),
    }


def in_subprocess(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pg_schema_url(url: str, schema: str = "bench_import") -> str:
    """`url` pointed at its own schema (bench_import), so nothing else in that database is touched."""
    from db.engine import make_engine

    admin = make_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    admin.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def main() -> None:
    global GENERIC_ROWS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (median reported)")
    parser.add_argument("--pg", metavar="URL", help="also import into this PostgreSQL database")
    parser.add_argument("--generic-rows", type=int, default=GENERIC_ROWS, help="rows of the generic file")
    parser.add_argument("--skip-events", action="store_true", help="only the generic file")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    GENERIC_ROWS = args.generic_rows
    if args.child:
        kind, url, path = args.child
        out = child_pandas(url, path) if kind == "pandas" else child_import(url, path)
        print(json.dumps(out))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    files = {"events": OUT / "events_1m.csv", "generic": OUT / f"generic_{GENERIC_ROWS // 1000}k.csv"}
    if args.skip_events:
        del files["events"]
    for kind, path in files.items():
        if not path.exists():
            print(f"writing {path.relative_to(ROOT)} …", flush=True)
            (write_events if kind == "events" else write_generic)(path)
    print(f"machine: {machine()}")
    backends = [("sqlite", None)] + ([("postgresql", pg_schema_url(args.pg))] if args.pg else [])
    for kind, path in files.items():
        names = event_email_names() if kind == "events" else generic_email_names()
        size = path.stat().st_size / 1e6
        print(f"\n{kind}: {path.name} ({size:.0f} MB)")
        pandas_runs = [in_subprocess("--child", "pandas", kind, str(path)) for _ in range(args.runs)]
        base = statistics.median(r["rows"] / r["seconds"] for r in pandas_runs)
        peak = max(r["peak_rss_mb"] for r in pandas_runs)
        print(
            f"  baseline pandas read_csv+groupby (no DB write): {base:>10,.0f} rows/s, "
            f"{statistics.median(r['seconds'] for r in pandas_runs):.2f} s, peak RSS {peak:.0f} MB"
        )
        for backend, pg_url in backends:
            runs = []
            for _ in range(args.runs):
                if backend == "sqlite":
                    db = OUT / f"bench_{kind}.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    url = f"sqlite:///{db}"
                else:
                    url = pg_url
                prepare_database(url, names)
                runs.append(in_subprocess("--child", "import", url, str(path)))
            rate = statistics.median(r["rows"] / r["seconds"] for r in runs)
            totals = db_totals(url)
            same = all(abs(totals[k] - pandas_runs[0]["totals"].get(k, totals[k])) < 0.5 for k in totals)
            print(
                f"  import_metrics on {backend:<10}: {rate:>10,.0f} rows/s, "
                f"{statistics.median(r['seconds'] for r in runs):.2f} s, {runs[0]['written']:,} rows written, "
                f"peak RSS {max(r['peak_rss_mb'] for r in runs):.0f} MB (interpreter+libraries before "
                f"the import: {runs[0]['base_rss_mb']:.0f} MB); {rate / base:.2f}× pandas; "
                f"same totals as pandas: {'yes' if same else 'NO ' + str((totals, pandas_runs[0]['totals']))}"
            )
    shutil.rmtree(OUT / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
