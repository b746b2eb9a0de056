"""Create or upgrade the schema with Alembic: the only way the schema changes.

Several app replicas (compose.yaml) start at once against one PostgreSQL, and each upgrades the schema
and seeds a first start (ui/db.py). Without a lock two of them would both find the schema empty and both
create it: the second fails ("relation already exists") or the demo is loaded twice. `migration_lock`
holds a PostgreSQL advisory lock (one per schema) around that work, so the replicas take turns and the
later ones find nothing to do. On SQLite the migration's own transaction is the lock (BEGIN IMMEDIATE:
one writer at a time). Tested in tests/test_two_replicas.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# One advisory lock per database and schema (advisory locks are per database already).
LOCK_KEY_SQL = "hashtext('journey-migrations:' || current_schema())"
_held = threading.local()  # the databases whose lock this thread holds: taking it again is a no-op


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the schema's migration lock (PostgreSQL; nothing on SQLite) for the block: waits its turn.

    Session-level, on a connection of its own, so the Alembic transaction may run on another one; a
    block nested inside one already held by this thread does not take it again.
    """
    url = engine.url.render_as_string(hide_password=False)
    held = _held.__dict__.setdefault("urls", set())
    if engine.dialect.name != "postgresql" or url in held:
        yield
        return
    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({LOCK_KEY_SQL})")
        connection.commit()  # the lock outlives the transaction; no transaction is left open
        held.add(url)
        try:
            yield
        finally:
            held.discard(url)
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({LOCK_KEY_SQL})")
            connection.commit()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of `engine`'s database up to `revision` (default: the latest), one process at a time."""
    with migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def is_current(engine: Engine) -> bool:
    """True when the database is at the latest migration."""
    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def revisions() -> list[str]:
    """Every migration's revision id, oldest first (the history is one line)."""
    script = ScriptDirectory.from_config(alembic_config(None))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def current_revision(connection) -> str | None:
    """The revision the database on `connection` is at (None before any migration)."""
    return MigrationContext.configure(connection).get_current_revision()
