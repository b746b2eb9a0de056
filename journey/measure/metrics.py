"""Metric counts and rates per email, variant, stage, journey and period, aggregated in SQL.

Rates follow ../shared/REFERENCE.md §2: every rate divides by delivered except
click-to-open (÷ opens) and bounce (÷ sent). A rate with nothing to divide by is
None (shown "–", null in JSON), never 0. Sums run in the database
(SUM … GROUP BY, filtered by the days asked for); Python only sees one row per group. Weeks are
ISO weeks (Monday first): their boundaries come from journey.measure.weeks and, where rows are grouped
by week, the database computes each row's Monday with `week_start()` (SQLite and PostgreSQL).

Whole weeks are summed from metric_weekly, the rollup every write keeps exact (db.rollups): a
period from a Monday to a Sunday, or no bounds at all, reads one row per email, variant and week
instead of seven. A period with a partial week at either end reads its whole weeks from the rollup
and the days at its ends from metric_daily; per-day groups always read metric_daily.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlmodel import Session

from db.models import (
    METRIC_COUNTS,
    METRIC_FIELDS,
    Email,
    Journey,
    JourneyPersona,
    MetricDaily,
    MetricWeekly,
    Stage,
)
from db.rollups import read_version
from db.rollups import week_start as week_start  # the SQL Monday of a day, for measure's users
from journey.core.text import format_rate as format_rate  # the one rate format, for measure's users
from journey.measure.time_zone import workspace_today
from journey.measure.weeks import Period, complete_weeks, iso_week_label, week_label, week_start_of
from journey.plan import journeys

COUNT_FIELDS = METRIC_FIELDS  # the counts of metric_daily, then revenue (read from the table)


@dataclass(frozen=True)
class RateDefinition:
    name: str
    label: str
    numerator: str
    denominator: str
    higher_is_better: bool
    help: str

    @property
    def formula(self) -> str:
        return f"{self.numerator} ÷ {self.denominator}"


RATE_DEFINITIONS: dict[str, RateDefinition] = {
    d.name: d
    for d in (
        RateDefinition(
            "open_rate",
            "Open rate",
            "opens",
            "delivered",
            True,
            "Unique opens ÷ delivered. Inflated by Apple Mail Privacy Protection: judge on clicks.",
        ),
        RateDefinition("click_rate", "Click rate", "clicks", "delivered", True, "Unique clicks ÷ delivered."),
        RateDefinition(
            "click_to_open_rate",
            "Click-to-open rate",
            "clicks",
            "opens",
            True,
            "Unique clicks ÷ unique opens: how well the content turns readers into clickers.",
        ),
        RateDefinition(
            "conversion_rate", "Conversion rate", "conversions", "delivered", True, "Conversions ÷ delivered."
        ),
        RateDefinition(
            "unsubscribe_rate",
            "Unsubscribe rate",
            "unsubscribes",
            "delivered",
            False,
            "Unsubscribes ÷ delivered.",
        ),
        RateDefinition(
            "bounce_rate",
            "Bounce rate",
            "bounces",
            "sent",
            False,
            "Bounces ÷ sent (delivered = sent − bounces).",
        ),
        RateDefinition(
            "complaint_rate",
            "Spam complaint rate",
            "complaints",
            "delivered",
            False,
            "Spam complaints ÷ delivered. Gmail and Yahoo require under 0.3 %; aim under 0.1 %.",
        ),
    )
}
RATE_NAMES = tuple(RATE_DEFINITIONS)


def rate(numerator: float, denominator: float) -> float | None:
    """A rate as a fraction, or None where it is undefined (nothing to divide by)."""
    return numerator / denominator if denominator else None


def relative_change(current: float | None, reference: float | None) -> float | None:
    """(current − reference) ÷ reference, or None when either is undefined or the reference is 0."""
    if current is None or reference is None or reference == 0:
        return None
    return (current - reference) / reference


def format_change(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:+.0f} %"


@dataclass(frozen=True)
class Counts:
    """Unique counts summed over some emails, variants and days."""

    sent: int = 0
    delivered: int = 0
    opens: int = 0
    machine_opens: int = 0
    clicks: int = 0
    conversions: int = 0
    unsubscribes: int = 0
    bounces: int = 0
    complaints: int = 0
    revenue: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f: getattr(self, f) + getattr(other, f) for f in COUNT_FIELDS})

    @property
    def is_empty(self) -> bool:
        return self.sent == 0 and self.delivered == 0

    def rate(self, name: str) -> float | None:
        definition = RATE_DEFINITIONS[name]
        return rate(getattr(self, definition.numerator), getattr(self, definition.denominator))

    @property
    def rates(self) -> dict[str, float | None]:
        return {name: self.rate(name) for name in RATE_NAMES}


# --- weeks in SQL ----------------------------------------------------------


# --- aggregation in SQL -------------------------------------------------------

GROUP_NAMES = ("journey", "stage", "email", "variant", "week", "day")


def _group_column(name: str, table: type[MetricDaily] | type[MetricWeekly]):
    if name == "journey":
        return Stage.journey_id
    if name == "stage":
        return Email.stage_id
    if name in ("email", "variant"):
        return getattr(table, "email_id" if name == "email" else "variant")
    if table is MetricWeekly:
        return MetricWeekly.week_start  # "day" never reads the rollup
    return week_start(MetricDaily.day) if name == "week" else MetricDaily.day


@dataclass(frozen=True)
class MetricFilter:
    """Which rows to sum: a journey (or the journeys a persona follows), stages, emails and days."""

    journey_id: int | None = None
    persona_id: int | None = None
    stage_ids: tuple[int, ...] | None = None
    email_ids: tuple[int, ...] | None = None
    start: date | None = None
    end: date | None = None
    labelled_variants_only: bool = False  # only A/B rows (variant != "")


def _to_counts(sums: Sequence[Any]) -> Counts:
    """Counts from a row's sums in COUNT_FIELDS order (the counts, then revenue; NULL is 0)."""
    *counts, revenue = sums
    return Counts(*(int(v) if v else 0 for v in counts), float(revenue) if revenue else 0.0)


def aggregate(
    session: Session,
    by: Sequence[str] = (),
    where: MetricFilter | None = None,
    periods: Sequence[Period] | None = None,
) -> list[tuple]:
    """Sums per group, computed in the database: a list of (group key tuple, Counts), in key order.

    `by` names the groups: journey, stage, email, variant, week (its Monday) or day. With
    `periods`, rows are also grouped by the index of the (non-overlapping) period they fall in,
    as the key's first item, in one query. Whole weeks read the weekly rollup (see the module doc).
    """
    where = where or MetricFilter()
    pieces = _pieces(by, where, periods)
    width = len(by) + (1 if periods else 0)
    sums: dict[tuple, Counts] = {}
    if session.autoflush:
        session.flush()  # what session.execute would do; the rows are read on its connection, without
    connection = session.connection()  # the ORM's row loading (a third of the time for thousands of groups)
    for piece, table in pieces:
        for row in connection.execute(aggregate_query(by, piece, periods, table=table)):
            if not width and row[0] is None:
                continue  # no row at all: SUM over nothing
            key = tuple(row[:width])
            counts = _to_counts(row[width:])
            sums[key] = sums[key] + counts if key in sums else counts
    if len(pieces) == 1:
        return list(sums.items())  # in the database's key order
    return sorted(sums.items(), key=lambda item: item[0])


def _whole_weeks(start: date | None, end: date | None) -> bool:
    return (start is None or start.isoweekday() == 1) and (end is None or end.isoweekday() == 7)


def _pieces(by: Sequence[str], where: MetricFilter, periods: Sequence[Period] | None) -> list[tuple]:
    """[(filter, table)] to sum and add up: the rollup for whole weeks, metric_daily for the rest."""
    if "day" in by:
        return [(where, MetricDaily)]
    if periods:
        aligned = _whole_weeks(where.start, where.end) and all(
            p.is_iso_week or _whole_weeks(p.start, p.end) for p in periods
        )
        return [(where, MetricWeekly if aligned else MetricDaily)]
    if _whole_weeks(where.start, where.end):
        return [(where, MetricWeekly)]
    if where.start is None or where.end is None:
        return [(where, MetricDaily)]
    first_monday = week_start_of(where.start + timedelta(days=6))
    last_sunday = week_start_of(where.end + timedelta(days=1)) - timedelta(days=1)
    if last_sunday < first_monday:
        return [(where, MetricDaily)]  # no whole week inside
    pieces = [(replace(where, start=first_monday, end=last_sunday), MetricWeekly)]
    if where.start < first_monday:
        pieces.append((replace(where, end=first_monday - timedelta(days=1)), MetricDaily))
    if last_sunday < where.end:
        pieces.append((replace(where, start=last_sunday + timedelta(days=1)), MetricDaily))
    return pieces


def aggregate_query(
    by: Sequence[str] = (),
    where: MetricFilter | None = None,
    periods: Sequence[Period] | None = None,
    *,
    table: type[MetricDaily] | type[MetricWeekly] | None = None,
) -> sa.Select:
    """The SELECT … SUM … GROUP BY that `aggregate` runs on `table` (default: the rollup when every
    bound is a whole week and no group is a day, else metric_daily)."""
    where = where or MetricFilter()
    unknown = [name for name in by if name not in GROUP_NAMES]
    if unknown:
        raise ValueError(f"Unknown grouping {unknown}; use {sorted(GROUP_NAMES)}")
    if table is None:
        pieces = _pieces(by, where, periods)
        table = pieces[0][1] if len(pieces) == 1 else MetricDaily
    day = table.week_start if table is MetricWeekly else table.day
    keys = [_group_column(name, table).label(f"g_{name}") for name in by]
    if periods:
        bucket = sa.case(
            *((day.between(p.start, p.end), index) for index, p in enumerate(periods)),
            else_=-1,
        )
        keys.insert(0, bucket.label("g_period"))
        where = replace(
            where,
            start=max(filter(None, (where.start, min(p.start for p in periods)))),
            end=min(filter(None, (where.end, max(p.end for p in periods)))),
        )
    sums = [func.sum(getattr(table, f)).label(f) for f in COUNT_FIELDS]
    query = _scoped(select(*keys, *sums).select_from(table), table, where, by)
    if keys:
        query = query.group_by(*keys).order_by(*keys)
    return query


def _scoped(query: sa.Select, table, where: MetricFilter, by: Sequence[str] = ()) -> sa.Select:
    """`query` over metric_daily or metric_weekly narrowed to `where` (joining emails and stages only
    when the filter or the groups need them)."""
    day = table.week_start if table is MetricWeekly else table.day
    needs_email = where.stage_ids is not None or any(n in ("stage", "journey") for n in by)
    needs_stage = where.journey_id is not None or where.persona_id is not None or "journey" in by
    if needs_email or needs_stage:
        query = query.join(Email, Email.id == table.email_id)
    if needs_stage:
        query = query.join(Stage, Stage.id == Email.stage_id)
    if where.journey_id is not None:
        query = query.where(Stage.journey_id == where.journey_id)
    if where.persona_id is not None:
        followers = select(JourneyPersona.journey_id).where(JourneyPersona.persona_id == where.persona_id)
        query = query.where(Stage.journey_id.in_(followers))
    if needs_stage and where.journey_id is None:  # across journeys: those in the bin are left out
        query = query.where(Stage.journey_id.in_(select(Journey.id).where(Journey.deleted_at.is_(None))))
    if where.stage_ids is not None:
        query = query.where(Email.stage_id.in_(list(where.stage_ids)))
    if where.email_ids is not None:
        query = query.where(table.email_id.in_(list(where.email_ids)))
    if where.start is not None:
        query = query.where(day >= (week_start_of(where.start) if table is MetricWeekly else where.start))
    if where.end is not None:
        query = query.where(day <= where.end)
    if where.labelled_variants_only:
        query = query.where(table.variant != "")
    return query


def total(session: Session, where: MetricFilter) -> Counts:
    rows = aggregate(session, (), where)
    return rows[0][1] if rows else Counts()


def data_range(session: Session, where: MetricFilter | None = None) -> Period | None:
    """The first and last day with metrics (for a journey, persona, stages…), or None when there are none.

    The first and last weeks come from the weekly rollup, then the days from metric_daily within
    those two weeks only: three small reads, however many days the journey has.
    """
    where = replace(
        where or MetricFilter(), start=None, end=None, email_ids=None, labelled_variants_only=False
    )
    weeks = _scoped(
        select(func.min(MetricWeekly.week_start), func.max(MetricWeekly.week_start)), MetricWeekly, where
    )
    first_week, last_week = session.execute(weeks).one()
    if first_week is None:
        return None
    first_week, last_week = _as_date(first_week), _as_date(last_week)
    first = session.execute(
        _scoped(
            select(func.min(MetricDaily.day)),
            MetricDaily,
            replace(where, start=first_week, end=first_week + timedelta(days=6)),
        )
    ).scalar()
    last = session.execute(
        _scoped(select(func.max(MetricDaily.day)), MetricDaily, replace(where, start=last_week))
    ).scalar()
    return Period(_as_date(first), _as_date(last))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- per stage, email and week ------------------------------------------------


@dataclass(frozen=True)
class StageMetrics:
    stage_id: int
    stage: str
    position: int
    counts: Counts

    @property
    def rates(self) -> dict[str, float | None]:
        return self.counts.rates


@dataclass(frozen=True)
class EmailMetrics:
    email_id: int
    email: str
    stage_id: int
    stage: str
    variant: str | None  # None: all variants together
    counts: Counts

    @property
    def rates(self) -> dict[str, float | None]:
        return self.counts.rates


@dataclass(frozen=True)
class WeekMetrics:
    week_start: date
    key: int | None  # a stage or email id (None: the whole journey)
    name: str
    position: int
    counts: Counts

    @property
    def week(self) -> str:
        return iso_week_label(self.week_start)

    @property
    def rates(self) -> dict[str, float | None]:
        return self.counts.rates


@dataclass(frozen=True)
class _Ref:
    id: int
    name: str


@dataclass(frozen=True)
class _Node:
    stage: _Ref
    emails: list[_Ref]


def _stages_in_order(
    session: Session, journey_id: int, stage_ids: Iterable[int] | None = None
) -> list[_Node]:
    """The journey's stages in order with their emails' ids and names: one light query, no ORM objects."""
    journeys.get_journey(session, journey_id)
    rows = session.execute(
        select(Stage.id, Stage.name, Email.id, Email.name)
        .select_from(Stage)
        .outerjoin(Email, Email.stage_id == Stage.id)
        .where(Stage.journey_id == journey_id)
        .order_by(Stage.position, Stage.id, Email.position, Email.id)
    ).all()
    wanted = set(stage_ids) if stage_ids is not None else None
    nodes: dict[int, _Node] = {}
    for stage_id, stage_name, email_id, email_name in rows:
        if wanted is not None and stage_id not in wanted:
            continue
        node = nodes.setdefault(stage_id, _Node(_Ref(stage_id, stage_name), []))
        if email_id is not None:
            node.emails.append(_Ref(email_id, email_name))
    return list(nodes.values())


def stage_metrics(
    session: Session,
    journey_id: int,
    period: Period | None = None,
    stage_ids: Sequence[int] | None = None,
) -> list[StageMetrics]:
    """Each stage of the journey in order with its counts (empty stages included, with zero counts)."""
    nodes = _stages_in_order(session, journey_id, stage_ids)
    where = MetricFilter(
        journey_id=journey_id,
        stage_ids=tuple(stage_ids) if stage_ids is not None else None,
        start=period.start if period else None,
        end=period.end if period else None,
    )
    sums = {key[0]: counts for key, counts in aggregate(session, ("stage",), where)}
    return [
        StageMetrics(node.stage.id, node.stage.name, index, sums.get(node.stage.id, Counts()))
        for index, node in enumerate(nodes)
    ]


def stage_metrics_by_period(
    session: Session,
    journey_id: int,
    periods: Sequence[Period],
    stage_ids: Sequence[int] | None = None,
) -> list[list[StageMetrics]]:
    """stage_metrics for several non-overlapping periods at once (one query): one list per period."""
    nodes = _stages_in_order(session, journey_id, stage_ids)
    where = MetricFilter(journey_id=journey_id, stage_ids=tuple(stage_ids) if stage_ids is not None else None)
    sums = {key: counts for key, counts in aggregate(session, ("stage",), where, periods)}
    return [
        [
            StageMetrics(node.stage.id, node.stage.name, index, sums.get((p, node.stage.id), Counts()))
            for index, node in enumerate(nodes)
        ]
        for p in range(len(periods))
    ]


def stage_weekly(
    session: Session,
    journey_id: int,
    period: Period | None = None,
    stage_ids: Sequence[int] | None = None,
) -> list[WeekMetrics]:
    """Counts per stage and ISO week (weeks with data only), in week then journey order."""
    nodes = _stages_in_order(session, journey_id, stage_ids)
    order = {node.stage.id: (index, node.stage.name) for index, node in enumerate(nodes)}
    where = MetricFilter(
        journey_id=journey_id,
        stage_ids=tuple(stage_ids) if stage_ids is not None else None,
        start=period.start if period else None,
        end=period.end if period else None,
    )
    rows = [
        WeekMetrics(_as_date(week), stage_id, order[stage_id][1], order[stage_id][0], counts)
        for (stage_id, week), counts in aggregate(session, ("stage", "week"), where)
        if stage_id in order
    ]
    return sorted(rows, key=lambda r: (r.week_start, r.position))


def email_metrics(
    session: Session,
    journey_id: int,
    period: Period | None = None,
    stage_ids: Sequence[int] | None = None,
    *,
    by_variant: bool = False,
    labelled_variants_only: bool = False,
) -> list[EmailMetrics]:
    """Each email of the journey (in journey order) with its counts; per variant when `by_variant`
    (only the A/B variants, not the "" rows, with `labelled_variants_only`)."""
    nodes = _stages_in_order(session, journey_id, stage_ids)
    where = MetricFilter(
        journey_id=journey_id,
        stage_ids=tuple(stage_ids) if stage_ids is not None else None,
        start=period.start if period else None,
        end=period.end if period else None,
        labelled_variants_only=labelled_variants_only,
    )
    if not by_variant:
        sums = {key[0]: counts for key, counts in aggregate(session, ("email",), where)}
        return [
            EmailMetrics(e.id, e.name, n.stage.id, n.stage.name, None, sums.get(e.id, Counts()))
            for n in nodes
            for e in n.emails
        ]
    per_variant: dict[int, list[tuple[str, Counts]]] = {}
    for (email_id, variant), counts in aggregate(session, ("email", "variant"), where):
        per_variant.setdefault(email_id, []).append((variant, counts))
    return [
        EmailMetrics(e.id, e.name, n.stage.id, n.stage.name, variant, counts)
        for n in nodes
        for e in n.emails
        for variant, counts in per_variant.get(e.id, [])
    ]


def email_weekly(
    session: Session,
    journey_id: int,
    period: Period | None = None,
    stage_ids: Sequence[int] | None = None,
) -> list[WeekMetrics]:
    """Counts per email and ISO week (weeks with data only)."""
    nodes = _stages_in_order(session, journey_id, stage_ids)
    emails = [e for n in nodes for e in n.emails]
    order = {e.id: (index, e.name) for index, e in enumerate(emails)}
    where = MetricFilter(
        journey_id=journey_id,
        stage_ids=tuple(stage_ids) if stage_ids is not None else None,
        start=period.start if period else None,
        end=period.end if period else None,
    )
    rows = [
        WeekMetrics(_as_date(week), email_id, order[email_id][1], order[email_id][0], counts)
        for (email_id, week), counts in aggregate(session, ("email", "week"), where)
        if email_id in order
    ]
    return sorted(rows, key=lambda r: (r.position, r.week_start))


def funnel(stages: Sequence[StageMetrics]) -> list[dict[str, Any]]:
    """Reached (delivered) → opened → clicked → converted, per stage, with each step's share of reached."""
    rows = []
    for stage in stages:
        c = stage.counts
        for step, (label, count) in enumerate(
            (
                ("Reached", c.delivered),
                ("Opened", c.opens),
                ("Clicked", c.clicks),
                ("Converted", c.conversions),
            )
        ):
            rows.append(
                {
                    "stage": stage.stage,
                    "stage_order": stage.position,
                    "step": label,
                    "step_order": step,
                    "count": count,
                    "share_of_reached": rate(count, c.delivered),
                }
            )
    return rows


# --- the CLI report and the journey map -------------------------------------

# What reports show (the CLI report, the review's tables and exports): every count but machine opens
# (a side count behind the machine-opens alert), and every rate but the complaint rate (an alert).
REPORT_COUNTS = tuple(name for name in METRIC_COUNTS if name != "machine_opens")
REPORT_RATES = tuple(name for name in RATE_NAMES if name != "complaint_rate")


def report_rows(session: Session, journey_id: int, period: Period) -> list[dict[str, Any]]:
    """Per stage in journey order: the counts and rates of `python -m journey report` (rates as fractions)."""
    rows = []
    for stage in stage_metrics(session, journey_id, period):
        row: dict[str, Any] = {"stage": stage.stage}
        row.update({name: getattr(stage.counts, name) for name in REPORT_COUNTS})
        row.update({name: stage.counts.rate(name) for name in REPORT_RATES})
        rows.append(row)
    return rows


FLAT_WITHIN = 0.02  # a relative change under 2 % counts as flat


@dataclass(frozen=True)
class StageRates:
    """A stage's rates in the last complete week with data, and which way each moved since the week before."""

    stage_id: int
    stage: str
    week: str  # "2026-W47"
    counts: Counts
    rates: dict[str, float | None]
    previous: dict[str, float | None]
    # "up", "down" or "flat" (within 2 % relative); None where either week has no rate to compare.
    direction: dict[str, str | None]
    label: str = ""  # the week's dates, "23–29 Nov", marked "in progress (N of 7 days)" while under way
    complete: bool = True  # False only when every metric of the journey is in the week in progress


def direction_of(current: float | None, previous: float | None) -> str | None:
    """ "up", "down" or "flat" (relative change within 2 %); None when there is nothing to compare."""
    if current is None or previous is None:
        return None
    if previous == 0:
        return "flat" if current == 0 else "up"
    change = (current - previous) / previous
    if abs(change) < FLAT_WITHIN:
        return "flat"
    return "up" if change > 0 else "down"


def latest_stage_rates(session: Session, journey_id: int, today: date | None = None) -> dict[int, StageRates]:
    """For the journey map and its checks: each stage's rates in the journey's last complete ISO week with
    data (as of `today`, default today in the workspace's time zone), and their direction since the week before.

    Only when all the journey's data is in the week in progress is that week used, marked (`complete` False,
    "in progress (N of 7 days)" in its label). Empty when the journey has no metrics. Stages without data
    that week are left out. Whether "up" is good depends on the rate: RATE_DEFINITIONS[name].higher_is_better.
    """
    span = data_range(session, MetricFilter(journey_id=journey_id))
    if span is None:
        return {}
    today = today or workspace_today(session)
    week = complete_weeks(span.end, today, 1, first_day=span.start)
    current = {s.stage_id: s for s in stage_metrics(session, journey_id, week)}
    previous = {s.stage_id: s for s in stage_metrics(session, journey_id, week.shifted(-1))}
    result = {}
    for stage_id, stage in current.items():
        if stage.counts.is_empty:
            continue
        now, before = stage.counts.rates, previous[stage_id].counts.rates
        result[stage_id] = StageRates(
            stage_id=stage_id,
            stage=stage.stage,
            week=iso_week_label(week.start),
            counts=stage.counts,
            rates=now,
            previous=before,
            direction={name: direction_of(now[name], before[name]) for name in RATE_NAMES},
            label=week_label(week.start, today=today),
            complete=week.is_complete(today),
        )
    return result


def total_counts(rows: Iterable[Any]) -> Counts:
    """The `.counts` of several stages (or emails, or weeks, or a review's stages) added up."""
    result = Counts()
    for row in rows:
        result = result + row.counts
    return result


def data_stamp(session: Session) -> tuple[str, ...]:
    """A stamp that changes whenever anything in the database does: metrics, settings, journeys, stages,
    emails, personas, snippets, notes.

    One primary-key read of data_version, which every committed write bumps in its own transaction
    (db.rollups), so a cache keyed on it shows an import or an edit from the app, the CLI or a teammate
    at once; plus this transaction's own writes not yet committed (0 in a read session), so a write
    session sees its own changes too.
    """
    version, uncommitted = read_version(session.connection())
    return (str(version), str(uncommitted))
