"""The journey bin: a deleted journey is kept, hidden, for BIN_DAYS days, then deleted for good.

    bin_journey(session, id)           move a journey to the bin (journeys.delete_journey does this)
    list_bin(session, now=None)        the binned journeys, newest first, with who, when and days left
    restore_journey(session, id)       back out of the bin, as it was (owners only)
    delete_for_good(session, id)       delete a binned journey now (owners only)
    purge_bin(session, now=None)       delete for good what has been in the bin BIN_DAYS days or more (owners)

A binned journey keeps its rows (stages, emails, variants, history, metrics, notes) and gains
`deleted_at` and `deleted_by`; every read of journeys leaves it out (journeys.LIVE: the list, every
picker, the default journey, the map, checks, review, metrics, exports, the CLI), and reaching it, or
one of its stages or emails, by id is "not found" (journeys.get_journey, get_stage, get_email).
Its name stays taken while it is in the bin (the table's unique constraint covers it): a new journey
of that name is refused with a message pointing at the bin, so restoring one never clashes.
Backups carry binned journeys like any row, so a restore keeps the bin.

The clock is journey.measure.weeks.utc_now (tests freeze it there). The app purges at start
(ui.db._engine_for), and `python -m journey bin purge` does on demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from db import audit
from db.models import Journey
from journey.core.access import Role, actor_of, require
from journey.core.errors import NotFound
from journey.measure import weeks
from journey.plan import journeys

BIN_DAYS = 30


@dataclass(frozen=True)
class BinItem:
    id: int
    name: str
    deleted_at: datetime
    deleted_by: str
    days_left: int  # whole days until it is purged (0: it goes at the next purge)
    stages: int
    emails: int


def _now(now: datetime | None) -> datetime:
    return (now or weeks.utc_now()).replace(microsecond=0)


def bin_journey(session: Session, journey_id: int, *, now: datetime | None = None) -> None:
    """Move a live journey to the bin, saying who did it and when."""
    require(session, Role.editor)
    journey = journeys.get_journey(session, journey_id)
    _mark(session, journey, "deleted", "", deleted_at=_now(now), deleted_by=actor_of(session).label[:200])


def _mark(session: Session, journey: Journey, action: str, summary: str, **values) -> None:
    """Set the bin's columns, moving the journey's version on (a form opened before is stale after), and
    log it in the activity log as `action` (db.audit): one UPDATE, not an edit of the journey's fields."""
    session.flush()
    session.execute(
        update(Journey)
        .where(Journey.id == journey.id)
        .values(
            **values,
            version=Journey.version + 1,
            updated_at=_now(None),
            updated_by=audit.actor_label(session),
        )
        .execution_options(synchronize_session="fetch")
    )
    session.refresh(journey)
    audit.record(
        session,
        audit.Entry(
            kind="journey",
            action=action,
            object_id=str(journey.id),
            object_name=journey.name[:300],
            journey_id=journey.id,
            summary=summary,
        ),
    )


def _binned(session: Session, journey_id: int) -> Journey:
    # An id no database column holds (the CLI's `bin restore 99999999999999999999`) is simply not there.
    journey = session.get(Journey, journey_id) if 0 < journey_id < 2**63 else None
    if journey is None or journey.deleted_at is None:
        raise NotFound("That journey is not in the bin: it may have been restored or deleted meanwhile.")
    return journey


def days_left(deleted_at: datetime, now: datetime) -> int:
    left = deleted_at + timedelta(days=BIN_DAYS) - now
    return max(0, left.days + (1 if left.seconds or left.microseconds else 0))


def list_bin(session: Session, now: datetime | None = None) -> list[BinItem]:
    """The journeys in the bin, most recently deleted first."""
    now = _now(now)
    rows = journeys.journeys_with_counts(
        session, Journey.deleted_at.is_not(None), Journey.deleted_at.desc(), Journey.id.desc()
    )
    return [
        BinItem(j.id, j.name, j.deleted_at, j.deleted_by, days_left(j.deleted_at, now), stages, emails)
        for j, stages, emails in rows
    ]


def restore_journey(session: Session, journey_id: int) -> Journey:
    """Take a journey out of the bin, with everything it had (owners only)."""
    require(session, Role.owner)
    journey = _binned(session, journey_id)
    _mark(session, journey, "restored", "from the bin", deleted_at=None, deleted_by="")
    return journey


def delete_for_good(session: Session, journey_id: int) -> str:
    """Delete a binned journey now, with its stages, emails, metrics and notes (owners only); its name."""
    require(session, Role.owner)
    name = _binned(session, journey_id).name
    journeys.erase_journey(session, journey_id)
    return name


def purge_bin(session: Session, now: datetime | None = None) -> list[str]:
    """Delete for good every journey binned BIN_DAYS days ago or more; their names (an owner's task: the
    app runs it at start, as the local owner, and the CLI)."""
    require(session, Role.owner)
    cutoff = _now(now) - timedelta(days=BIN_DAYS)
    expired = list(
        session.execute(select(Journey).where(Journey.deleted_at.is_not(None), Journey.deleted_at <= cutoff))
        .scalars()
        .all()
    )
    names = [(journey.id, journey.name) for journey in expired]
    for journey_id, _ in names:
        journeys.erase_journey(session, journey_id)
    return [name for _, name in names]
