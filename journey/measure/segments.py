"""One journey's week per segment, where imports carried a segment (metric_segment_daily): the weekly
review's "By segment" table.

A segment is a list, audience or segment as the ESP export names it (the generic `segment` column,
Klaviyo's `List` / `Audiences list`). Segments are compared in any case and spacing ("Trial users" and
"trial  users" are one), and a segment that is a persona's (Persona.segment) carries that persona's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlmodel import Session

from db.models import Email, MetricSegmentDaily, Persona, Stage
from journey.measure.metrics import COUNT_FIELDS, Counts, _to_counts
from journey.measure.weeks import Period

NO_SEGMENT = "(no segment)"  # rows of a file whose segment cell was left blank


@dataclass(frozen=True)
class SegmentWeek:
    """One segment's counts in the reviewed week and in the week before."""

    segment: str  # as the import wrote it ("" for rows left blank)
    personas: tuple[str, ...]  # the personas whose segment this is
    counts: Counts
    previous: Counts

    @property
    def label(self) -> str:
        """ "Trial users (Maya)": the segment, and its personas where it is theirs."""
        name = self.segment or NO_SEGMENT
        return f"{name} ({', '.join(self.personas)})" if self.personas else name


def segment_key(segment: str) -> str:
    """How segments are compared: any case, any spacing."""
    return " ".join(segment.split()).casefold()


def persona_names_by_segment(session: Session) -> dict[str, tuple[str, ...]]:
    """Segment (compared by segment_key) → the names of the personas in it, by name."""
    names: dict[str, list[str]] = {}
    for name, segment in session.execute(
        select(Persona.name, Persona.segment).where(Persona.segment != "").order_by(Persona.name)
    ):
        if segment_key(segment):
            names.setdefault(segment_key(segment), []).append(name)
    return {key: tuple(found) for key, found in names.items()}


def segment_weeks(session: Session, journey_id: int, period: Period) -> list[SegmentWeek]:
    """Each segment with data in `period` (the reviewed week), with its counts then and in the week
    before: the most delivered first. Empty when the week has no segment data."""
    previous = period.shifted(-1)
    table = MetricSegmentDaily
    this_week = sa.case((table.day.between(period.start, period.end), 0), else_=1).label("g_week")
    sums = [func.sum(getattr(table, f)).label(f) for f in COUNT_FIELDS]
    query = (
        select(table.segment, this_week, *sums)
        .join(Email, Email.id == table.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .where(Stage.journey_id == journey_id, table.day.between(previous.start, period.end))
        .group_by(table.segment, this_week)
    )
    found: dict[str, list] = {}  # segment key → [spelling, this week, the week before]
    for row in session.execute(query):
        entry = found.setdefault(segment_key(row.segment), [row.segment, Counts(), Counts()])
        entry[0] = min(entry[0], row.segment)  # one spelling, whichever order the database gives
        entry[1 + row.g_week] = entry[1 + row.g_week] + _to_counts(row[2:])  # the sums after the two keys
    if not found:
        return []
    personas = persona_names_by_segment(session)
    weeks = [
        SegmentWeek(segment, personas.get(key, ()) if key else (), now, before)
        for key, (segment, now, before) in found.items()
        if not now.is_empty
    ]
    return sorted(weeks, key=lambda s: (-s.counts.delivered, segment_key(s.segment)))
