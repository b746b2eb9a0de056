"""Backup and restore of the whole workspace: one gzip'd JSON Lines file, portable between SQLite and PostgreSQL.

What a backup holds: every table of `SQLModel.metadata` (db.models), read generically, so a table added
later is in the next backup without a change here: personas, journeys and their personas, stages, emails,
A/B variants, snippets, metric_daily, metric_segment_daily and the metric_weekly rollup (which db.rollups
recomputes from the restored days in the restore's own transaction, so it stays exact), weekly notes and
settings (the brand, alert thresholds, time zone, saved import mappings) and the team's accounts
(user_account), whose `password_hash` column is written as null unless `with_password_hashes=True`
(`backup --with-password-hashes`): a restored account without a hash signs in through the identity
provider, or gets a password from `user reset-password`.
Both directions are owner tasks: `actor` (journey.core.access; the command line acts as CLI, an owner)
below the owner role is refused with PermissionDenied before anything is read or written.
Tables the database keeps for itself (`KEPT`: data_version, the caches' stamp, which must only grow) are not
in a backup and are never restored over: the restore's own commit moves the version on.

The file, one JSON value per line, gzip'd:

    {"format": "email-journey-backup/1", "schema_revision": "0006", "app_version": "0.1.0",
     "created_at": "2026-12-01T22:00:00+00:00", "database": "sqlite", "password_hashes": false,
     "tables": {"journey": 2, "persona": 2, …}}                          the manifest
    {"table": "journey", "columns": ["id", "name", …], "rows": 2}        then per table, parents first:
    [1, "Onboarding", …]                                                 its rows, in primary-key order
    …

Values are JSON: dates and times as ISO 8601 text, JSON columns as JSON. Ids are kept, so a restore
reproduces the workspace exactly (every export, link and `?journey=ID`).

Consistency: on SQLite the backup first copies the database with SQLite's online backup API
(`sqlite3.Connection.backup`, one step, so it copies one committed state while the app keeps writing)
into a temporary file and reads that copy; on PostgreSQL it reads every table in one REPEATABLE READ,
read-only transaction (one snapshot).

Restore: into an empty database only, unless `force=True`, which deletes every row and restores the
file in the same transaction (all or nothing: a bad or truncated file leaves the database as it was).
A backup from a newer schema revision than this app's is refused; one from an older revision is loaded
into a scratch SQLite database at its own revision, migrated there by the app's Alembic migrations, and
then restored. On PostgreSQL the id sequences are moved past the restored ids.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from db.engine import PROJECT_ROOT, is_busy, make_engine
from db.migrate import current_revision, revisions, upgrade
from db.rollups import UNTRACKED
from journey.core.access import LOCAL, Actor, Role, may_write
from journey.core.errors import DatabaseBusy, InvalidBackup
from journey.core.text import plural

FORMAT = "email-journey-backup/1"
KEPT = frozenset({"data_version"})  # the cache stamp every committed write bumps: it must only grow
SECRET_COLUMNS = frozenset({"password_hash"})
BATCH = 1_000
SUFFIX = ".jsonl.gz"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore held: rows per table, and the schema revision of the file."""

    revision: str
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def text(self) -> str:
        """ "4,210 rows in 11 tables (schema 0006)"."""
        return f"{plural(self.rows, 'row')} in {plural(len(self.tables), 'table')} (schema {self.revision})"


def app_version() -> str:
    """The app's version, as pyproject.toml gives it ("unknown" where the file is not deployed)."""
    import tomllib

    try:
        with open(PROJECT_ROOT / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def tables() -> list[sa.Table]:
    """The tables a backup holds, parents before children."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in KEPT]


# --- backup -------------------------------------------------------------------------------------


@contextmanager
def snapshot(engine: Engine) -> Iterator[sa.Connection]:
    """A connection that reads one committed state of the whole database (see the module doc)."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                yield connection
        return
    with tempfile.TemporaryDirectory(prefix="journey-backup-") as folder:
        copy_path = Path(folder) / "snapshot.db"
        with engine.connect() as source:
            target = sqlite3.connect(copy_path)
            try:
                source.connection.driver_connection.backup(target)  # pages=-1: all of it in one step
            finally:
                target.close()
        copy = sa.create_engine(f"sqlite:///{copy_path}")
        try:
            with copy.connect() as connection:
                yield connection
        finally:
            copy.dispose()


def row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows per table of a backup (tables()), as the connection sees them."""
    count = sa.func.count()
    return {t.name: connection.execute(sa.select(count).select_from(t)).scalar_one() for t in tables()}


def _iso(value: Any) -> str:
    """JSON for what json does not know: a date or time as ISO 8601 text."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_iso)


def write_backup(
    engine: Engine, out: IO[bytes], *, with_password_hashes: bool = False, actor: Actor = LOCAL
) -> BackupSummary:
    """Write a backup of the database to the binary stream `out` (gzip'd JSON Lines); what it holds."""
    may_write(actor, Role.owner)
    with snapshot(engine) as connection:
        revision = current_revision(connection) or ""
        counts = row_counts(connection)
        manifest = {
            "format": FORMAT,
            "schema_revision": revision,
            "app_version": app_version(),
            "created_at": db.models.utcnow().isoformat(),
            "database": engine.dialect.name,
            "password_hashes": with_password_hashes,
            "tables": counts,
        }
        with gzip.GzipFile(fileobj=out, mode="wb", mtime=0, compresslevel=6) as archive:
            text = io.TextIOWrapper(archive, encoding="utf-8", newline="\n")
            _line(text, manifest)
            for table in tables():
                _write_table(connection, table, counts[table.name], text, with_password_hashes)
            text.flush()
            text.detach()
    return BackupSummary(revision, counts)


def _write_table(connection, table: sa.Table, count: int, text, with_password_hashes: bool) -> None:
    names = [c.name for c in table.columns]
    hidden = [i for i, name in enumerate(names) if name in SECRET_COLUMNS and not with_password_hashes]
    _line(text, {"table": table.name, "columns": names, "rows": count})
    query = sa.select(table).order_by(*table.primary_key.columns)
    for rows in connection.execute(query).partitions(BATCH):
        values = [list(row) for row in rows]
        for row in values:
            for i in hidden:
                row[i] = None
        text.write("".join(_JSON.encode(row) + "\n" for row in values))


def _line(text, value: Any) -> None:
    text.write(_JSON.encode(value) + "\n")


def backup_bytes(engine: Engine, *, actor: Actor = LOCAL) -> bytes:
    """A backup of the database as bytes (the app's download, for owners), without password hashes."""
    out = io.BytesIO()
    write_backup(engine, out, actor=actor)
    return out.getvalue()


# --- reading a backup ---------------------------------------------------------------------------


class _Reader:
    """The lines of a backup file, checked as they are read."""

    def __init__(self, source: IO[bytes]) -> None:
        self._lines = io.TextIOWrapper(gzip.GzipFile(fileobj=source, mode="rb"), encoding="utf-8")
        self.number = 0

    def next(self, what: str) -> Any:
        try:
            line = self._lines.readline()
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise InvalidBackup(f"The file is not a readable backup ({exc}).") from None
        self.number += 1
        if not line:
            raise InvalidBackup(f"The backup ends early: line {self.number} should hold {what}.")
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            raise InvalidBackup(f"Line {self.number} of the backup is not JSON ({what} expected).") from None

    def manifest(self) -> dict[str, Any]:
        manifest = self.next("the manifest")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise InvalidBackup(f"This is not a workspace backup (its first line has no format {FORMAT!r}).")
        if not isinstance(manifest.get("tables"), dict) or not isinstance(
            manifest.get("schema_revision"), str
        ):
            raise InvalidBackup("The backup's manifest has no schema revision or table list.")
        return manifest


def _decode(column: sa.Column, value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        kind = getattr(column.type, "impl_instance", column.type).python_type  # a TypeDecorator's own type
    except NotImplementedError:
        return value
    try:
        if issubclass(kind, datetime):
            return datetime.fromisoformat(value)
        if issubclass(kind, date):
            return date.fromisoformat(value)
    except ValueError:
        raise InvalidBackup(f"{column.table.name}.{column.name}: {value!r} is not a date or time.") from None
    return value


# --- restore ------------------------------------------------------------------------------------


def restore_backup(
    engine: Engine, source: IO[bytes], *, force: bool = False, actor: Actor = LOCAL
) -> BackupSummary:
    """Restore the backup in the binary stream `source` into the (migrated) database of `engine`.

    Refused (InvalidBackup, nothing written) when the file is not a backup, comes from a newer schema,
    or the database holds any row and `force` is False; with `force` every row is replaced, in one
    transaction. An owner task (PermissionDenied for another `actor`).
    """
    may_write(actor, Role.owner)
    reader = _Reader(source)
    manifest = reader.manifest()
    revision = manifest["schema_revision"]
    known = revisions()
    if revision not in known:
        raise InvalidBackup(
            f"This backup is from schema revision {revision!r}, which this version of the app does not know "
            f"(its latest is {known[-1]}): it was made by a newer version. Upgrade the app, then restore it."
        )
    if revision != known[-1]:
        return _restore_older(engine, reader, manifest, force=force)
    try:
        with engine.begin() as connection:
            _make_room(connection, force=force)
            restored = _insert_sections(connection, reader, manifest, {t.name: t for t in tables()})
            _advance_sequences(connection)
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy() from None
        raise
    return BackupSummary(revision, restored)


def _make_room(connection: sa.Connection, *, force: bool) -> None:
    held = {name: count for name, count in row_counts(connection).items() if count}
    if held and not force:
        # the activity log last: the message names the workspace's content first
        content_first = sorted(held.items(), key=lambda item: item[0] == "activity")
        listed = ", ".join(f"{name} {count:,}" for name, count in content_first)
        raise InvalidBackup(
            f"The database is not empty (rows: {listed}), and a restore replaces everything in it. "
            "Restore into a new database, or pass --force to replace this one (in one transaction)."
        )
    for table in reversed(tables()):
        if held.get(table.name):
            connection.execute(table.delete())


def _insert_sections(
    connection, reader: _Reader, manifest: dict, by_name: dict[str, sa.Table]
) -> dict[str, int]:
    restored: dict[str, int] = {}
    for _ in manifest["tables"]:
        header = reader.next("a table's header")
        if not isinstance(header, dict) or not isinstance(header.get("rows"), int):
            raise InvalidBackup(f"Line {reader.number} of the backup should be a table's header.")
        table = by_name.get(header.get("table"))
        if table is None:
            raise InvalidBackup(
                f"The backup holds a table this schema does not have: {header.get('table')!r}."
            )
        names = header.get("columns") or []
        unknown = [name for name in names if name not in table.columns]
        if unknown:
            raise InvalidBackup(f"The backup's table {table.name} has columns this schema lacks: {unknown}.")
        columns = [table.columns[name] for name in names]
        batch: list[dict[str, Any]] = []
        for _row in range(header["rows"]):
            values = reader.next(f"a row of {table.name}")
            if not isinstance(values, list) or len(values) != len(columns):
                raise InvalidBackup(f"Line {reader.number} of the backup is not a row of {table.name}.")
            batch.append({c.name: _decode(c, v) for c, v in zip(columns, values, strict=True)})
            if len(batch) == BATCH:
                _insert(connection, table, batch)
                batch = []
        if batch:
            _insert(connection, table, batch)
        restored[table.name] = header["rows"]
    return restored


def _insert(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert a batch; a row the database refuses (a hand-edited or damaged file) is an InvalidBackup."""
    try:
        connection.execute(table.insert(), rows)
    except sa.exc.StatementError as exc:
        if is_busy(exc):
            raise
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        raise InvalidBackup(f"The backup's rows of {table.name} cannot be restored: {reason}.") from None


def _advance_sequences(connection: sa.Connection) -> None:
    """PostgreSQL: each id sequence moved past the highest restored id (the next create gets a new one)."""
    if connection.dialect.name != "postgresql":
        return  # SQLite gives a new row max(id) + 1
    for table in tables():
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        sequence = connection.execute(
            sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": table.name, "column": keys[0].name},
        ).scalar()
        if sequence is None:
            continue
        highest = connection.execute(sa.select(sa.func.max(keys[0]))).scalar()
        connection.execute(
            sa.text("SELECT setval(CAST(:sequence AS regclass), :value, :called)"),
            {"sequence": sequence, "value": highest or 1, "called": highest is not None},
        )


def _restore_older(engine: Engine, reader: _Reader, manifest: dict, *, force: bool) -> BackupSummary:
    """A backup from an older schema: loaded into a scratch SQLite database at its revision, migrated
    there to the latest, backed up again and restored from that."""
    with tempfile.TemporaryDirectory(prefix="journey-restore-") as folder:
        scratch = make_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        try:
            upgrade(scratch, manifest["schema_revision"])
            old_tables = sa.MetaData()
            old_tables.reflect(scratch)
            with scratch.begin() as connection:
                # As the migrations run: the tables a later revision derives (the rollup, the data version)
                # are not there yet, and the migrations that add them fill them.
                connection.execution_options(**{UNTRACKED: True})
                _insert_sections(connection, reader, manifest, dict(old_tables.tables))
            upgrade(scratch)
            migrated = io.BytesIO()
            write_backup(scratch, migrated, with_password_hashes=bool(manifest.get("password_hashes")))
        finally:
            scratch.dispose()
    migrated.seek(0)
    return restore_backup(engine, migrated, force=force)
