"""The workspace time zone: an IANA name checked with zoneinfo, saved versioned in the Setting table, and
"today" (so which week is complete) taken in it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from db.models import Setting
from journey.core.errors import InvalidInput, StaleEdit
from journey.measure import weeks
from journey.measure.time_zone import (
    TIME_ZONE_KEY,
    TimeZone,
    clean_time_zone,
    load_time_zone,
    save_time_zone,
    workspace_today,
)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        pytest.param("Europe/Paris", "Europe/Paris", id="as-spelt"),
        pytest.param("  europe/paris ", "Europe/Paris", id="any-case-and-spaces"),
        pytest.param("utc", "UTC", id="utc"),
        pytest.param("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires", id="three-parts"),
    ],
)
def test_a_time_zone_is_read_as_zoneinfo_spells_it(typed, name):
    assert clean_time_zone(typed) == name


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        pytest.param("Europe/Pariss", "Did you mean Europe/Paris?", id="misspelt-with-the-closest"),
        pytest.param("Mars/Olympus_Mons", "is not an IANA time zone name", id="unknown"),
        pytest.param("../../etc/passwd", "is not an IANA time zone name", id="a-path"),
        pytest.param("", "give an IANA name", id="empty"),
        pytest.param("x" * 65, "too long", id="too-long"),
        pytest.param(3, "must be text", id="not-text"),
    ],
)
def test_a_bad_time_zone_is_refused_naming_the_field(typed, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        clean_time_zone(typed)
    assert refused.value.field == "name"
    assert str(refused.value).startswith("Time zone")


def test_a_workspace_without_a_saved_zone_is_on_utc(session):
    assert load_time_zone(session) == TimeZone("UTC", 0)


def test_the_zone_is_saved_versioned_and_a_stale_save_overwrites_nothing(session):
    saved = save_time_zone(session, "europe/paris", 0)
    assert saved == TimeZone("Europe/Paris", 1)
    assert session.get(Setting, TIME_ZONE_KEY).value == {"name": "Europe/Paris"}
    assert save_time_zone(session, "America/New_York", 1) == TimeZone("America/New_York", 2)
    with pytest.raises(StaleEdit, match="A teammate saved the time zone"):
        save_time_zone(session, "Asia/Tokyo", 1)
    assert load_time_zone(session).name == "America/New_York"


def test_a_refused_zone_saves_nothing(session):
    with pytest.raises(InvalidInput):
        save_time_zone(session, "Nowhere/Town", 0)
    assert session.get(Setting, TIME_ZONE_KEY) is None


def test_a_saved_zone_no_longer_known_falls_back_to_utc(session):
    session.add(Setting(key=TIME_ZONE_KEY, value={"name": "Atlantis/Capital"}))
    session.flush()
    assert load_time_zone(session).name == "UTC"


def test_today_and_the_last_complete_week_follow_the_workspace_zone(session, monkeypatch):
    # Sunday 29 November 2026, 23:30 UTC: already Monday in Paris, so week 48 is over there.
    monkeypatch.setattr(weeks, "utc_now", lambda: datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    assert workspace_today(session) == date(2026, 11, 29)
    save_time_zone(session, "Europe/Paris", 0)
    assert workspace_today(session) == date(2026, 11, 30)
    assert weeks.last_complete_week(workspace_today(session)) == weeks.parse_week("2026-W48")
