"""SQLite under concurrency: writes begin IMMEDIATE, so read-then-write never fails with "locked";
reads begin deferred, so in WAL mode they neither wait for a writer nor hold one up."""

import contextlib
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from concurrency_support import write_lock_held
from sqlalchemy import delete, event, func, select, update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from db.engine import ReadOnlySessionError, is_busy, make_engine, read_scope, session_scope
from db.migrate import upgrade
from db.models import MetricDaily, Persona
from journey.plan import personas


def test_two_sessions_that_read_then_write_both_succeed(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    upgrade(engine)
    with Session(engine) as session:
        persona_id = personas.create_persona(session, name="Maya").id
        session.commit()
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def edit(n: int) -> None:
        try:
            with Session(engine) as session:
                personas.list_personas(session)  # read first…
                # …wait until the other session has read too (with deferred BEGIN both would now hold
                # a read lock and one write would fail at once; with IMMEDIATE the other waits its turn)…
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait(timeout=1)
                personas.create_persona(session, name=f"Teammate {n}")  # …then write
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with Session(engine) as session:
        assert sorted(p.name for p in personas.list_personas(session)) == ["Maya", "Teammate 0", "Teammate 1"]
        assert personas.get_persona(session, persona_id).version == 1


# --- reads beside a writer (WAL): a read takes no lock, waits for none ------------------------------


@pytest.fixture
def sqlite_file(tmp_path, sqlite_template) -> Path:
    """A migrated SQLite file with one persona, Maya."""
    path = tmp_path / "wal.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        personas.create_persona(session, name="Maya")
    engine.dispose()
    return path


def names(session) -> list[str]:
    return sorted(p.name for p in personas.list_personas(session))


def test_a_read_is_not_blocked_by_a_writer_holding_the_lock_and_sees_the_last_commit(sqlite_file):
    # With a 100 ms busy timeout a read that needed the lock would fail here with "database is locked".
    engine = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=100)
    with write_lock_held(sqlite_file), read_scope(engine) as session:
        assert names(session) == ["Maya"]


def test_a_read_takes_no_lock_so_a_write_commits_while_it_is_open(sqlite_file):
    reads = make_engine(f"sqlite:///{sqlite_file}")
    writes = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=100)
    with read_scope(reads) as session:
        assert names(session) == ["Maya"]  # the read's snapshot is taken…
        with session_scope(writes) as writer:  # …and a write commits beside it, without waiting
            personas.create_persona(writer, name="Teammate")
        assert names(session) == ["Maya"]  # the read keeps its snapshot
    with read_scope(reads) as session:
        assert names(session) == ["Maya", "Teammate"]


def test_a_read_begins_deferred_and_a_write_begins_immediate(sqlite_file):
    engine = make_engine(f"sqlite:///{sqlite_file}")
    begins: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(_connection, _cursor, statement, *_args) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    with read_scope(engine) as session:
        names(session)
    with session_scope(engine) as session:
        personas.create_persona(session, name="Teammate")
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda session: personas.create_persona(session, name="Sneaky"), id="orm-flush"),
        pytest.param(lambda session: session.execute(update(Persona).values(name="Sneaky")), id="update"),
        pytest.param(lambda session: session.execute(delete(Persona)), id="delete"),
    ],
)
def test_a_read_scope_refuses_to_write(db_url, write):
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        personas.create_persona(session, name="Maya")
    with (
        pytest.raises(ReadOnlySessionError, match="read scope tried to write"),
        read_scope(engine) as session,
    ):
        write(session)
    with read_scope(engine) as session:
        assert names(session) == ["Maya"]
    engine.dispose()


def test_a_write_that_waits_out_the_busy_timeout_is_named_busy(sqlite_file):
    engine = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=100)
    with write_lock_held(sqlite_file), pytest.raises(OperationalError) as caught, session_scope(engine) as s:
        personas.create_persona(s, name="Teammate")
    assert is_busy(caught.value)
    assert not is_busy(OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: x")))
    with read_scope(engine) as session:
        assert names(session) == ["Maya"]


def test_reads_go_on_while_a_metric_import_writes_its_batches(sqlite_file, monkeypatch):
    """import_metrics writes in batches inside one transaction; a read between two batches is not held
    up (100 ms busy timeout) and sees none of the import until it commits."""
    from metrics_import_support import FIXTURES, make_onboarding

    from journey.measure.imports import importer

    monkeypatch.setattr(importer, "WRITE_BATCH", 2)  # generic.csv's rows: several batches
    writes = make_engine(f"sqlite:///{sqlite_file}")
    reads = make_engine(f"sqlite:///{sqlite_file}", busy_timeout_ms=100)
    with session_scope(writes) as session:
        journey_id = make_onboarding(session)
    seen: list[int] = []

    def read_metrics(fraction: float, message: str) -> None:
        if message.startswith("Writing"):  # between two batches: the import holds the write lock
            with read_scope(reads) as session:
                seen.append(session.execute(select(func.count()).select_from(MetricDaily)).scalar_one())

    with session_scope(writes) as session:
        result = importer.import_metrics(session, journey_id, FIXTURES / "generic.csv", progress=read_metrics)
    assert result.written
    assert len(seen) >= 2
    assert set(seen) == {0}
    with read_scope(reads) as session:
        assert session.execute(select(func.count()).select_from(MetricDaily)).scalar_one() == result.imported
