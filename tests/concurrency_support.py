"""A long journey import that holds SQLite's write lock while a test looks at the pages."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from db.engine import make_engine, session_scope
from journey.plan import transfer

LONG_IMPORT = "Long import"


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
