"""What every command shares: the database from --database-url or $DATABASE_URL, migrated."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlmodel import Session


@contextmanager
def cli_session(args: argparse.Namespace) -> Iterator[Session]:
    """One transaction on the migrated database the command was pointed at."""
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade

    engine = make_engine(getattr(args, "database_url", None))
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()
