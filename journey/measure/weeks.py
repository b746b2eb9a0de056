"""ISO weeks (Monday to Sunday), periods of days, and "today": the one home of the calendar arithmetic.

A week is complete once its Sunday is over in the workspace's time zone (journey.measure.time_zone);
until then it is "in progress (N of 7 days)", today counted. Pure: the standard library and the day
window metrics are kept for. The clock is `utc_now`, one function: every "today" comes from
`today_in(zone)`, and tests freeze the clock by patching `journey.measure.weeks.utc_now`.

    Period(start, end)                days, both included: .days, .is_complete(today), .progress(today)
    iso_week(day), parse_week(text)   the ISO week of a day, or of "2026-W47", as a Period
    last_complete_week(today)         the last week that ended before today
    dates_label(start, end, year=)    "24–30 Nov", "29 Dec – 4 Jan"; with the year "29 Dec 2025 – 4 Jan 2026"
    week_label(day, today=)           a week's dates, marked "in progress (N of 7 days)" until it ends
    complete_weeks(last_day, today)   the last complete weeks up to a last day with data (Metrics' range)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from journey.core.errors import InvalidInput
from journey.measure.imports.formats import day_window

WEEK_PATTERN = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
DEFAULT_ZONE = "UTC"


# --- the clock ------------------------------------------------------------------


def utc_now() -> datetime:
    """The current instant, in UTC: the app's one clock (tests patch it)."""
    return datetime.now(UTC)


def today_in(zone: str = DEFAULT_ZONE) -> date:
    """Today's date in the IANA time zone `zone` ("Europe/Paris"); the clock is `utc_now`."""
    return utc_now().astimezone(ZoneInfo(zone)).date()


# --- periods and their labels -----------------------------------------------------


def dates_label(start: date, end: date, *, year: bool = False) -> str:
    """A week as people write it: "24–30 Nov", "29 Dec – 4 Jan"; with `year`, "24–30 Nov 2026" and, across
    a new year, both years: "29 Dec 2025 – 4 Jan 2026"."""
    tail = f" {end.year}" if year else ""
    if year and start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start == end:
        return f"{start.day} {start:%b}{tail}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b}{tail}"
    return f"{start.day} {start:%b} – {end.day} {end:%b}{tail}"


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def is_iso_week(self) -> bool:
        return self.start.isoweekday() == 1 and self.days == 7

    @property
    def label(self) -> str:
        """ "2026-W47 · 16–22 Nov 2026" for an ISO week; "2026-11-16 – 2026-11-25" otherwise."""
        if self.is_iso_week:
            return f"{iso_week_label(self.start)} · {self.dates(year=True)}"
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def dates(self, *, year: bool = False) -> str:
        """The period's dates, short: "24–30 Nov" (see dates_label)."""
        return dates_label(self.start, self.end, year=year)

    def shifted(self, weeks: int) -> Period:
        return Period(self.start + timedelta(weeks=weeks), self.end + timedelta(weeks=weeks))

    def is_complete(self, today: date) -> bool:
        """Whether the period is over on `today` (its last day was yesterday or before)."""
        return self.end < today

    def days_elapsed(self, today: date) -> int:
        """How many of its days have begun by `today`, today included (0 before it starts)."""
        return max(0, min(self.days, (today - self.start).days + 1))

    def title(self, today: date) -> str:
        """Its label, marked while under way: "2026-W49 · 30 Nov – 6 Dec 2026, in progress (2 of 7 days)"."""
        progress = self.progress(today)
        return f"{self.label}, {progress}" if progress else self.label

    def progress(self, today: date) -> str:
        """ "" once complete; "in progress (2 of 7 days)" while under way; "not started" before it."""
        if self.is_complete(today):
            return ""
        elapsed = self.days_elapsed(today)
        if not elapsed:
            return "not started"
        return f"in progress ({elapsed} of {self.days} days)"


def week_start_of(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def iso_week_label(day: date) -> str:
    """ "2026-W47" for any day of that ISO week (the ISO year, which may differ from the calendar year)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week(day: date) -> Period:
    start = week_start_of(day)
    return Period(start, start + timedelta(days=6))


def week_label(day: date, *, today: date | None = None, year: bool = False) -> str:
    """The dates of `day`'s ISO week ("24–30 Nov"), and, when `today` falls before its end, its mark:
    "30 Nov – 6 Dec, in progress (2 of 7 days)"."""
    week = iso_week(day)
    progress = week.progress(today) if today is not None else ""
    return week.dates(year=year) + (f", {progress}" if progress else "")


def parse_week(text: str) -> Period:
    """The ISO week "YYYY-Www" (e.g. "2026-W47") as a Period, Monday to Sunday."""
    match = WEEK_PATTERN.fullmatch((text or "").strip())
    if not match:
        raise InvalidInput(
            f'"{text}" is not an ISO week: write it as YYYY-Www, for example 2026-W47.', field="week"
        )
    year, week = int(match.group(1)), int(match.group(2))
    first, last = day_window()
    if not first.year <= year <= last.year:
        raise InvalidInput(
            f'"{text.strip()}": metrics are kept for {first.year} to {last.year}; pick a week in those years.',
            field="week",
        )
    try:
        start = date.fromisoformat(f"{year}-W{week:02d}-1")  # the week's Monday
    except ValueError:
        last = date(year, 12, 28).isocalendar().week  # 28 December is always in the year's last week
        raise InvalidInput(
            f"{year} has no ISO week {week}: its weeks run from W01 to W{last:02d}.", field="week"
        ) from None
    return iso_week(start)


def last_complete_week(today: date | None = None) -> Period:
    """The last ISO week (Monday to Sunday) that ended before `today` (default: today in UTC)."""
    today = today or today_in()
    return iso_week(week_start_of(today) - timedelta(days=7))


def complete_weeks(last_day: date, today: date, weeks: int = 12, *, first_day: date | None = None) -> Period:
    """`weeks` ISO weeks, Monday to Sunday, ending with the last complete week that has data on or before
    `last_day` (the week in progress only when all the data is in it); from `first_day`'s Monday at the
    earliest."""
    last_complete = last_complete_week(today)
    newest = iso_week(min(last_day, last_complete.end))
    if first_day is not None and first_day > last_complete.end:  # nothing but the week in progress
        newest = iso_week(first_day)
    start = newest.shifted(1 - weeks).start
    if first_day is not None:
        start = max(start, week_start_of(first_day))
    return Period(start, newest.end)


def parse_day(text: str, *, field: str) -> date:
    """A day typed as YYYY-MM-DD, within the days metrics are kept for (`day_window()`)."""
    try:
        day = date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise InvalidInput(
            f'"{text}" is not a date: write it as YYYY-MM-DD, for example 2026-11-16.', field=field
        ) from None
    first, last = day_window()
    if not first <= day <= last:
        raise InvalidInput(
            f'"{text.strip()}": metrics are kept for {first:%Y-%m-%d} to {last:%Y-%m-%d}; pick a day in between.',
            field=field,
        )
    return day


def make_period(start: date, end: date) -> Period:
    if end < start:
        raise InvalidInput(f"The period ends ({end}) before it starts ({start}).", field="to")
    return Period(start, end)
