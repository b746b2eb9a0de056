"""Walk a journey as a persona: from a path of events (signs up on day 0, abandons a cart on day 5…)
to the inbox that persona receives, day by day, and the emails that never go out.

How each trigger fires (`walk_journey`):

- signup, product_view, trial_started, cart_abandoned, purchase, shipped, delivered: on the first
  event of that kind on the path, plus the email's delay. An email goes out once per path (a flow
  enters once per person). Events happen at EVENT_HOUR (09:00) on their day.
- previous_email: the delay after the previous email *in the same stage* was sent; unreached when
  that email is unreached or when the email is the first of its stage.
- inactivity (trigger_detail = N days): when an "inactive" event on the path lasts at least N days,
  N days after the inactivity began, plus the delay.
- birthday: on the birthday event, plus the delay.
- date (trigger_detail = an ISO date): on that date, counted from the path's start date.
- manual: never automated (a newsletter sent by hand), so unreached with a note.

Goal exit: an email triggered by an abandoned cart (and the emails chained after it) is not sent
when the persona buys before it is due, as ESP cart flows do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import unescape

from db.models import TRIGGER_LABELS, Trigger
from journey.core.errors import InvalidInput, TemplateError
from journey.core.text import plural
from journey.write.merge import merge_tags

EVENT_HOUR = 9

# Path events a persona can do; the event ids match the email triggers they fire.
PATH_EVENTS: dict[str, str] = {
    "signup": "Signs up",
    "product_view": "Views a product",
    "trial_started": "Starts a free trial",
    "cart_abandoned": "Abandons a cart",
    "purchase": "Buys",
    "shipped": "Order shipped",
    "delivered": "Order delivered",
    "inactive": "Stays inactive (detail: days)",
    "birthday": "Has a birthday",
}
EVENT_BY_LABEL = {label: event for event, label in PATH_EVENTS.items()}
EVENT_TRIGGERS = {
    "signup",
    "product_view",
    "trial_started",
    "cart_abandoned",
    "purchase",
    "shipped",
    "delivered",
    "birthday",
}
MAX_DAY = 3_650


@dataclass(frozen=True)
class PathEvent:
    event: str  # a PATH_EVENTS key
    day: int  # days after the path starts (day 0)
    detail: str = ""  # "inactive": how many days the persona stays inactive


@dataclass(frozen=True)
class Delivery:
    day: int
    hour: int
    stage: str
    email: str
    subject: str  # rendered with the persona's merge data
    trigger: str
    why: str  # "2 days after Abandons a cart (day 5)"
    email_id: int | None = None
    subject_error: str = ""  # when the subject's merge tags could not be rendered

    @property
    def at_hours(self) -> int:
        return self.day * 24 + self.hour


@dataclass(frozen=True)
class Unreached:
    stage: str
    email: str
    trigger: str
    reason: str
    email_id: int | None = None


@dataclass
class Walkthrough:
    deliveries: list[Delivery] = field(default_factory=list)
    unreached: list[Unreached] = field(default_factory=list)


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    events: tuple[PathEvent, ...]


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Buys after an abandoned cart",
        "Signs up, looks at a product, leaves a plan in the cart, comes back and buys.",
        (
            PathEvent("signup", 0),
            PathEvent("product_view", 3),
            PathEvent("cart_abandoned", 5),
            PathEvent("purchase", 6),
            PathEvent("shipped", 7),
            PathEvent("delivered", 9),
        ),
    ),
    Preset(
        "Browses but never buys",
        "Signs up, starts a trial, abandons a cart, then goes quiet for 60 days.",
        (
            PathEvent("signup", 0),
            PathEvent("product_view", 3),
            PathEvent("trial_started", 4),
            PathEvent("cart_abandoned", 10),
            PathEvent("inactive", 11, "60"),
        ),
    ),
    Preset(
        "Buys then goes quiet",
        "Signs up, buys quickly, has a birthday, then stops opening emails for 90 days.",
        (
            PathEvent("signup", 0),
            PathEvent("product_view", 2),
            PathEvent("purchase", 4),
            PathEvent("shipped", 5),
            PathEvent("delivered", 7),
            PathEvent("inactive", 10, "90"),
            PathEvent("birthday", 40),
        ),
    ),
)


def preset(name: str) -> Preset:
    for candidate in PRESETS:
        if candidate.name == name:
            return candidate
    raise InvalidInput(f"Unknown walk-through preset {name!r}.", field="preset")


def human_delay(delay_hours: int, trigger: str, trigger_detail: str = "") -> str:
    """The delay in words: "2 days after Signs up", "at once on Buys", "4 hours after the previous email"."""
    if trigger == Trigger.manual.value:
        return "sent by hand"
    if trigger == Trigger.date.value:
        when = f"on {trigger_detail}" if trigger_detail else "on a date (not set)"
        return when if not delay_hours else f"{_duration(delay_hours)} after {trigger_detail or 'a date'}"
    if trigger == Trigger.previous_email.value:
        what = "the previous email"
    elif trigger == Trigger.inactivity.value:
        what = f"{trigger_detail} days of inactivity" if trigger_detail else "inactivity"
    else:
        what = TRIGGER_LABELS.get(trigger, trigger).lower() if trigger in TRIGGER_LABELS else trigger
        what = what or "no trigger"
    if not delay_hours:
        return f"at once after {what}"
    return f"{_duration(delay_hours)} after {what}"


def _duration(hours: int) -> str:
    if hours % 168 == 0:
        weeks = hours // 168
        return plural(weeks, "week")
    if hours % 24 == 0:
        days = hours // 24
        return plural(days, "day")
    if hours > 48:
        days, rest = divmod(hours, 24)
        return f"{days} days {rest} h"
    return plural(hours, "hour")


def clean_path(rows: Sequence[Mapping[str, object]]) -> list[PathEvent]:
    """Path events from editor rows ({"event", "day", "detail"}); blank rows are skipped."""
    events: list[PathEvent] = []
    for number, row in enumerate(rows, start=1):
        row = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}  # NaN: blank
        event = str(row.get("event") or "").strip()
        event = EVENT_BY_LABEL.get(event, event)
        raw_day = row.get("day")
        if not event and raw_day in (None, ""):
            continue
        if event not in PATH_EVENTS:
            raise InvalidInput(
                f"Row {number}: {event!r} is not an event; use one of {', '.join(PATH_EVENTS)}.",
                field="event",
                row=number,
            )
        try:
            day = int(float(raw_day))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise InvalidInput(
                f"Row {number}: the day must be a whole number.", field="day", row=number
            ) from None
        if not 0 <= day <= MAX_DAY:
            raise InvalidInput(
                f"Row {number}: the day must be between 0 and {MAX_DAY}.", field="day", row=number
            )
        detail = "" if row.get("detail") is None else str(row.get("detail")).strip()
        if event == "inactive" and not _days(detail):
            raise InvalidInput(
                f"Row {number}: say for how many days the persona stays inactive (detail, e.g. 60).",
                field="detail",
                row=number,
            )
        events.append(PathEvent(event, day, detail))
    return sorted(events, key=lambda e: e.day)


def _days(text: str) -> int | None:
    try:
        value = int(str(text).strip())
    except ValueError:
        return None
    return value if value > 0 else None


def _render_subject(subject: str, merge_data: Mapping[str, object]) -> tuple[str, str]:
    try:
        return unescape(merge_tags(subject, merge_data)), ""  # a subject is text: undo autoescape
    except TemplateError as exc:
        return subject, str(exc)


def walk_journey(
    tree,
    path: Sequence[PathEvent],
    merge_data: Mapping[str, object] | None = None,
    *,
    start: date | None = None,
    render_subjects: bool = True,
) -> Walkthrough:
    """The inbox a persona gets on `path`: deliveries by time, and the emails that never go out (why).

    `tree` is a journeys.JourneyTree; `start` is the calendar date of day 0 (for "date" triggers);
    `render_subjects=False` leaves the subjects' merge tags as typed (for checks that only count).
    """
    merge_data = dict(merge_data or {})
    start = start or date.today()
    first: dict[str, PathEvent] = {}
    for event in sorted(path, key=lambda e: e.day):
        first.setdefault(event.event, event)
    inactive = [e for e in path if e.event == "inactive"]
    purchase_at = first["purchase"].day * 24 + EVENT_HOUR if "purchase" in first else None

    result = Walkthrough()
    for node in tree.stages:
        stage = node.stage.name
        previous: tuple[int, str] | None = None  # (send time in hours, email name) of the previous email
        previous_reason = ""
        previous_cart = False
        for index, email in enumerate(node.emails):
            trigger = email.trigger or ""
            if trigger == Trigger.previous_email.value:
                timing = _previous_timing(email, index, previous, previous_reason, previous_cart)
            else:
                timing = _timing(email, first, inactive, start)
            at, why, reason, cart_flow = timing.at, timing.why, timing.reason, timing.cart_flow
            if at is not None and cart_flow and purchase_at is not None and purchase_at <= at:
                reason = "The persona buys before it is due, so the cart flow stops."
                at = None
            if at is None:
                result.unreached.append(Unreached(stage, email.name, trigger, reason, email.id))
                previous, previous_reason, previous_cart = None, email.name, False
                continue
            subject, error = (
                _render_subject(email.subject, merge_data) if render_subjects else (email.subject, "")
            )
            day, hour = divmod(at, 24)
            result.deliveries.append(
                Delivery(day, hour, stage, email.name, subject, trigger, why, email.id, error)
            )
            previous, previous_cart = (at, email.name), cart_flow
    result.deliveries.sort(key=lambda d: d.at_hours)
    return result


@dataclass(frozen=True)
class _Timing:
    """When an email goes out on a path (hours from day 0, and why), or the reason it never does."""

    at: int | None = None
    why: str = ""
    reason: str = ""
    cart_flow: bool = False  # part of the abandoned-cart flow, which a purchase stops


def _timing(email, first: Mapping[str, PathEvent], inactive: list[PathEvent], start: date) -> _Timing:
    """The timing of an email whose trigger is not "the previous email"."""
    trigger = email.trigger or ""
    if trigger in EVENT_TRIGGERS:
        event = first.get(trigger)
        if event is None:
            return _Timing(reason=f"Nobody on this path does “{PATH_EVENTS.get(trigger, trigger)}”.")
        return _Timing(
            at=event.day * 24 + EVENT_HOUR + email.delay_hours,
            why=f"{human_delay(email.delay_hours, trigger)} (day {event.day})",
            cart_flow=trigger == Trigger.cart_abandoned.value,
        )
    if trigger == Trigger.inactivity.value:
        return _inactivity_timing(email, inactive)
    if trigger == Trigger.date.value:
        return _date_timing(email, start)
    if trigger == Trigger.manual.value:
        return _Timing(
            reason="Sent by hand (e.g. a newsletter): not automated, so no walk-through can reach it."
        )
    return _Timing(reason="It has no trigger, so nothing sends it.")


def _previous_timing(
    email, index: int, previous: tuple[int, str] | None, previous_reason: str, previous_cart: bool
) -> _Timing:
    """An email sent after the one before it in its stage (which may itself never go out)."""
    if index == 0:
        return _Timing(reason="It waits for the previous email, but it is the first email of its stage.")
    if previous is None:
        return _Timing(reason=f"It follows “{previous_reason}”, which never goes out on this path.")
    return _Timing(
        at=previous[0] + email.delay_hours,
        why=f"{human_delay(email.delay_hours, email.trigger)} “{previous[1]}”",
        cart_flow=previous_cart,
    )


def _inactivity_timing(email, inactive: list[PathEvent]) -> _Timing:
    """An email sent once the persona has been inactive for the trigger's number of days."""
    needed = _days(email.trigger_detail)
    if needed is None:
        return _Timing(reason="Its inactivity trigger has no number of days (trigger detail).")
    long_enough = [e for e in inactive if (_days(e.detail) or 0) >= needed]
    if not long_enough:
        return _Timing(reason=f"The persona is never inactive for {needed} days on this path.")
    began = min(long_enough, key=lambda e: e.day).day
    return _Timing(
        at=(began + needed) * 24 + EVENT_HOUR + email.delay_hours,
        why=f"{human_delay(email.delay_hours, email.trigger, str(needed))} (inactive from day {began})",
    )


def _date_timing(email, start: date) -> _Timing:
    """An email sent on the trigger's calendar date (plus its delay)."""
    try:
        when = date.fromisoformat(email.trigger_detail.strip())
    except ValueError:
        return _Timing(reason="Its date trigger has no valid date (trigger detail, e.g. 2026-12-24).")
    offset = (when - start).days
    if offset < 0:
        return _Timing(
            reason=f"Its date ({when.isoformat()}) is before the path starts ({start.isoformat()})."
        )
    return _Timing(
        at=offset * 24 + EVENT_HOUR + email.delay_hours,
        why=f"on {when.isoformat()}" + (f" + {_duration(email.delay_hours)}" if email.delay_hours else ""),
    )


def busiest_week(walkthrough: Walkthrough) -> tuple[int, int]:
    """The 7-day window (first day, number of emails) holding the most deliveries."""
    days = sorted(d.day for d in walkthrough.deliveries)
    best = (0, 0)
    for i, first_day in enumerate(days):
        count = sum(1 for d in days[i:] if d < first_day + 7)
        if count > best[1]:
            best = (first_day, count)
    return best


def path_rows(events: Sequence[PathEvent]) -> list[dict]:
    """Editor rows for a path: event label, day, detail."""
    return [{"event": PATH_EVENTS[e.event], "day": e.day, "detail": e.detail} for e in events]


def inbox_rows(walkthrough: Walkthrough) -> list[dict]:
    """The inbox as table rows, in the order the persona receives the emails."""
    return [
        {
            "Day": d.day,
            "Time": f"{d.hour:02d}:00",
            "Stage": d.stage,
            "Email": d.email,
            "Subject": d.subject,
            "Why": d.why + (f" (subject not rendered: {d.subject_error})" if d.subject_error else ""),
        }
        for d in walkthrough.deliveries
    ]


def unreached_rows(walkthrough: Walkthrough) -> list[dict]:
    return [
        {
            "Stage": u.stage,
            "Email": u.email,
            "Trigger": TRIGGER_LABELS.get(u.trigger, u.trigger),
            "Why": u.reason,
        }
        for u in walkthrough.unreached
    ]
