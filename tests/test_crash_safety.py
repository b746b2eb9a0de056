"""An import killed with SIGKILL halfway leaves the database exactly as before it began (issue 12, point 4).

`python -m journey import-metrics` runs as a real subprocess on a generated 120,000-row export (a few
seconds of work) that overlaps metrics already saved. The test watches for the import to start writing
(SQLite: its write-ahead log growing past a megabyte, the transaction spilling pages; PostgreSQL: its
backend running the COPY or INSERT, seen in pg_stat_activity), kills it with SIGKILL, then checks: every
table's row count and checksum are as before (metric_daily, journeys, stages, emails…); SQLite's
`PRAGMA integrity_check` says ok; no lock is left (a new write transaction gets the lock at once:
busy_timeout 0 on SQLite, lock_timeout and NOWAIT on PostgreSQL, where no backend of the killed process
remains nor holds a lock in pg_locks).

Waits are bounded (the test fails, never hangs), and no assertion is about time.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from support import ROOT, database_snapshot, in_db, make_journey

from db.engine import make_engine
from journey.measure.imports import import_metrics

EMAILS = 100
DAYS = 1_200  # 100 emails × 1,200 days: 120,000 rows to write (about 2.5 s of work on 2 cores)
FIRST_DAY = date(2020, 1, 1)
HEADER = "date,stage,email,sent,delivered,opens,clicks,conversions,unsubscribes"
WAIT_S = 120  # the longest any wait below lasts before the test fails (a shared, noisy machine)


def _email(number: int) -> str:
    return f"Email {number:03d}"


def _export(path: Path, days: int) -> Path:
    """A generic export: every email on each of `days` days from FIRST_DAY."""
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for offset in range(days):
            day = FIRST_DAY + timedelta(days=offset)
            for number in range(EMAILS):
                out.write(f"{day},Awareness,{_email(number)},{100 + offset % 7},99,{40 + number % 9},7,1,0\n")
    return path


@pytest.fixture
def workspace(db_url, tmp_path) -> str:
    """A journey of 100 emails with 10 days of metrics saved (the big file replaces them if it commits)."""
    with in_db(db_url) as session:
        made = make_journey(session, "Crash", stages={"Awareness": [_email(n) for n in range(EMAILS)]})
        result = import_metrics(session, made.id, _export(tmp_path / "saved.csv", 10))
        assert (result.ok, result.imported) == (True, EMAILS * 10)
    return db_url


def _snapshot(url: str) -> dict:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return database_snapshot(connection)
    finally:
        engine.dispose()


def _start_import(url: str, export: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "journey", "--database-url", url, "import-metrics", str(export)]
    return subprocess.Popen(
        [*command, "--journey", "Crash"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _kill_once(process: subprocess.Popen, writing) -> None:
    """SIGKILL `process` as soon as `writing()` says it is writing; fail if it ends before that."""
    deadline = time.monotonic() + WAIT_S
    while not writing():
        if process.poll() is not None:
            pytest.fail(
                f"the import ended (rc={process.returncode}) before it was seen writing: "
                f"{process.stderr.read().decode()[-500:]}"
            )
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the import was not seen writing")
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=WAIT_S)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL  # killed halfway, not finished


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_import_killed_halfway_on_sqlite_leaves_the_database_as_before_and_unlocked(workspace, tmp_path):
    before = _snapshot(workspace)
    database = Path(workspace.removeprefix("sqlite:///"))
    wal = Path(f"{database}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    process = _start_import(workspace, _export(tmp_path / "big.csv", DAYS))
    _kill_once(process, lambda: wal.exists() and wal.stat().st_size > start + (1 << 20))

    connection = sqlite3.connect(database, timeout=0, isolation_level=None)  # never waits for a lock
    try:
        connection.execute("PRAGMA busy_timeout = 0")
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        connection.execute("BEGIN IMMEDIATE")  # the write lock, at once: none was left behind
        connection.execute("UPDATE metric_daily SET sent = sent + 1")
        connection.execute("ROLLBACK")
    finally:
        connection.close()
    assert _snapshot(workspace) == before


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_import_killed_halfway_on_postgresql_leaves_the_database_as_before_and_unlocked(
    workspace, tmp_path
):
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL is not set")  # pragma: no cover
    before = _snapshot(workspace)
    name = f"crash-{uuid.uuid4().hex[:8]}"
    watcher = make_engine(workspace)
    try:
        with watcher.connect() as connection:
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()

        def backends() -> list[tuple[int, str]]:
            with watcher.connect() as connection:
                return connection.execute(
                    text("SELECT pid, query FROM pg_stat_activity WHERE application_name = :name"),
                    {"name": name},
                ).all()

        def writing() -> bool:
            return any(query.lstrip().upper().startswith(("COPY", "INSERT")) for _pid, query in backends())

        process = _start_import(f"{workspace}&application_name={name}", _export(tmp_path / "big.csv", DAYS))
        _kill_once(process, writing)
        killed = [pid for pid, _query in backends()]
        deadline = time.monotonic() + WAIT_S
        while backends():  # the server ends the backend once it sees its client gone
            assert time.monotonic() < deadline, "the killed import's backend is still there"
            time.sleep(0.05)
        with watcher.connect() as connection:
            held = connection.execute(
                text(
                    "SELECT count(*) FROM pg_locks l LEFT JOIN pg_class c ON c.oid = l.relation "
                    "LEFT JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE l.pid = ANY(:killed) OR (n.nspname = :schema AND l.pid <> pg_backend_pid())"
                ),
                {"killed": killed, "schema": schema},
            ).scalar_one()
            assert held == 0
            connection.rollback()
            write = connection.begin()  # a new write transaction gets its locks at once
            connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
            connection.execute(text("LOCK TABLE metric_daily, email IN ACCESS EXCLUSIVE MODE NOWAIT"))
            connection.execute(text("UPDATE metric_daily SET sent = sent + 1"))
            write.rollback()
    finally:
        watcher.dispose()
    assert _snapshot(workspace) == before
