"""The engine and sessions: SQLite by default, PostgreSQL through DATABASE_URL.

SQLite is tuned as ../shared/REFERENCE.md §7 says: WAL, a busy timeout, foreign keys on. Two kinds
of transaction share one engine and its pool:

- `session_scope(engine)`, a write: on SQLite it begins `BEGIN IMMEDIATE`, taking the one write lock
  up front, so a read-then-write never fails half-way with "database is locked" (it waits up to the
  busy timeout for another writer instead, then raises an OperationalError that `is_busy` names).
- `read_scope(engine)`, a read: a plain deferred `BEGIN`, which in WAL mode takes no lock at all: it
  reads the last committed snapshot while a writer works and never holds up a writer. Its session
  refuses to write (ReadOnlySessionError), so a read scope can never become a deferred
  read-then-write. Pages read through it (ui.db.db_session) and write through ui.writes.run_write.

How: pysqlite's own transaction handling is switched off on connect (`isolation_level = None`) and
SQLAlchemy's "begin" event emits the BEGIN itself, the recipe of SQLAlchemy's pysqlite dialect
documentation ("Serializable isolation / Savepoints / Transactional DDL"). The reader is
`engine.execution_options(journey_read_only=True)`, a copy of the engine on the same pool (SQLAlchemy
"Engine.execution_options"); the begin event reads that option from the connection to pick `BEGIN`
or `BEGIN IMMEDIATE`. PostgreSQL needs neither (MVCC readers never wait for writers); there both scopes
differ only in the read-only session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

import db.audit  # noqa: F401  (every session stamps updated_by and keeps the activity log)
import db.rollups  # noqa: F401  (every engine keeps the data version and the weekly rollup)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "journey.db"
BUSY_TIMEOUT_MS = 10_000
READ_ONLY = "journey_read_only"  # the execution option that makes a connection's BEGIN deferred
# SQLite's SQLITE_BUSY and SQLITE_LOCKED (primary codes); PostgreSQL's lock_not_available and deadlock.
_SQLITE_BUSY_CODES = {5, 6}
_PG_BUSY_STATES = {"55P03", "40P01"}


def database_url(url: str | None = None) -> str:
    """The database to use: `url`, else $DATABASE_URL, else the SQLite file in data/."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None, *, busy_timeout_ms: int | None = None, **kwargs) -> Engine:
    """An engine for `url` (see database_url), with SQLite's pragmas set on every connection.

    busy_timeout_ms: how long a SQLite write waits for another writer's lock before it is refused
    (default BUSY_TIMEOUT_MS).
    """
    url = database_url(url)
    busy_timeout_ms = BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    path = url.split("///", 1)[-1]
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000}, **kwargs)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event issue the BEGIN instead of pysqlite's own (see the module doc).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def is_busy(exc: BaseException) -> bool:
    """True when `exc` is the database refusing a write because another one holds the lock too long."""
    if not isinstance(exc, OperationalError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_BUSY_CODES
    return getattr(exc.orig, "sqlstate", None) in _PG_BUSY_STATES


class ReadOnlySessionError(RuntimeError):
    """A write in a read scope: a bug (writes go through session_scope), never the user's doing."""


class ReadSession(Session):
    """A session that refuses to write: no flush of changes, no INSERT, UPDATE or DELETE statement."""


@event.listens_for(ReadSession, "before_flush")
def _refuse_flush(session, _context, _instances) -> None:
    raise ReadOnlySessionError("A read scope tried to write: write through session_scope instead.")


@event.listens_for(ReadSession, "do_orm_execute")
def _refuse_dml(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySessionError("A read scope tried to write: write through session_scope instead.")


def reader(engine: Engine) -> Engine:
    """`engine` for reads: the same pool, its transactions begin deferred (see the module doc)."""
    return engine.execution_options(**{READ_ONLY: True})


@contextmanager
def read_scope(engine: Engine) -> Iterator[Session]:
    """One read-only transaction that takes no lock and waits for no writer.

    It ends with a COMMIT that writes nothing (a change left in the session raises there) and keeps
    the loaded rows usable after the block; on an error the session closes, which rolls back.
    """
    with ReadSession(reader(engine), expire_on_commit=False) as session:
        yield session
        session.commit()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One write transaction (BEGIN IMMEDIATE on SQLite): commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
