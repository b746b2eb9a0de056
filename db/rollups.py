"""What every write keeps exact in its own transaction: the data version and the weekly rollup.

- `data_version`, one row: every transaction that ran an INSERT, UPDATE or DELETE bumps it just before
  it commits (a rolled-back one does not), so a cache keyed on it (ui.loaders.data_key) sees every
  import and every edit, from the app, the CLI or a teammate, with one primary-key read.
- `metric_weekly`, metric_daily summed per email, variant and ISO week: every write to metric_daily
  marks the emails and weeks it touched, and those weekly rows are recomputed from metric_daily (DELETE,
  then INSERT … SELECT … GROUP BY) before the transaction commits, or earlier when the same transaction
  reads metric_weekly. A re-import that replaces days therefore leaves the rollup exact.

How: SQLAlchemy connection events on every Engine, so no writer can forget them. An INSERT of
metric_daily rows marks their (email, week) from its parameters (ORM flushes, `insert(...)` with rows);
an UPDATE or DELETE first selects the rows its WHERE clause matches. A writer that bypasses SQLAlchemy's
statements (the importer's executemany of plain tuples, PostgreSQL's COPY) marks what it wrote itself
with `mark_days` and runs its statements with the execution option `MARKED`. A statement whose rows
cannot be known (an INSERT … SELECT, or raw SQL text, without MARKED) marks the whole rollup for a
rebuild: slow, never wrong.

On PostgreSQL the settle bumps the version row first: its row lock orders concurrent writers' settles,
so each one's INSERT … SELECT (a new READ COMMITTED snapshot) sees the days the previous one committed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.dml import Delete, Insert, Update
from sqlalchemy.sql.expression import FunctionElement

from db.models import METRIC_FIELDS, DataVersion, MetricDaily, MetricWeekly

WRITES = "journey_writes"  # Connection.info: INSERT/UPDATE/DELETE statements run in the open transaction
PENDING = "journey_weeks"  # Connection.info: {email id: [first Monday, last Monday]} to recompute, or ALL
MARKED = "journey_rollup_marked"  # execution option: the statement's writer called mark_days itself
UNTRACKED = "journey_untracked"  # execution option of a connection that neither bumps nor marks (migrations)
ALL = "all"
CHUNK = 500  # emails per recompute statement (well under every driver's parameter limit)
_DML = ("INSERT", "UPDATE", "DELETE")
_KEYS = ("email_id", "variant", "day")


class week_start(FunctionElement):  # noqa: N801 - a SQL function
    """The Monday of a date's ISO week, computed by the database."""

    type = sa.Date()
    name = "week_start"
    inherit_cache = True


@compiles(week_start)
def _week_start_default(element, compiler, **kw) -> str:
    return f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(week_start, "sqlite")
def _week_start_sqlite(element, compiler, **kw) -> str:
    # The next Sunday (or the day itself), then back six days: the ISO week's Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- the data version ---------------------------------------------------------------------------


def read_version(connection: sa.Connection) -> tuple[int, int]:
    """(the committed data version, the writes this transaction has run and not yet committed)."""
    version = connection.execute(sa.select(DataVersion.counter).where(DataVersion.id == 1)).scalar()
    return int(version or 0), connection.info.get(WRITES, 0)


def _bump(connection: sa.Connection) -> None:
    connection.exec_driver_sql(
        "INSERT INTO data_version (id, counter) VALUES (1, 1) "
        "ON CONFLICT (id) DO UPDATE SET counter = data_version.counter + 1"
    )


# --- marking what a write touched ---------------------------------------------------------------


def mark_days(connection: sa.Connection, days: Iterable[tuple[int, date]]) -> None:
    """Mark the weeks of these (email id, day) for recomputing before the transaction commits."""
    pending = connection.info.setdefault(PENDING, {})
    if pending == ALL:
        return
    for email_id, day in days:
        week = monday(day)
        span = pending.get(email_id)
        if span is None:
            pending[email_id] = [week, week]
        elif week < span[0]:
            span[0] = week
        elif week > span[1]:
            span[1] = week


def _mark_all(connection: sa.Connection) -> None:
    connection.info[PENDING] = ALL


def _as_day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _param_sets(multiparams, params) -> list[dict]:
    if multiparams:
        return [p for p in multiparams if isinstance(p, dict)] or [{}]
    return [params or {}]


def _mark_insert(connection, statement: Insert, multiparams, params) -> None:
    if statement.select is not None:
        _mark_all(connection)
        return
    days = []
    for values in _param_sets(multiparams, params):
        if statement._values:  # values given to .values() (bound parameters), not at execution
            given = {getattr(k, "key", k): getattr(v, "value", v) for k, v in statement._values.items()}
            values = {**given, **values}
        email_id, day = values.get("email_id"), values.get("day")
        if not isinstance(email_id, int) or day is None or hasattr(day, "compile"):
            _mark_all(connection)
            return
        days.append((email_id, _as_day(day)))
    mark_days(connection, days)


def _mark_matched(connection, statement: Update | Delete, multiparams, params) -> None:
    """The rows an UPDATE or DELETE is about to change, read with its own WHERE clause."""
    if isinstance(statement, Update) and any(
        getattr(k, "key", k) in ("email_id", "day")
        for k in (statement._values or {})  # the columns its .values() set
    ):
        _mark_all(connection)  # rows move to other emails or weeks: rebuild
        return
    table = MetricDaily.__table__
    query = sa.select(table.c.email_id, table.c.day)
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    for values in _param_sets(multiparams, params):
        if isinstance(statement, Update) and ({"email_id", "day"} & set(values)):
            _mark_all(connection)
            return
        rows = connection.execute(query, values).all()
        mark_days(connection, ((e, _as_day(d)) for e, d in rows))


def _reads_rollup(statement) -> bool:
    if isinstance(statement, str | sa.TextClause):
        return "metric_weekly" in (statement if isinstance(statement, str) else statement.text)
    if not isinstance(statement, sa.sql.Select):
        return False
    return any(getattr(t, "name", None) == "metric_weekly" for t in sql_util.find_tables(statement))


@event.listens_for(Engine, "before_execute")
def _before_execute(connection, statement, multiparams, params, execution_options) -> None:
    if connection.get_execution_options().get(UNTRACKED):
        return
    if isinstance(statement, (Insert, Update, Delete)):
        if getattr(statement.table, "name", None) != "metric_daily":
            return
        if execution_options.get(MARKED) or connection.get_execution_options().get(MARKED):
            return
        if isinstance(statement, Insert):
            _mark_insert(connection, statement, multiparams, params)
        else:
            _mark_matched(connection, statement, multiparams, params)
    elif isinstance(statement, str | sa.TextClause):
        sql = statement if isinstance(statement, str) else statement.text
        if sql.lstrip()[:6].upper() in _DML and "metric_daily" in sql:
            if not (execution_options.get(MARKED) or connection.get_execution_options().get(MARKED)):
                _mark_all(connection)  # raw SQL on metric_daily: its rows cannot be known, rebuild
        elif connection.info.get(PENDING) and _reads_rollup(statement):
            settle(connection)
    elif connection.info.get(PENDING) and _reads_rollup(statement):
        settle(connection)


@event.listens_for(Engine, "before_cursor_execute")
def _count_writes(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    if statement.lstrip()[:6].upper() in _DML:
        connection.info[WRITES] = connection.info.get(WRITES, 0) + 1


@event.listens_for(Engine, "commit")
def _before_commit(connection) -> None:
    try:
        untracked = connection.get_execution_options().get(UNTRACKED)
        if not untracked and (connection.info.get(PENDING) or connection.info.get(WRITES)):
            settle(connection)
    finally:
        connection.info.pop(PENDING, None)
        connection.info.pop(WRITES, None)


@event.listens_for(Engine, "rollback")
def _after_rollback(connection) -> None:
    connection.info.pop(PENDING, None)
    connection.info.pop(WRITES, None)


# --- recomputing the weekly rows ----------------------------------------------------------------


def settle(connection: sa.Connection) -> None:
    """Bump the data version, then recompute every marked weekly row from metric_daily."""
    pending = connection.info.pop(PENDING, None)
    _bump(connection)
    if not pending:
        return
    weekly, daily = MetricWeekly.__table__, MetricDaily.__table__
    week = week_start(daily.c.day)
    sums = [sa.func.sum(daily.c[name]) for name in METRIC_FIELDS]
    columns = ["email_id", "variant", "week_start", *METRIC_FIELDS]
    options = {MARKED: True}
    if pending == ALL:
        connection.execute(weekly.delete(), execution_options=options)
        query = sa.select(daily.c.email_id, daily.c.variant, week, *sums).group_by(
            daily.c.email_id, daily.c.variant, week
        )
        connection.execute(weekly.insert().from_select(columns, query), execution_options=options)
        return
    emails = sorted(pending.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    for start in range(0, len(emails), CHUNK):
        chunk = emails[start : start + CHUNK]
        ids = [email_id for email_id, _span in chunk]
        first = min(span[0] for _e, span in chunk)
        last = max(span[1] for _e, span in chunk)
        connection.execute(
            weekly.delete().where(weekly.c.email_id.in_(ids), weekly.c.week_start.between(first, last)),
            execution_options=options,
        )
        query = (
            sa.select(daily.c.email_id, daily.c.variant, week, *sums)
            .where(daily.c.email_id.in_(ids), daily.c.day.between(first, last + timedelta(days=6)))
            .group_by(daily.c.email_id, daily.c.variant, week)
        )
        connection.execute(weekly.insert().from_select(columns, query), execution_options=options)
