"""Complete weeks by default (issue 11, point 1): with the clock frozen on a Tuesday and metrics in the
current, two-day-old week and in the weeks before, the map's latest rates, the journey checks and the
review's default use the last complete week, and the week in progress is labelled wherever it appears.

The week in progress is made to look alarming (2 % unsubscribes, no conversions, few clicks) and the
complete weeks steady, so any of them reading the week in progress fails the test.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from support import in_db, make_journey, run_page, texts

from db.models import MetricDaily
from journey.measure import review, weeks
from journey.measure.metrics import latest_stage_rates
from journey.plan.checks import check_journey
from journey.plan.maps import map_view

TUESDAY = datetime(2026, 6, 16, 9, 0, tzinfo=UTC)  # ISO week 2026-W25 (15–21 Jun) is two days old
IN_PROGRESS, LAST_COMPLETE = "2026-W25", "2026-W24"  # 8–14 Jun
FIRST_DAY = date(2026, 5, 4)  # Monday of 2026-W19: six complete weeks of data before this one
STEADY = {"sent": 1000, "delivered": 1000, "opens": 400, "clicks": 80, "conversions": 20, "unsubscribes": 1}
ALARMING = {"sent": 1000, "delivered": 1000, "opens": 300, "clicks": 20, "conversions": 0, "unsubscribes": 20}


@pytest.fixture
def tuesday(monkeypatch):
    """The app's one clock (journey.measure.weeks.utc_now) stopped on Tuesday 16 June 2026, 09:00 UTC."""
    monkeypatch.setattr(weeks, "utc_now", lambda: TUESDAY)
    return TUESDAY.date()


def seed(session) -> int:
    """Welcome (Hello) and Buy (Cart): steady every day of 2026-W19 to W24, alarming on Monday and Tuesday."""
    made = make_journey(session, "Weekly", stages={"Welcome": ["Hello"], "Buy": ["Cart"]})
    day = FIRST_DAY
    while day <= TUESDAY.date():
        counts = STEADY if day < date(2026, 6, 15) else ALARMING
        session.add_all(
            MetricDaily(email_id=e.id, day=day, variant="", **counts) for e in made.emails.values()
        )
        day += timedelta(days=1)
    session.flush()
    return made.id


# --- the services, on each backend ------------------------------------------------------------------


def test_on_a_tuesday_the_map_checks_and_review_use_the_last_complete_week(session, tuesday):
    journey_id = seed(session)

    rates = latest_stage_rates(session, journey_id)
    assert {r.week for r in rates.values()} == {LAST_COMPLETE}
    assert {r.label for r in rates.values()} == {"8–14 Jun"}
    assert all(r.complete for r in rates.values())
    assert {r.rates["unsubscribe_rate"] for r in rates.values()} == {0.001}
    assert [s.rates.week for s in map_view(session, journey_id).map.stages] == ["8–14 Jun", "8–14 Jun"]

    assert "unsubscribe-rate-high" not in {f.rule for f in check_journey(session, journey_id)}

    weekly = review.weekly_review(session, journey_id)
    assert (weekly.week, weekly.is_complete, weekly.alerts) == (LAST_COMPLETE, True, [])
    assert review.review_weeks((FIRST_DAY, tuesday), tuesday)[:2] == [IN_PROGRESS, LAST_COMPLETE]


def test_the_week_in_progress_is_labelled_and_raises_only_threshold_alerts(session, tuesday):
    journey_id = seed(session)
    weekly = review.weekly_review(session, journey_id, IN_PROGRESS)
    assert weekly.progress == "in progress (2 of 7 days)"
    assert weekly.title == "2026-W25 · 15–21 Jun 2026, in progress (2 of 7 days)"
    # Complete, this week would also raise conversion, click and click-to-open drops (conversion −100 %).
    assert {a.rule for a in weekly.alerts} == {"unsubscribe_high"}
    assert all("so far this week" in a.message for a in weekly.alerts)
    assert "in progress (2 of 7 days)" in review.review_markdown(weekly).splitlines()[0]
    assert "in progress (2 of 7 days)</h1>" in review.review_html(weekly)
    complete = review.weekly_review(session, journey_id, IN_PROGRESS, today=date(2026, 6, 22))
    assert "conversion_rate_drop" in {a.rule for a in complete.alerts}  # the same rows, once the week is over


def test_a_journey_with_data_only_in_the_week_in_progress_shows_it_marked_and_checks_nothing(
    session, tuesday
):
    made = make_journey(session, "New", stages={"Welcome": ["Hello"]})
    session.add(MetricDaily(email_id=made.emails["Hello"].id, day=date(2026, 6, 15), variant="", **ALARMING))
    session.flush()
    (rates,) = latest_stage_rates(session, made.id).values()
    assert (rates.week, rates.complete) == (IN_PROGRESS, False)
    assert rates.label == "15–21 Jun, in progress (2 of 7 days)"
    assert "unsubscribe-rate-high" not in {f.rule for f in check_journey(session, made.id)}


# --- the pages (AppTest) ----------------------------------------------------------------------------


def test_the_review_page_opens_on_the_last_complete_week_and_marks_the_week_in_progress(app_db, tuesday):
    with in_db(app_db) as session:
        seed(session)
    at = run_page("review")
    picker = at.selectbox(key="review_week")
    assert picker.value == LAST_COMPLETE
    assert picker.options[:2] == [
        "2026-W25 · 15–21 Jun 2026, in progress (2 of 7 days)",
        "2026-W24 · 8–14 Jun 2026",
    ]
    assert [s.value for s in at.subheader][0] == "2026-W24 · 8–14 Jun 2026"
    assert "No alerts this week" in texts(at)

    picker.set_value(IN_PROGRESS).run()
    assert not at.exception
    assert at.subheader[0].value == "2026-W25 · 15–21 Jun 2026, in progress (2 of 7 days)"
    assert "This week is in progress (2 of 7 days)" in texts(at)
    assert "For the full review, pick 2026-W24 · 8–14 Jun 2026." in texts(at)
    assert [w.value.split("**")[1] for w in at.warning] == [
        "Welcome",
        "Buy",
    ]  # the unsubscribe threshold only
    assert not [w for w in at.warning if "fell to" in w.value]


def test_the_map_page_shows_the_last_complete_weeks_rates(app_db, tuesday):
    with in_db(app_db) as session:
        seed(session)
    at = run_page("journey_map")
    board = at.get("html")[0].proto.body
    assert "8–14 Jun" in board
    assert "in progress" not in board
    assert "Unsubscribe: <b>0.10 %</b>" in board


def _trend_weeks(at) -> list[str]:
    """The weeks of the trend chart (the one chart of the open tab, "Over ISO weeks")."""
    trend = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return trend["spec"]["encoding"]["x"]["sort"]


def test_the_metrics_page_defaults_to_complete_weeks_and_marks_the_week_in_progress(app_db, tuesday):
    with in_db(app_db) as session:
        seed(session)
    at = run_page("dashboard")
    at.session_state["dashboard_view"] = "Over ISO weeks"  # the tab of the weekly trend
    at.run()
    assert at.date_input(key="dashboard_dates").value == (FIRST_DAY, date(2026, 6, 14))  # Monday to Sunday
    assert _trend_weeks(at) == ["4–10 May", "11–17 May", "18–24 May", "25–31 May", "1–7 Jun", "8–14 Jun"]

    at.date_input(key="dashboard_dates").set_value((FIRST_DAY, tuesday)).run()
    assert not at.exception
    assert _trend_weeks(at)[-1] == "15–21 Jun, in progress (2 of 7 days)"


def test_the_digest_of_the_week_in_progress_says_so(session, tuesday):
    from journey.measure.digest import digest_subject

    journey_id = seed(session)
    in_progress = review.weekly_review(session, journey_id, IN_PROGRESS)
    assert digest_subject(in_progress.period, [in_progress]) == (
        "Weekly review 15–21 Jun, in progress (2 of 7 days), Weekly: 2 alerts"
    )
    last = review.weekly_review(session, journey_id)
    assert digest_subject(last.period, [last]) == "Weekly review 8–14 Jun, Weekly: no alerts"
