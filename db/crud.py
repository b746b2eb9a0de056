"""Versioned updates (the optimistic-concurrency write every editable row goes through) and name checks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlmodel import Session, SQLModel

from db import audit
from db.models import Setting, utcnow


def update_versioned(
    session: Session,
    model: type[SQLModel],
    row_id: Any,
    expected_version: int,
    values: dict[str, Any],
    *,
    action: str = "changed",
) -> int | None:
    """UPDATE … WHERE <primary key> = ? AND version = ?; the new version, or None when the row was stale or gone.

    The one optimistic-concurrency write: every editable table (personas, journeys, stages, emails,
    variants, weekly notes, settings) saves through it. With no `values` nothing is written, but the
    version is still checked (a save that changes nothing is refused when stale all the same).
    It stamps `updated_by` with the session's actor and records the change in the activity log
    (db.audit: the fields whose values changed; `action` "restored" for a restore of an old version).
    """
    table = model.__table__
    (key,) = table.primary_key.columns
    where = (key == row_id, table.c.version == expected_version)
    before = session.execute(select(table).where(*where)).mappings().first()
    if before is None:
        return None
    if not values:
        return expected_version
    result = session.execute(
        update(table)
        .where(*where)
        .values(
            **values,
            version=table.c.version + 1,
            updated_at=utcnow(),
            updated_by=audit.actor_label(session),
        )
    )
    if result.rowcount != 1:
        return None
    changed = [name for name in audit.fields_of(model) if name in values and values[name] != before[name]]
    audit.record_change(session, model, {**before, **values}, changed, action)
    # Keep identity-map copies in step with the row we just wrote.
    cached = session.get(model, row_id, populate_existing=True)
    return cached.version if cached is not None else expected_version + 1


def save_setting(session: Session, key: str, value: dict[str, Any], expected_version: int) -> bool:
    """Save the workspace Setting `key` (thresholds, the brand, the time zone…) made against
    `expected_version` (0 for a first save); False, writing nothing, when a teammate saved it in between."""
    setting = session.get(Setting, key)
    if setting is None and expected_version == 0:
        session.add(Setting(key=key, value=value))
        session.flush()
        return True
    return (
        setting is not None
        and update_versioned(session, Setting, key, expected_version, {"value": value}) is not None
    )


def name_taken(
    session: Session, model: type[SQLModel], name: str, *, exclude_id: int | None = None, where=()
) -> bool:
    """True when another row of `model` (within `where`) already has `name`, whatever its case."""
    table = model.__table__
    query = select(table.c.id).where(func.lower(table.c.name) == name.lower(), *where)
    if exclude_id is not None:
        query = query.where(table.c.id != exclude_id)
    return session.execute(query.limit(1)).first() is not None
