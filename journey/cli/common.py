"""What every command shares: the database from --database-url or $DATABASE_URL, migrated."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session


@contextmanager
def cli_engine(args: argparse.Namespace) -> Iterator[Engine]:
    """The migrated database the command was pointed at.

    A URL that cannot be used (malformed, an unknown driver, no server there, a file that is not a
    database) is an InvalidInput naming --database-url, not a traceback.
    """
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
    from sqlalchemy.exc import DatabaseError as SqlDatabaseError

    from db.engine import is_busy, make_engine
    from db.migrate import upgrade
    from journey.core.errors import DatabaseBusy

    try:
        engine = make_engine(getattr(args, "database_url", None))
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise _unusable_database("is not a database URL we can use", exc) from None
    try:
        try:
            upgrade(engine)
        except (OperationalError, SqlDatabaseError) as exc:
            if is_busy(exc):  # a database another process keeps locked is there, only busy
                raise DatabaseBusy() from None
            raise _unusable_database("cannot be opened", exc) from None
        yield engine
    finally:
        engine.dispose()


@contextmanager
def cli_session(args: argparse.Namespace) -> Iterator[Session]:
    """One transaction on the migrated database the command was pointed at (see cli_engine), acting as
    CLI (an owner: whoever runs commands on the server manages the workspace).

    A database another process keeps locked past the busy timeout is DatabaseBusy (one line, exit 1),
    as in the app, not a traceback."""
    from sqlalchemy.exc import OperationalError

    from db.engine import is_busy, session_scope
    from journey.core.access import CLI, act_as
    from journey.core.errors import DatabaseBusy

    try:
        with cli_engine(args) as engine, session_scope(engine) as session:
            act_as(session, CLI)
            yield session
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        raise DatabaseBusy() from None


def _unusable_database(problem: str, exc: Exception):
    from journey.core.errors import InvalidInput

    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    return InvalidInput(
        f"The database (--database-url or $DATABASE_URL) {problem}: {reason}. "
        "Use sqlite:///path/to.db or postgresql://user@host/db.",
        field="database_url",
    )
