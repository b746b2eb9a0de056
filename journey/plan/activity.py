"""Who changed what: the activity log's reads, the explicit import records and the stale save's details.

The log itself is written by db.audit in the transaction of every change (session events, and
db.crud.update_versioned), so no service can forget it; this module adds what cannot be seen from a row:

    record_import(session, …)   an import (metrics file, journey JSON file): one "imported" row that
                                counts what the import created in the same transaction
    stale_edit(session, model, id, what)   the StaleEdit for a stale save: who saved first, when, and the
                                row's current values (the page's "Reload their version" and "Compare")
    list_activity(session, filters, limit, offset) / count_activity / activity_actors   the log's reads
    activity_table(rows)        the rows as plain dicts for a table or the CSV download
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db import audit
from db.models import ACTIVITY_ACTIONS, ACTIVITY_KINDS, Activity
from journey.core.errors import StaleEdit

KINDS = ACTIVITY_KINDS
ACTIONS = ACTIVITY_ACTIONS
KIND_LABELS = {
    "journey": "Journey",
    "stage": "Stage",
    "email": "Email",
    "persona": "Persona",
    "variant": "A/B variant",
    "snippet": "Snippet",
    "import": "Import",
    "note": "Weekly note",
    "setting": "Setting",
}
PAGE_SIZE = 50


@dataclass(frozen=True)
class ActivityFilter:
    """What the log shows: all of it, or one journey, one person (their email), one kind, a date range."""

    journey_id: int | None = None
    actor: str | None = None
    kind: str | None = None
    start: date | None = None  # inclusive, UTC days
    end: date | None = None  # inclusive


def record_import(
    session: Session,
    *,
    kind: str,
    name: str,
    journey_id: int | None = None,
    object_id: Any = "",
    summary: str = "",
) -> None:
    """One "imported" row for this transaction's import (written at its commit, gone with its rollback);
    it takes in the rows the transaction created ("with 5 stages, 19 emails")."""
    audit.record(
        session,
        audit.Entry(
            kind=kind,
            action="imported",
            object_id=str(object_id),
            object_name=name,
            journey_id=journey_id,
            summary=summary,
            absorbs_created=True,
        ),
    )


def _zone(session: Session):
    from journey.measure.time_zone import load_time_zone  # the workspace's clock, for "at 09:41"

    return load_time_zone(session).zone  # always a known zone: load_time_zone falls back to UTC


def stale_edit(session: Session, model: type, row_id: Any, what: str) -> StaleEdit:
    """The refusal of a stale save of `model` row `row_id`: who saved it first and when, with its current
    values and version; the plain message when the row is gone or nobody is recorded (before 0009)."""
    table = model.__table__
    (key,) = table.primary_key.columns
    row = session.execute(sa.select(table).where(key == row_id)).mappings().first()
    if row is None:
        return StaleEdit.of(what)
    current = {name: row[name] for name in audit.fields_of(model)}
    at = row["updated_at"]
    at = at if at is None or at.tzinfo else at.replace(tzinfo=UTC)
    by = row.get("updated_by") or ""
    return StaleEdit.of(what, by=by, at=at, current=current, version=row["version"], zone=_zone(session))


def _where(filters: ActivityFilter) -> list:
    clauses = []
    if filters.journey_id is not None:
        clauses.append(Activity.journey_id == filters.journey_id)
    if filters.actor:
        clauses.append(Activity.actor == filters.actor)
    if filters.kind:
        clauses.append(Activity.kind == filters.kind)
    if filters.start is not None:
        clauses.append(Activity.at >= datetime.combine(filters.start, time(), UTC))
    if filters.end is not None:
        clauses.append(Activity.at < datetime.combine(filters.end + timedelta(days=1), time(), UTC))
    return clauses


def list_activity(
    session: Session, filters: ActivityFilter = ActivityFilter(), *, limit: int = PAGE_SIZE, offset: int = 0
) -> list[Activity]:
    """The log, newest first, `limit` rows from `offset` (a page of it: never the whole table)."""
    query = (
        sa.select(Activity)
        .where(*_where(filters))
        .order_by(Activity.at.desc(), Activity.id.desc())
        .limit(max(1, min(limit, 5_000)))
        .offset(max(0, offset))
    )
    return list(session.execute(query).scalars())


def count_activity(session: Session, filters: ActivityFilter = ActivityFilter()) -> int:
    return session.execute(sa.select(sa.func.count(Activity.id)).where(*_where(filters))).scalar() or 0


def activity_actors(session: Session) -> dict[str, str]:
    """Everyone in the log: email → their latest label, for the "who" filter (one row per person)."""
    people = (
        sa.select(sa.func.min(Activity.id).label("first"), sa.func.max(Activity.id).label("latest"))
        .group_by(Activity.actor)
        .subquery()
    )
    rows = session.execute(  # in the order they first appear in the log
        sa.select(Activity.actor, Activity.actor_name)
        .join(people, people.c.latest == Activity.id)
        .order_by(people.c.first)
    ).all()
    return {actor: name or actor for actor, name in rows}


def activity_table(rows: list[Activity]) -> list[dict[str, Any]]:
    """Plain rows for the page's table and its CSV download (text a spreadsheet cannot run: the
    download escapes formulas)."""
    return [
        {
            "When (UTC)": row.at.strftime("%Y-%m-%d %H:%M"),
            "Who": row.actor_name or row.actor,
            "Kind": KIND_LABELS.get(row.kind, row.kind),
            "Action": row.action,
            "What": row.object_name,
            "Changes": row.summary,
            "Journey id": row.journey_id,
        }
        for row in rows
    ]
