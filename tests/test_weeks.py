"""The one home of weeks: ISO weeks and their labels, complete and in-progress weeks, the clock in a time zone."""

from datetime import UTC, date, datetime

import pytest

from journey.core.errors import InvalidInput
from journey.measure import weeks
from journey.measure.weeks import Period

# --- ISO weeks (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        pytest.param(date(2026, 11, 16), "2026-W47", id="monday"),
        pytest.param(date(2026, 11, 22), "2026-W47", id="sunday-same-week"),
        pytest.param(date(2021, 1, 1), "2020-W53", id="new-year-in-previous-iso-year-week-53"),
        pytest.param(date(2024, 12, 30), "2025-W01", id="december-in-next-iso-year"),
        pytest.param(date(2026, 12, 31), "2026-W53", id="2026-has-53-weeks"),
    ],
)
def test_iso_week_labels_follow_the_iso_year(day, label):
    assert weeks.iso_week_label(day) == label


@pytest.mark.parametrize("text", ["2026-W47", " 2026-w47 ", "2026W47"])
def test_a_week_is_read_in_the_forms_people_type(text):
    assert weeks.parse_week(text) == Period(date(2026, 11, 16), date(2026, 11, 22))


def test_a_one_digit_week_is_read():
    assert weeks.parse_week("2026-W5").start == date(2026, 1, 26)


def test_week_53_spans_the_year_boundary():
    week = weeks.parse_week("2020-W53")
    assert week == Period(date(2020, 12, 28), date(2021, 1, 3))
    assert week.is_iso_week


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("2025-W53", id="2025-has-no-week-53"),
        pytest.param("2026-W00", id="week-zero"),
        pytest.param("2026-47", id="missing-W"),
        pytest.param("2026-11-16", id="a-day-not-a-week"),
        pytest.param("2026-W47-1", id="a-week-day-not-a-week"),
        pytest.param("last week", id="words"),
        pytest.param("", id="empty"),
    ],
)
def test_bad_weeks_are_refused_with_the_format(bad):
    with pytest.raises(InvalidInput, match="W"):
        weeks.parse_week(bad)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2026, 11, 23), "2026-W47", id="monday-gives-the-week-just-ended"),
        pytest.param(date(2026, 11, 22), "2026-W46", id="sunday-week-not-complete-yet"),
        pytest.param(date(2021, 1, 4), "2020-W53", id="after-week-53"),
        pytest.param(date(2021, 1, 3), "2020-W52", id="during-week-53"),
        pytest.param(date(2025, 1, 6), "2025-W01", id="week-1-starting-in-december"),
    ],
)
def test_last_complete_week_is_monday_to_sunday_before_today(today, expected):
    week = weeks.last_complete_week(today)
    assert weeks.iso_week_label(week.start) == expected
    assert week.start.isoweekday() == 1
    assert week.end.isoweekday() == 7
    assert week.end < today


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidInput, match="before it starts"):
        weeks.make_period(date(2026, 11, 2), date(2026, 11, 1))


# --- date labels ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "year", "label"),
    [
        pytest.param(date(2026, 11, 23), date(2026, 11, 29), False, "23–29 Nov", id="within-a-month"),
        pytest.param(date(2026, 11, 23), date(2026, 11, 29), True, "23–29 Nov 2026", id="with-the-year"),
        pytest.param(date(2026, 11, 30), date(2026, 12, 6), False, "30 Nov – 6 Dec", id="across-months"),
        pytest.param(date(2026, 11, 30), date(2026, 12, 6), True, "30 Nov – 6 Dec 2026", id="months-year"),
        pytest.param(date(2026, 10, 26), date(2026, 11, 1), False, "26 Oct – 1 Nov", id="two-months"),
        pytest.param(date(2025, 12, 29), date(2026, 1, 4), False, "29 Dec – 4 Jan", id="across-years"),
        pytest.param(
            date(2025, 12, 29),
            date(2026, 1, 4),
            True,
            "29 Dec 2025 – 4 Jan 2026",
            id="across-years-with-both",
        ),
        pytest.param(date(2026, 11, 24), date(2026, 11, 24), False, "24 Nov", id="one-day"),
    ],
)
def test_dates_label_is_short_and_names_the_year_where_needed(start, end, year, label):
    assert weeks.dates_label(start, end, year=year) == label


def test_an_iso_week_period_reads_as_its_week_and_dates():
    assert weeks.parse_week("2026-W48").label == "2026-W48 · 23–29 Nov 2026"
    assert weeks.parse_week("2026-W01").label == "2026-W01 · 29 Dec 2025 – 4 Jan 2026"
    assert Period(date(2026, 11, 16), date(2026, 11, 25)).label == "2026-11-16 – 2026-11-25"


# --- complete and in-progress weeks --------------------------------------------

W49 = Period(date(2026, 11, 30), date(2026, 12, 6))  # Monday 30 Nov to Sunday 6 Dec


@pytest.mark.parametrize(
    ("today", "complete", "progress"),
    [
        pytest.param(date(2026, 11, 29), False, "not started", id="the-sunday-before"),
        pytest.param(date(2026, 11, 30), False, "in progress (1 of 7 days)", id="monday"),
        pytest.param(date(2026, 12, 1), False, "in progress (2 of 7 days)", id="tuesday"),
        pytest.param(date(2026, 12, 6), False, "in progress (7 of 7 days)", id="its-own-sunday"),
        pytest.param(date(2026, 12, 7), True, "", id="the-monday-after"),
    ],
)
def test_a_week_is_complete_only_once_its_sunday_is_over(today, complete, progress):
    assert W49.is_complete(today) is complete
    assert W49.progress(today) == progress


@pytest.mark.parametrize(
    ("day", "today", "label"),
    [
        pytest.param(
            date(2026, 12, 2), date(2026, 12, 1), "30 Nov – 6 Dec, in progress (2 of 7 days)", id="now"
        ),
        pytest.param(date(2026, 11, 24), date(2026, 12, 1), "23–29 Nov", id="last-week-unmarked"),
        pytest.param(
            date(2026, 1, 1),
            date(2025, 12, 30),
            "29 Dec – 4 Jan, in progress (2 of 7 days)",
            id="new-year",
        ),
    ],
)
def test_week_label_marks_the_week_in_progress(day, today, label):
    assert weeks.week_label(day, today=today) == label


@pytest.mark.parametrize(
    ("last_day", "first_day", "expected"),
    [
        pytest.param(
            date(2026, 12, 1),
            date(2026, 1, 5),
            Period(date(2026, 9, 7), date(2026, 11, 29)),
            id="data-this-week",
        ),
        pytest.param(
            date(2026, 10, 14),
            date(2026, 1, 5),
            Period(date(2026, 7, 27), date(2026, 10, 18)),
            id="data-stopped",
        ),
        pytest.param(
            date(2026, 12, 1),
            date(2026, 11, 4),
            Period(date(2026, 11, 2), date(2026, 11, 29)),
            id="short-history",
        ),
        pytest.param(
            date(2026, 12, 1),
            date(2026, 11, 30),
            Period(date(2026, 11, 30), date(2026, 12, 6)),
            id="only-this-week",
        ),
    ],
)
def test_complete_weeks_run_monday_to_sunday_up_to_the_last_complete_week(last_day, first_day, expected):
    period = weeks.complete_weeks(last_day, date(2026, 12, 1), 12, first_day=first_day)
    assert period == expected
    assert (period.start.isoweekday(), period.end.isoweekday()) == (1, 7)


# --- the clock in a time zone -----------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "zone", "today"),
    [
        pytest.param(
            datetime(2026, 11, 29, 23, 30, tzinfo=UTC), "UTC", date(2026, 11, 29), id="utc-sunday-night"
        ),
        pytest.param(
            datetime(2026, 11, 29, 23, 30, tzinfo=UTC),
            "Europe/Paris",
            date(2026, 11, 30),
            id="paris-already-monday",
        ),
        pytest.param(
            datetime(2026, 11, 30, 3, 0, tzinfo=UTC),
            "America/Los_Angeles",
            date(2026, 11, 29),
            id="la-still-sunday",
        ),
        pytest.param(
            datetime(2026, 12, 31, 12, 0, tzinfo=UTC),
            "Pacific/Kiritimati",
            date(2027, 1, 1),
            id="kiritimati-new-year",
        ),
    ],
)
def test_today_is_the_date_in_the_workspace_zone_around_midnight(monkeypatch, instant, zone, today):
    monkeypatch.setattr(weeks, "utc_now", lambda: instant)
    assert weeks.today_in(zone) == today


def test_the_week_ending_at_midnight_is_complete_in_paris_before_it_is_in_new_york(monkeypatch):
    monkeypatch.setattr(weeks, "utc_now", lambda: datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    w48 = weeks.parse_week("2026-W48")
    assert w48.is_complete(weeks.today_in("Europe/Paris"))
    assert not w48.is_complete(weeks.today_in("America/New_York"))
    assert weeks.last_complete_week(weeks.today_in("Europe/Paris")) == w48
    assert weeks.last_complete_week(weeks.today_in("America/New_York")) == w48.shifted(-1)
