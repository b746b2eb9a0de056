"""Versioned updates: the optimistic-concurrency write every editable row goes through."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import Session, SQLModel

from db.models import utcnow


def update_versioned(
    session: Session, model: type[SQLModel], row_id: int, expected_version: int, values: dict[str, Any]
) -> int | None:
    """UPDATE … WHERE id = ? AND version = ?; the new version, or None when the row was stale or gone."""
    table = model.__table__
    result = session.execute(
        update(table)
        .where(table.c.id == row_id, table.c.version == expected_version)
        .values(**values, version=table.c.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        return None
    # Keep identity-map copies in step with the row we just wrote.
    cached = session.get(model, row_id, populate_existing=True)
    return cached.version if cached is not None else expected_version + 1
