"""Demo metrics: twelve deterministic weeks with a visible trend, a creeping alert and a clear A/B winner."""

from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import EmailVariant, MetricDaily
from journey.measure import metrics, review
from journey.measure.weeks import Period, parse_week
from journey.plan import journeys
from journey.plan.demo_metrics import load_demo_metrics

TODAY = date(2026, 11, 23)  # a Monday: the data ends on Sunday 22 November (2026-W47)


@pytest.fixture
def demo(session):
    journey = journeys.create_journey(session, name="Demo", template="demo")
    rows = load_demo_metrics(session, journey.id, today=TODAY)
    return journey, rows


def test_twelve_weeks_for_every_email_ending_on_the_last_complete_week(session, demo):
    journey, rows = demo
    tree = journeys.load_tree(session, journey.id)
    assert rows >= len(tree.emails) * 84
    span = metrics.data_range(session, metrics.MetricFilter(journey_id=journey.id))
    assert span == Period(date(2026, 8, 31), date(2026, 11, 22))
    per_email = dict(
        session.execute(
            select(MetricDaily.email_id, func.count(func.distinct(MetricDaily.day))).group_by(
                MetricDaily.email_id
            )
        ).all()
    )
    assert set(per_email) == {e.id for e in tree.emails}
    assert set(per_email.values()) == {84}


def test_counts_obey_the_rules_an_import_would_check(session, demo):
    bad = session.execute(
        select(func.count()).where(
            (MetricDaily.delivered > MetricDaily.sent)
            | (MetricDaily.opens > MetricDaily.delivered)
            | (MetricDaily.clicks > MetricDaily.opens)
            | (MetricDaily.conversions > MetricDaily.clicks)
            | (MetricDaily.delivered != MetricDaily.sent - MetricDaily.bounces)
        )
    ).scalar_one()
    assert bad == 0


def test_consideration_clicks_improve_over_the_period(session, demo):
    journey, _ = demo
    weekly = [w for w in metrics.stage_weekly(session, journey.id) if w.name == "Consideration"]
    assert len(weekly) == 12
    first = sum((w.counts for w in weekly[:4]), metrics.Counts()).rate("click_rate")
    last = sum((w.counts for w in weekly[-4:]), metrics.Counts()).rate("click_rate")
    assert last > first * 1.4


def test_retention_unsubscribes_cross_the_alert_in_the_last_week(session, demo):
    journey, _ = demo
    weekly = review.weekly_review(session, journey.id, today=TODAY)
    assert weekly.week == "2026-W47"
    retention = next(s for s in weekly.stages if s.stage == "Retention")
    assert retention.rates["unsubscribe_rate"] > 0.005
    assert "unsubscribe_high" in [a.rule for a in retention.alerts]
    early = review.weekly_review(session, journey.id, "2026-W37")
    assert [a for a in early.alerts if a.rule == "unsubscribe_high"] == []


def test_one_subject_line_ab_test_with_a_significant_winner_last_week(session, demo):
    journey, _ = demo
    weekly = review.weekly_review(session, journey.id, today=TODAY)
    (test,) = weekly.ab_tests
    assert test.stage == "Awareness"
    assert test.verdict.winner == "B"
    assert test.verdict.test.p_value < 0.01
    labels = session.execute(
        select(EmailVariant.label).where(EmailVariant.email_id == test.email_id)
    ).scalars()
    assert sorted(labels) == ["A", "B"]
    assert test.subjects["B"]


def test_loading_again_replaces_rather_than_duplicates_and_is_deterministic(session, demo):
    journey, rows = demo
    before = metrics.report_rows(session, journey.id, parse_week("2026-W47"))
    assert load_demo_metrics(session, journey.id, today=TODAY) == rows
    count = session.execute(select(func.count()).select_from(MetricDaily)).scalar_one()
    assert count == rows
    assert metrics.report_rows(session, journey.id, parse_week("2026-W47")) == before
    variants = session.execute(select(func.count()).select_from(EmailVariant)).scalar_one()
    assert variants == 2


def test_a_journey_without_emails_gets_no_metrics(session):
    empty = journeys.create_journey(session, name="Empty", template="blank")
    assert load_demo_metrics(session, empty.id, today=TODAY) == 0
