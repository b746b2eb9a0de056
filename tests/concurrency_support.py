"""Holding SQLite's write lock while a test reads or opens pages: a bare connection, or a long journey import."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db.engine import make_engine, session_scope
from journey.plan import transfer

LONG_IMPORT = "Long import"
UNCOMMITTED = "Uncommitted Una"


@contextmanager
def write_lock_held(path: Path) -> Iterator[None]:
    """Another connection holds the write lock (BEGIN IMMEDIATE) with a persona, UNCOMMITTED, that it
    never commits."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO persona (name, description, goals, motivations, segment, merge_data, created_at, "
        f"updated_at, version) VALUES ('{UNCOMMITTED}', '', '', '', '', '{{}}', '2026-01-01', "
        "'2026-01-01', 1)"
    )
    try:
        yield
    finally:
        connection.rollback()
        connection.close()


def long_journey(stages: int = 5_000) -> dict:
    """A journey file of `stages` stages, one email each: the issue's long import."""
    return {
        "format": "email-journey/1",
        "journey": {"name": LONG_IMPORT},
        "stages": [
            {"name": f"Stage {n}", "emails": [{"name": f"Email {n}", "trigger": "signup"}]}
            for n in range(stages)
        ],
    }


@contextmanager
def import_holding_the_lock(path: Path) -> Iterator[None]:
    """Import a 5,000-stage journey in another thread and keep its transaction open (the write lock
    held, nothing committed) until the block ends; then it commits."""
    imported, release, failed = threading.Event(), threading.Event(), []

    def run() -> None:
        engine = make_engine(f"sqlite:///{path}")
        try:
            with session_scope(engine) as session:
                transfer.import_journey(session, long_journey())
                imported.set()
                release.wait(timeout=120)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failed.append(exc)
            imported.set()
        finally:
            engine.dispose()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert imported.wait(timeout=120), "the import did not finish"
    assert not failed, failed
    try:
        yield
    finally:
        release.set()
        thread.join(timeout=60)
    assert not failed, failed
