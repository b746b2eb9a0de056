"""The workspace's time zone: when "today" begins, so when a week is complete (journey.measure.weeks).

An IANA name ("Europe/Paris", "America/New_York"; default UTC), checked with zoneinfo and kept in the
Setting "time_zone" (versioned like the brand: a save made against a stale version is refused).

    load_time_zone(session) -> TimeZone       the saved zone (UTC when none, or no longer known)
    save_time_zone(session, name, expected_version) -> TimeZone
    clean_time_zone(name) -> str              InvalidInput naming the field, with the closest name
    workspace_today(session) -> date          today in the workspace's zone
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlmodel import Session

from db.crud import save_setting
from db.models import Setting
from journey.core.errors import InvalidInput, StaleEdit
from journey.measure.weeks import DEFAULT_ZONE, today_in

TIME_ZONE_KEY = "time_zone"
MAX_LENGTH = 64
LABEL = "Time zone"


@dataclass(frozen=True)
class TimeZone:
    """The workspace's time zone, with the version of its Setting (0: never saved)."""

    name: str = DEFAULT_ZONE
    version: int = 0

    @property
    def zone(self) -> ZoneInfo:
        """The zone itself, for times shown as the workspace reads them ("saved at 09:41")."""
        return ZoneInfo(self.name)

    def today(self) -> date:
        """Today's date in this zone (the clock: journey.measure.weeks.utc_now)."""
        return today_in(self.name)


@cache
def _known() -> dict[str, str]:
    """Every IANA name zoneinfo knows, by its lower case (so "europe/paris" is read as "Europe/Paris")."""
    return {name.lower(): name for name in available_timezones()}


def clean_time_zone(value: Any) -> str:
    """An IANA time zone name as zoneinfo spells it; InvalidInput (field "name") otherwise."""
    if not isinstance(value, str):
        raise InvalidInput(f"{LABEL} must be text, such as Europe/Paris.", field="name")
    name = value.strip()
    if not name:
        raise InvalidInput(f"{LABEL}: give an IANA name such as Europe/Paris, or UTC.", field="name")
    if len(name) > MAX_LENGTH:
        raise InvalidInput(f"{LABEL}: '{name[:40]}…' is too long to be a time zone name.", field="name")
    known = _known()
    if name.lower() in known:
        name = known[name.lower()]
    try:
        ZoneInfo(name)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError; a path-like name a ValueError
        close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
        hint = f" Did you mean {known[close[0]]}?" if close else ""
        raise InvalidInput(
            f"{LABEL}: '{name}' is not an IANA time zone name such as Europe/Paris or America/New_York.{hint}",
            field="name",
        ) from None
    return name


def load_time_zone(session: Session) -> TimeZone:
    """The saved time zone with its version; UTC when never saved (or when the saved name is no longer known)."""
    setting = session.get(Setting, TIME_ZONE_KEY)
    if setting is None:
        return TimeZone()
    try:
        name = clean_time_zone((setting.value or {}).get("name"))
    except InvalidInput:
        name = DEFAULT_ZONE
    return TimeZone(name, setting.version)


def save_time_zone(session: Session, name: str, expected_version: int) -> TimeZone:
    """Validate and save the workspace's time zone against `expected_version` (0 for a first save).

    Refused with StaleEdit, overwriting nothing, when a teammate saved it in between.
    """
    if not save_setting(session, TIME_ZONE_KEY, {"name": clean_time_zone(name)}, expected_version):
        raise StaleEdit(
            "A teammate saved the time zone since you opened it. Nothing was overwritten: "
            "reload to see theirs, then change it again."
        )
    return load_time_zone(session)


def workspace_today(session: Session) -> date:
    """Today in the workspace's time zone: the day weeks are complete or in progress against."""
    return load_time_zone(session).today()
