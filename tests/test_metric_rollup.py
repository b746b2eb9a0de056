"""The weekly rollup (metric_weekly) and the data version: exact after every kind of write.

The property: for random imports and re-imports (days replaced, weeks split across files, variants),
metric_weekly equals metric_daily summed per email, variant and week, and every weekly query (the
review's periods, stage and email weeks, the map's latest rates, A/B sums, a period with partial weeks)
gives the same result from the rollup as from metric_daily alone.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from metrics_import_support import make_onboarding
from sqlalchemy import delete, text, update
from sqlmodel import Session, select

from db.engine import read_scope
from db.models import MetricDaily
from journey.measure import metrics
from journey.measure.imports.importer import import_metrics
from journey.measure.weeks import Period, iso_week, week_start_of
from journey.plan import journeys

EMAILS = [
    ("Awareness", "Welcome 1", ""),
    ("Awareness", "Welcome 2", ""),
    ("Consideration", "Case study", "A"),
]
EMAILS += [("Consideration", "Case study", "B"), ("Retention", "Win-back", "")]
FIRST = date(2026, 10, 5)  # a Monday; days run over six weeks from here
HEADER = "date,stage,email,variant,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue\n"


def _csv(rows) -> io.BytesIO:
    lines = [HEADER]
    for (stage, email, variant), offset, sent, share, revenue in rows:
        delivered = sent - sent // 50
        opens = delivered * share // 100
        clicks = opens // 4
        lines.append(
            f"{FIRST + timedelta(days=offset)},{stage},{email},{variant},{sent},{delivered},{opens},{clicks},"
            f"{clicks // 3},{delivered // 200},{sent // 50},0,{revenue / 100:.2f}\n"
        )
    return io.BytesIO("".join(lines).encode())


# A file: some (email, day) rows, each once (the generic format refuses a day twice in one file).
FILE = st.dictionaries(
    st.tuples(st.sampled_from(EMAILS), st.integers(0, 41)),
    st.tuples(st.integers(0, 5000), st.integers(0, 100), st.integers(0, 99_999)),
    min_size=1,
    max_size=25,
).map(lambda rows: [(key[0], key[1], *values) for key, values in rows.items()])


def _rollup_and_daily(session: Session) -> tuple[list, list]:
    fields = ", ".join(f"SUM({f})" for f in metrics.COUNT_FIELDS)
    weekly = session.execute(
        text(
            f"SELECT email_id, variant, week_start, {fields} FROM metric_weekly GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        )
    ).all()
    daily = metrics.aggregate(session, ("email", "variant", "day"))
    per_week: dict[tuple, metrics.Counts] = {}
    for (email_id, variant, day), counts in daily:
        key = (email_id, variant, week_start_of(metrics._as_date(day)))
        per_week[key] = per_week[key] + counts if key in per_week else counts
    expected = [
        (*key, *(round(getattr(c, f), 6) for f in metrics.COUNT_FIELDS))
        for key, c in sorted(per_week.items())
    ]
    got = [
        (email_id, variant, metrics._as_date(week), *(round(float(v), 6) for v in values))
        for email_id, variant, week, *values in weekly
    ]
    return got, expected


def _weekly_queries(session: Session, journey_id: int) -> list:
    week = iso_week(FIRST + timedelta(weeks=4))
    partial = Period(FIRST + timedelta(days=2), FIRST + timedelta(days=30))  # Wednesday to a Thursday
    return [
        metrics.stage_metrics_by_period(
            session,
            journey_id,
            [week, week.shifted(-1), Period(week.shifted(-4).start, week.shifted(-2).end)],
        ),
        metrics.stage_weekly(session, journey_id),
        metrics.stage_weekly(session, journey_id, partial),
        metrics.email_weekly(session, journey_id, Period(FIRST, FIRST + timedelta(days=41))),
        metrics.email_metrics(session, journey_id, week, by_variant=True, labelled_variants_only=True),
        metrics.stage_metrics(session, journey_id, partial),
        metrics.latest_stage_rates(session, journey_id),
    ]


@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example runs imports on a database
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(files=st.lists(FILE, min_size=1, max_size=4))
def test_the_rollup_equals_the_days_after_random_imports_and_reimports(session, monkeypatch, files):
    session.execute(delete(MetricDaily))
    session.commit()
    existing = [j.id for j in journeys.list_journeys(session) if j.name == "Onboarding"]
    journey_id = existing[0] if existing else make_onboarding(session)
    for rows in files:
        result = import_metrics(session, journey_id, _csv(rows), format="generic")
        assert result.written, result.rejected
        session.commit()
        got, expected = _rollup_and_daily(session)
        assert got == expected
    from_rollup = _weekly_queries(session, journey_id)
    with monkeypatch.context() as patched:
        patched.setattr(metrics, "_pieces", lambda by, where, periods: [(where, MetricDaily)])
        from_days = _weekly_queries(session, journey_id)
    assert _cents(from_rollup) == _cents(from_days)


def _cents(value):
    """Results with every float rounded to 1e-6: revenue summed week by week and day by day differs
    in its last bits (float addition is not associative), never in cents."""
    if dataclasses.is_dataclass(value):
        return _cents(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {key: _cents(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_cents(item) for item in value]
    return round(value, 6) if isinstance(value, float) else value


@pytest.fixture
def onboarding(session) -> int:
    journey_id = make_onboarding(session)
    import_metrics(session, journey_id, _csv([(EMAILS[0], 0, 100, 40, 0), (EMAILS[2], 8, 200, 30, 500)]))
    session.commit()
    return journey_id


def _weeks(session: Session) -> list[tuple]:
    return _rollup_and_daily(session)[0]


def test_the_rollup_follows_orm_edits_core_updates_and_deletes_in_the_same_transaction(session, onboarding):
    welcome = session.execute(text("SELECT id FROM email WHERE name = 'Welcome 1'")).scalar()
    row = session.exec(select(MetricDaily).where(MetricDaily.email_id == welcome)).one()
    row.sent, row.delivered = 500, 490
    session.flush()
    assert [w[3:5] for w in _weeks(session) if w[0] == welcome] == [(500, 490)]  # read before commit
    session.execute(update(MetricDaily).where(MetricDaily.email_id == welcome).values(opens=7))
    assert [w[5] for w in _weeks(session) if w[0] == welcome] == [7]
    session.add(MetricDaily(email_id=welcome, day=FIRST + timedelta(days=1), sent=10, delivered=10))
    session.commit()
    assert [w[3] for w in _weeks(session) if w[0] == welcome] == [510]
    session.delete(row)
    session.commit()
    assert [w[3] for w in _weeks(session) if w[0] == welcome] == [10]
    got, expected = _rollup_and_daily(session)
    assert got == expected


def test_a_rolled_back_import_leaves_the_rollup_and_the_version_as_they_were(session, engine, onboarding):
    before = (_weeks(session), metrics.data_stamp(session))
    session.commit()
    import_metrics(session, onboarding, _csv([(EMAILS[0], 0, 999, 10, 0), (EMAILS[4], 20, 50, 10, 0)]))
    assert _weeks(session) != before[0]
    session.rollback()
    assert (_weeks(session), metrics.data_stamp(session)) == before


def test_deleting_an_email_takes_its_weeks_with_it(session, onboarding):
    case_study = session.execute(text("SELECT id FROM email WHERE name = 'Case study'")).scalar()
    journeys.delete_email(session, case_study)
    session.commit()
    assert [w for w in _weeks(session) if w[0] == case_study] == []


# --- the data version: one indexed read, changed by every kind of committed write ----------------


def _stamp(engine) -> tuple:
    with read_scope(engine) as reader:
        return metrics.data_stamp(reader)


def test_the_stamp_is_one_primary_key_read(session):
    bind = session.get_bind()
    statements: list[str] = []
    from sqlalchemy import event

    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(bind, "before_cursor_execute", listener)
    try:
        metrics.data_stamp(session)
    finally:
        event.remove(bind, "before_cursor_execute", listener)
    statements = [sql for sql in statements if not sql.startswith("BEGIN")]
    assert len(statements) == 1
    assert "FROM data_version WHERE data_version.id" in " ".join(statements[0].split())


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda s, j: import_metrics(s, j, _csv([(EMAILS[1], 3, 80, 20, 0)])), id="metric-import"
        ),
        pytest.param(lambda s, j: journeys.add_stage(s, j, name="Advocacy"), id="journey-edit"),
        pytest.param(
            lambda s, j: s.execute(text("UPDATE setting SET version = version WHERE key = 'none'")),
            id="raw-sql-statement",
        ),
        pytest.param(lambda s, j: s.execute(delete(MetricDaily)), id="core-delete"),
    ],
)
def test_every_committed_write_changes_the_stamp_a_reader_sees_and_a_rollback_does_not(
    engine, session, onboarding, write
):
    before = _stamp(engine)
    with Session(engine) as teammate:  # another connection: the CLI, a teammate's app
        write(teammate, onboarding)
        teammate.rollback()
    assert _stamp(engine) == before
    with Session(engine) as teammate:
        write(teammate, onboarding)
        teammate.commit()
    after = _stamp(engine)
    assert after != before
    assert _stamp(engine) == after  # reads change nothing


def test_raw_sql_on_metric_daily_rebuilds_the_rollup(session, onboarding):
    session.execute(text("UPDATE metric_daily SET sent = sent + 1"))
    session.commit()
    got, expected = _rollup_and_daily(session)
    assert got == expected
    assert sum(row[3] for row in got) == 302  # 100 + 200 sent, each day one more
