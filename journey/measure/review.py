"""The weekly review: per stage, what changed against the previous week and the 4-week average,
alerts with their likely cause and what to try, the week's A/B tests, and the team's notes.

A rate's change is in percentage points with the relative change in brackets ("+1.2 pp (+4 %)"),
toned "good" or "bad" by the way that is good for that rate (RateDefinition.higher_is_better) and
untoned when flat (metrics.direction_of, within metrics.FLAT_WITHIN). The page, the Markdown and the
HTML export read the same rows (count_rows, stage_rows, ab_rows), so they show the same numbers.

Thresholds default to ../shared/REFERENCE.md §3 and are kept in the Setting "alert_thresholds".
The "4-week average" of a rate is the rate over the four weeks before the reviewed one, counts
summed (so a quiet week weighs less than a busy one). Notes are one WeeklyNote per journey and
ISO week, saved with optimistic locking: a save made against a stale version is refused.

The default week is the last complete one in the workspace's time zone (journey.measure.time_zone). A
week in progress can still be reviewed: it is marked "in progress (N of 7 days)", and it raises only the
alerts on a rate's own threshold ("so far this week"), never a comparison with complete weeks (a fall
against the 4-week average, machine opens): two days of a week are not a week.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from db.crud import save_setting, update_versioned
from db.models import EmailVariant, Setting, WeeklyNote
from journey.core.errors import InvalidInput, StaleEdit
from journey.core.fields import field_limits
from journey.core.text import escape_markdown, format_amount, plural
from journey.measure.metrics import (
    RATE_DEFINITIONS,
    RATE_NAMES,
    REPORT_COUNTS,
    REPORT_RATES,
    Counts,
    StageMetrics,
    direction_of,
    email_metrics,
    format_change,
    format_rate,
    rate,
    relative_change,
    stage_metrics_by_period,
    total_counts,
)
from journey.measure.stats import (
    ALPHA,
    WHY_CLICKS,
    ABVerdict,
    VariantOutcome,
    compare_variants,
    two_proportion_ztest,
)
from journey.measure.time_zone import workspace_today
from journey.measure.weeks import Period, iso_week_label, last_complete_week, parse_week, week_start_of
from journey.plan import journeys

THRESHOLDS_KEY = "alert_thresholds"
WATCHED_FOR_DROPS = ("open_rate", "click_rate", "click_to_open_rate", "conversion_rate")
MAX_NOTES = field_limits(WeeklyNote, "notes").max_length


# --- thresholds -------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """When a stage gets an alert; every value is a fraction (0.005 = 0.5 %)."""

    unsubscribe_rate_max: float = 0.005
    bounce_rate_max: float = 0.02
    complaint_rate_max: float = 0.001
    drop_vs_average: float = 0.20  # a rate falling more than this, relative to its 4-week average
    machine_open_change: float = 0.05  # opens up and clicks down by at least this, relative


THRESHOLD_LABELS = {
    "unsubscribe_rate_max": "Unsubscribe rate above",
    "bounce_rate_max": "Bounce rate above",
    "complaint_rate_max": "Spam complaint rate above",
    "drop_vs_average": "A rate falling more than (vs its 4-week average)",
    "machine_open_change": "Opens up and clicks down by at least (machine opens)",
}


def clean_threshold(name: str, value: Any) -> float:
    """One threshold as a fraction between 0 and 1; InvalidInput naming it otherwise."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{THRESHOLD_LABELS[name]}: {value!r} is not a number.", field=name) from None
    if not 0 <= value <= 1:
        raise InvalidInput(f"{THRESHOLD_LABELS[name]}: {value * 100:g} % is outside 0 – 100 %.", field=name)
    return value


def clean_thresholds(values: dict[str, Any]) -> Thresholds:
    """Thresholds from fractions, each between 0 and 1; unknown keys are ignored, missing ones default."""
    defaults = asdict(Thresholds())
    return Thresholds(
        **{name: clean_threshold(name, values.get(name, default)) for name, default in defaults.items()}
    )


def load_thresholds(session: Session) -> Thresholds:
    """The saved thresholds; any one not saved or no longer valid falls back to its own default."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    saved = (setting.value or {}) if setting is not None else {}
    loaded = {}
    for name, default in asdict(Thresholds()).items():
        try:
            loaded[name] = clean_threshold(name, saved.get(name, default))
        except InvalidInput:
            loaded[name] = default
    return Thresholds(**loaded)


def thresholds_version(session: Session) -> int:
    """The version of the saved thresholds (0: never saved), to save against."""
    setting = session.get(Setting, THRESHOLDS_KEY)
    return setting.version if setting is not None else 0


def save_thresholds(
    session: Session, values: dict[str, Any] | Thresholds, expected_version: int
) -> Thresholds:
    """Validate and save the alert thresholds for the whole workspace, made against `expected_version`
    (0 for a first save); refused with StaleEdit when a teammate saved in between.
    """
    thresholds = clean_thresholds(asdict(values) if isinstance(values, Thresholds) else values)
    if not save_setting(session, THRESHOLDS_KEY, asdict(thresholds), expected_version):
        raise StaleEdit(
            "A teammate saved the alert thresholds since you opened them. Nothing was overwritten: "
            "reload to see theirs, then change them again."
        )
    return thresholds


# --- changes ----------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """How a value moved against a reference (the previous week, the 4-week average).

    `points` is in percentage points for a rate (None for an amount, or where either rate is
    undefined); `relative` is (now − reference) ÷ reference (None where the reference is 0 or
    undefined); `tone` is "good" or "bad" by the way that is good for the value, None when flat
    (metrics.FLAT_WITHIN) or when there is nothing to compare.
    """

    points: float | None
    relative: float | None
    tone: str | None
    small: bool = False  # both rates under 1 % (not both 0): two decimals, as format_rate gives them

    @property
    def text(self) -> str:
        """ "+1.2 pp (+4 %)" for a rate, "+4 %" for an amount, "–" where nothing compares."""
        relative = format_change(self.relative)
        if self.points is None:
            return relative
        points = f"{self.points:+.{2 if self.small else 1}f} pp"
        return points if self.relative is None else f"{points} ({relative})"


def _tone(now: float | None, reference: float | None, higher_is_better: bool) -> str | None:
    direction = direction_of(now, reference)
    if direction not in ("up", "down"):
        return None
    return "good" if (direction == "up") == higher_is_better else "bad"


def rate_change(name: str, now: float | None, reference: float | None) -> Change:
    """The change of rate `name` (fractions) in percentage points, relative in brackets, toned."""
    if now is None or reference is None:
        return Change(None, None, None)
    return Change(
        points=(now - reference) * 100,
        relative=relative_change(now, reference),
        tone=_tone(now, reference, RATE_DEFINITIONS[name].higher_is_better),
        small=0 < max(abs(now), abs(reference)) < 0.01,
    )


def amount_change(now: float | None, reference: float | None) -> Change:
    """The relative change of an amount where more is better (revenue, revenue per recipient)."""
    if now is None or reference is None:
        return Change(None, None, None)
    return Change(None, relative_change(now, reference), _tone(now, reference, True))


# --- alerts -----------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    stage: str
    rule: str  # "unsubscribe_high", "bounce_high", "complaint_high", "<rate>_drop", "machine_opens"
    metric: str
    message: str
    likely_cause: str
    what_to_try: str


ADVICE: dict[str, tuple[str, str]] = {
    "unsubscribe_high": (
        "Too many emails, or emails that don't feel relevant to this stage.",
        "Check how many emails this stage sends per week, segment so each persona gets what fits, "
        "and offer 'fewer emails' next to the unsubscribe link.",
    ),
    "bounce_high": (
        "Old or invalid addresses on the list.",
        "Clean the list: remove hard bounces now, use double opt-in at signup, and re-confirm or drop "
        "addresses that have not engaged in a year.",
    ),
    "complaint_high": (
        "People don't recognise the sender, didn't expect the email, or can't find the unsubscribe link.",
        "Make unsubscribing easy (one-click List-Unsubscribe and a visible footer link), remind readers "
        "why they get the email, and send less to inactive subscribers. Gmail and Yahoo require under 0.3 %.",
    ),
    "open_rate_drop": (
        "Subject lines, sender reputation or list hygiene.",
        "A/B test the subject line and preheader, check the sender name, check SPF/DKIM/DMARC and spam "
        "placement, and remove long-inactive subscribers.",
    ),
    "click_rate_drop": (
        "The content or call to action is unclear, or links are broken.",
        "Test every link, keep one clear call to action with a strong verb near the top, and make the "
        "button large enough to tap on a phone.",
    ),
    "click_to_open_rate_drop": (
        "Readers open but the content doesn't earn the click: it doesn't deliver what the subject promised.",
        "Match the body to the subject line's promise, cut the text, and make the call to action the "
        "obvious next step.",
    ),
    "conversion_rate_drop": (
        "Clicks don't turn into orders: the landing page, the offer or the checkout.",
        "Click through the email yourself: check the landing page, that the offer still applies, and that "
        "checkout works on a phone.",
    ),
    "machine_opens": (
        "Likely machine opens: Apple Mail Privacy Protection (or a security scanner) pre-loads images, "
        "so opens rise while real engagement falls.",
        "Judge this stage on clicks, not opens. If your email service flags machine opens (Klaviyo, "
        "SendGrid, Brevo, Mailchimp), import them so they are counted apart.",
    ),
}


def _significant(now: Counts, before: Counts, metric: str) -> bool:
    """Whether this week's rate differs from the 4-week one by more than chance (z-test, p < 0.05)."""
    definition = RATE_DEFINITIONS[metric]
    test = two_proportion_ztest(
        getattr(now, definition.numerator),
        getattr(now, definition.denominator),
        getattr(before, definition.numerator),
        getattr(before, definition.denominator),
    )
    return test is not None and test.p_value < ALPHA


def stage_alerts(
    stage: str, counts: Counts, four_weeks: Counts, thresholds: Thresholds, *, complete: bool = True
) -> list[Alert]:
    """The alerts one stage raises this week (empty when nothing crosses a threshold).

    `four_weeks` holds the counts of the four weeks before. A fall against the 4-week
    average counts only when it is also larger than chance (two-proportion z-test, p < 0.05),
    so a stage with a handful of conversions does not raise false alarms. A week not `complete`
    raises only the rate thresholds, said "so far this week", and no comparison with complete weeks.
    """
    alerts: list[Alert] = []
    rates, average = counts.rates, four_weeks.rates

    def add(rule: str, metric: str, message: str) -> None:
        cause, fix = ADVICE[rule]
        alerts.append(Alert(stage, rule, metric, message, cause, fix))

    for metric, limit, rule in (
        ("unsubscribe_rate", thresholds.unsubscribe_rate_max, "unsubscribe_high"),
        ("bounce_rate", thresholds.bounce_rate_max, "bounce_high"),
        ("complaint_rate", thresholds.complaint_rate_max, "complaint_high"),
    ):
        value = rates[metric]
        if value is not None and value > limit:
            label = RATE_DEFINITIONS[metric].label
            so_far = "" if complete else " so far this week"
            add(rule, metric, f"{label} {format_rate(value)}{so_far} is above {format_rate(limit)}.")
    if not complete:
        return alerts
    for metric in WATCHED_FOR_DROPS:
        change = relative_change(rates[metric], average[metric])
        if (
            change is not None
            and change < -thresholds.drop_vs_average
            and _significant(counts, four_weeks, metric)
        ):
            label = RATE_DEFINITIONS[metric].label
            fall = rate_change(metric, rates[metric], average[metric]).text
            add(
                f"{metric}_drop",
                metric,
                f"{label} fell to {format_rate(rates[metric])}, {fall} against its "
                f"4-week average of {format_rate(average[metric])}.",
            )
    opens = relative_change(rates["open_rate"], average["open_rate"])
    clicks = relative_change(rates["click_rate"], average["click_rate"])
    if (
        opens is not None
        and clicks is not None
        and opens >= thresholds.machine_open_change
        and clicks <= -thresholds.machine_open_change
        and _significant(counts, four_weeks, "click_rate")
    ):
        opens_text = rate_change("open_rate", rates["open_rate"], average["open_rate"]).text
        clicks_text = rate_change("click_rate", rates["click_rate"], average["click_rate"]).text
        add(
            "machine_opens",
            "open_rate",
            f"Opens are up {opens_text} while clicks are {clicks_text} against the 4-week average.",
        )
    return alerts


# --- the review ---------------------------------------------------------------


@dataclass
class StageReview:
    stage_id: int
    stage: str
    counts: Counts
    rates: dict[str, float | None]
    previous: dict[str, float | None]
    average: dict[str, float | None]
    change_vs_previous: dict[str, float | None]  # relative, as fractions
    change_vs_average: dict[str, float | None]
    alerts: list[Alert] = field(default_factory=list)
    previous_counts: Counts = field(default_factory=Counts)  # the week before
    four_weeks: Counts = field(default_factory=Counts)  # the four weeks before, summed

    @classmethod
    def of(
        cls, stage_id: int, stage: str, counts: Counts, previous: Counts, four_weeks: Counts
    ) -> StageReview:
        """A stage's review from its counts this week, the week before and the four weeks before (no alerts)."""
        rates, before, average = counts.rates, previous.rates, four_weeks.rates
        return cls(
            stage_id=stage_id,
            stage=stage,
            counts=counts,
            rates=rates,
            previous=before,
            average=average,
            change_vs_previous={n: relative_change(rates[n], before[n]) for n in RATE_NAMES},
            change_vs_average={n: relative_change(rates[n], average[n]) for n in RATE_NAMES},
            previous_counts=previous,
            four_weeks=four_weeks,
        )

    @property
    def revenue_per_recipient(self) -> float | None:
        """Revenue ÷ delivered this week (None when nothing was delivered)."""
        return rate(self.counts.revenue, self.counts.delivered)

    def rate_changes(self, name: str) -> tuple[Change, Change]:
        """Rate `name` against the previous week and against the 4-week average."""
        now = self.rates[name]
        return rate_change(name, now, self.previous[name]), rate_change(name, now, self.average[name])


@dataclass
class ABTest:
    email_id: int
    email: str
    stage: str
    variants: list[tuple[str, Counts]]  # (label, counts) per variant
    subjects: dict[str, str]  # label -> subject line tested
    verdict: ABVerdict


@dataclass
class WeeklyReview:
    journey_id: int
    journey: str
    week: str  # "2026-W47"
    period: Period
    stages: list[StageReview]
    ab_tests: list[ABTest]
    thresholds: Thresholds
    thresholds_version: int = 0  # what a save of the thresholds shown is made against
    as_of: date | None = None  # the day it was made, in the workspace's time zone

    @property
    def progress(self) -> str:
        """ "" for a complete week; "in progress (2 of 7 days)" for the week under way."""
        return self.period.progress(self.as_of) if self.as_of else ""

    @property
    def is_complete(self) -> bool:
        return not self.progress

    @property
    def title(self) -> str:
        """The week reviewed: "2026-W49 · 30 Nov – 6 Dec 2026", marked while in progress."""
        return self.period.title(self.as_of) if self.as_of else self.period.label

    @property
    def is_empty(self) -> bool:
        return all(s.counts.is_empty for s in self.stages)

    @property
    def alerts(self) -> list[Alert]:
        return [a for s in self.stages for a in s.alerts]

    @property
    def totals(self) -> Counts:
        return total_counts(self.stages)

    def _has(self, count: str) -> bool:
        return any(
            getattr(c, count) for s in self.stages for c in (s.counts, s.previous_counts, s.four_weeks)
        )

    @property
    def has_revenue(self) -> bool:
        """Whether the imports carry revenue for this week or the four before (any stage)."""
        return self._has("revenue")

    @property
    def has_conversions(self) -> bool:
        """Whether the imports carry conversions for this week or the four before (any stage)."""
        return self._has("conversions")

    @property
    def shown_rates(self) -> tuple[str, ...]:
        """The rates the tables show: the conversion rate only where the imports carry conversions."""
        return tuple(n for n in REPORT_RATES if n != "conversion_rate" or self.has_conversions)

    @property
    def shown_counts(self) -> tuple[str, ...]:
        """The counts the tables show: conversions only where the imports carry them."""
        return tuple(n for n in REPORT_COUNTS if n != "conversions" or self.has_conversions)

    @property
    def stage_metrics(self) -> list[StageMetrics]:
        """The week's counts per stage, in journey order, as the charts take them."""
        return [StageMetrics(s.stage_id, s.stage, i, s.counts) for i, s in enumerate(self.stages)]


def in_progress_note(review: WeeklyReview) -> str:
    """What a review of the week in progress says about its alerts ("" for a complete week)."""
    if review.is_complete:
        return ""
    return (
        f"This week is {review.progress}: its rates so far are shown. Only a rate over its own threshold "
        "raises an alert; falls against the 4-week average and machine opens wait until the week is complete "
        "(after Sunday, in the workspace's time zone). For the full review, pick "
        f"{last_complete_week(review.as_of).label}."
    )


def resolve_week(week: str | date | Period | None, today: date | None = None) -> Period:
    """An ISO week from "2026-W47", any day in it, or None (the last complete week before `today`)."""
    if week is None:
        return last_complete_week(today)
    if isinstance(week, Period):
        return week
    if isinstance(week, date):
        return parse_week(iso_week_label(week))
    return parse_week(week)


def weekly_review(
    session: Session,
    journey_id: int,
    week: str | date | Period | None = None,
    *,
    thresholds: Thresholds | None = None,
    today: date | None = None,
) -> WeeklyReview:
    """The review of one ISO week for one journey (default: the last complete one before `today`, which
    defaults to today in the workspace's time zone); a week in progress is marked and raises fewer alerts."""
    today = today or workspace_today(session)
    period = resolve_week(week, today)
    complete = period.is_complete(today)
    thresholds = thresholds or load_thresholds(session)
    journey = journeys.get_journey(session, journey_id)
    four_weeks = Period(period.shifted(-4).start, period.shifted(-1).end)
    # One query: this week, and the four weeks before (the previous week is the last of those).
    current, before_rows, earlier_rows = stage_metrics_by_period(
        session, journey_id, [period, period.shifted(-1), Period(four_weeks.start, period.shifted(-2).end)]
    )
    previous = {s.stage_id: s.counts for s in before_rows}
    average = {s.stage_id: s.counts + e.counts for s, e in zip(before_rows, earlier_rows, strict=True)}
    stages = []
    for stage in current:
        four = average.get(stage.stage_id, Counts())
        review = StageReview.of(
            stage.stage_id, stage.stage, stage.counts, previous.get(stage.stage_id, Counts()), four
        )
        if not stage.counts.is_empty:
            review.alerts = stage_alerts(stage.stage, stage.counts, four, thresholds, complete=complete)
        stages.append(review)
    return WeeklyReview(
        journey_id=journey.id,
        journey=journey.name,
        week=iso_week_label(period.start),
        period=period,
        stages=stages,
        ab_tests=ab_tests(session, journey_id, period),
        thresholds=thresholds,
        thresholds_version=thresholds_version(session),
        as_of=today,
    )


def ab_tests(session: Session, journey_id: int, period: Period) -> list[ABTest]:
    """Every email with two or more labelled variants sending in `period`, compared on clicks ÷ delivered."""
    per_email: dict[int, list] = {}
    for row in email_metrics(session, journey_id, period, by_variant=True, labelled_variants_only=True):
        if row.variant and not row.counts.is_empty:
            per_email.setdefault(row.email_id, []).append(row)
    tested = {email_id: rows for email_id, rows in per_email.items() if len(rows) >= 2}
    subjects: dict[int, dict[str, str]] = {}
    if tested:
        for variant in session.execute(
            select(EmailVariant).where(EmailVariant.email_id.in_(list(tested)))
        ).scalars():
            if variant.subject:
                subjects.setdefault(variant.email_id, {})[variant.label] = variant.subject
    tests = []
    for email_id, rows in tested.items():
        outcomes = [VariantOutcome(r.variant, r.counts.clicks, r.counts.delivered) for r in rows]
        verdict = compare_variants(outcomes)
        if verdict is None:
            continue
        tests.append(
            ABTest(
                email_id=email_id,
                email=rows[0].email,
                stage=rows[0].stage,
                variants=[(r.variant, r.counts) for r in rows],
                subjects=subjects.get(email_id, {}),
                verdict=verdict,
            )
        )
    return tests


# --- notes ------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    journey_id: int
    week: str
    text: str
    version: int  # 0: nothing saved yet


def load_note(session: Session, journey_id: int, week: str) -> Note:
    row = session.execute(
        select(WeeklyNote).where(WeeklyNote.journey_id == journey_id, WeeklyNote.week == week)
    ).scalar_one_or_none()
    if row is None:
        return Note(journey_id, week, "", 0)
    return Note(journey_id, week, row.notes, row.version)


def save_note(session: Session, journey_id: int, week: str, text: str, expected_version: int) -> Note:
    """Save the team's notes for a week, made against `expected_version` (0 for a first save).

    Refused with StaleEdit when a teammate saved in between; nothing is overwritten.
    """
    journeys.get_journey(session, journey_id)
    parse_week(week)
    if len(text) > MAX_NOTES:
        raise InvalidInput(
            f"Notes are {len(text):,} characters; keep them under {MAX_NOTES:,}.", field="notes"
        )
    stale = StaleEdit(
        f"A teammate saved notes for {week} since you opened them. Nothing was overwritten: copy your "
        "text, reload to see theirs, then merge and save again."
    )
    row = session.execute(
        select(WeeklyNote).where(WeeklyNote.journey_id == journey_id, WeeklyNote.week == week)
    ).scalar_one_or_none()
    if row is None and expected_version == 0:
        session.add(WeeklyNote(journey_id=journey_id, week=week, notes=text))
        session.flush()
    elif (
        row is None
        or update_versioned(session, WeeklyNote, row.id, expected_version, {"notes": text}) is None
    ):
        raise stale
    return load_note(session, journey_id, week)


# --- the tables (the page and both exports read these) --------------------------

RATE_COLUMNS = ("This week", "Previous week", "vs previous week", "4-week average", "vs 4-week average")
CHANGE_COLUMNS = ("vs previous week", "vs 4-week average")
AB_RATES = ("open_rate", "click_rate")


@dataclass(frozen=True)
class ReviewRow:
    """One row of a review table: its cells as text, and the tone ("good", "bad") of the cells that have one."""

    cells: dict[str, str]
    tones: dict[str, str] = field(default_factory=dict)


def thresholds_as_percent(thresholds: Thresholds) -> dict[str, float]:
    """Thresholds in percent, for the settings form."""
    return {f.name: getattr(thresholds, f.name) * 100 for f in fields(thresholds)}


def rate_label(name: str) -> str:
    """A rate's name in the tables, saying so where lower is better (the cue that is not a colour)."""
    definition = RATE_DEFINITIONS[name]
    return definition.label if definition.higher_is_better else f"{definition.label} (lower is better)"


def count_rows(review: WeeklyReview) -> list[dict[str, str]]:
    """This week's volume, one row per stage: the counts (conversions where imported), revenue and revenue
    per recipient (where imported), and the stage's number of alerts."""
    rows = []
    for s in review.stages:
        row = {"Stage": s.stage}
        row.update({c.capitalize(): f"{getattr(s.counts, c):,}" for c in review.shown_counts})
        if review.has_revenue:
            row["Revenue"] = format_amount(s.counts.revenue)
            row["Revenue per recipient"] = format_amount(s.revenue_per_recipient)
        row["Alerts"] = f"⚠️ {len(s.alerts)}" if s.alerts else ""
        rows.append(row)
    return rows


def _row(label: str, values: tuple[str, str, str], changes: tuple[Change, Change], formula: str) -> ReviewRow:
    now, before, average = values
    cells = dict(zip(RATE_COLUMNS, (now, before, changes[0].text, average, changes[1].text), strict=True))
    tones = {column: c.tone for column, c in zip(CHANGE_COLUMNS, changes, strict=True) if c.tone}
    return ReviewRow({"Rate": label, **cells, "Definition": formula}, tones)


def stage_rows(review: WeeklyReview, stage: StageReview) -> list[ReviewRow]:
    """One stage's table: each rate this week, the previous week and over the 4 weeks before, with both
    changes in percentage points (relative in brackets); then, where imported, revenue and revenue per
    recipient where the stage has revenue (the 4-week average of revenue is per week: the four weeks'
    revenue ÷ 4; a week in progress has its revenue so far, not compared with whole weeks)."""
    rows = [
        _row(
            rate_label(name),
            (
                format_rate(stage.rates[name]),
                format_rate(stage.previous[name]),
                format_rate(stage.average[name]),
            ),
            stage.rate_changes(name),
            RATE_DEFINITIONS[name].formula,
        )
        for name in review.shown_rates
    ]
    if any(c.revenue for c in (stage.counts, stage.previous_counts, stage.four_weeks)):
        weekly = (stage.counts.revenue, stage.previous_counts.revenue, stage.four_weeks.revenue / 4)
        per_recipient = tuple(
            rate(c.revenue, c.delivered) for c in (stage.counts, stage.previous_counts, stage.four_weeks)
        )
        # A week in progress has only some days of revenue: its total is not compared with whole weeks.
        whole = review.is_complete
        for label, values, formula, compared in (
            ("Revenue", weekly, "revenue in the week" if whole else "revenue so far this week", whole),
            ("Revenue per recipient", per_recipient, "revenue ÷ delivered", True),
        ):
            now = values[0] if compared else None
            changes = (amount_change(now, values[1]), amount_change(now, values[2]))
            rows.append(_row(label, tuple(format_amount(v) for v in values), changes, formula))
    return rows


QUIET_STAGE = "Nothing sent this week nor in the four weeks before."


def stage_is_quiet(stage: StageReview) -> bool:
    """Nothing sent this week nor in the four weeks before: the stage has no table to show."""
    return stage.counts.is_empty and stage.previous_counts.is_empty and stage.four_weeks.is_empty


def ab_result(test: ABTest, label: str) -> str:
    """A variant's result in the A/B table: "🏆 Winner", "Lost" (a winner exists) or "No winner"."""
    if test.verdict.winner is None:
        return "No winner"
    return "🏆 Winner" if test.verdict.winner == label else "Lost"


def ab_rows(review: WeeklyReview) -> list[dict[str, Any]]:
    """Every A/B test of the week in one table, one row per variant: counts as numbers and rates as
    fractions (None where undefined), so the page can sort them; each row carries its test's verdict."""
    return [
        {
            "Email": test.email,
            "Stage": test.stage,
            "Variant": label,
            "Sent": counts.sent,
            "Delivered": counts.delivered,
            **{RATE_DEFINITIONS[n].label: counts.rate(n) for n in AB_RATES},
            "Result": ab_result(test, label),
            "Subject": test.subjects.get(label, "(the email's own)"),
            "Verdict": test.verdict.message,
        }
        for test in review.ab_tests
        for label, counts in test.variants
    ]


def ab_winners(review: WeeklyReview) -> list[ABTest]:
    """The week's A/B tests that have a significant winner."""
    return [t for t in review.ab_tests if t.verdict.winner]


# --- export -------------------------------------------------------------------

PERIOD_NOTE = (
    "Rate changes are in percentage points (pp), the relative change in brackets: against the previous "
    "week and against the 4-week average (the four weeks before, counts summed)."
)


def _md_cell(text: Any) -> str:
    """User text for the Markdown export, on one line: no HTML, no link or image, no table break."""
    return escape_markdown(str(text).replace("\r", " ").replace("\n", " "))


_USER_TEXT = {"Stage", "Email", "Variant", "Subject"}  # the columns that hold names the team typed


def _md_table(rows: list[dict[str, Any]]) -> list[str]:
    """Rows of text as a Markdown table, the team's names escaped (numbers and labels are the app's own)."""
    if not rows:
        return []
    lines = ["| " + " | ".join(rows[0]) + " |", "|---" * len(rows[0]) + "|"]
    return lines + [
        "| " + " | ".join(_md_cell(v) if k in _USER_TEXT else str(v) for k, v in row.items()) + " |"
        for row in rows
    ]


def ab_text_rows(review: WeeklyReview) -> list[dict[str, str]]:
    """ab_rows as text, for the exports (the verdicts follow the table, once per test)."""
    rate_names = {RATE_DEFINITIONS[n].label for n in AB_RATES}
    return [
        {
            k: format_rate(v) if k in rate_names else f"{v:,}" if isinstance(v, int) else str(v)
            for k, v in row.items()
            if k != "Verdict"
        }
        for row in ab_rows(review)
    ]


def review_markdown(review: WeeklyReview, notes: str = "") -> str:
    """The review as Markdown, in the page's order: alerts, A/B tests, this week's volume, one rates table per
    stage, notes; every name and the notes escaped (journey.core.text.escape_markdown): no HTML, link or
    image from user text. Markdown has no colour: the signs and "(lower is better)" say which way is good."""
    lines = [
        f"# Weekly review: {_md_cell(review.journey)}, {review.week}"
        + (f", {review.progress}" if review.progress else ""),
        "",
        f"{review.period.start:%A %d %B %Y} to {review.period.end:%A %d %B %Y}. {PERIOD_NOTE}",
        "",
    ]
    if review.is_empty:
        lines += ["No metrics for this week yet.", ""]
    lines += ["## Alerts", ""]
    if not review.alerts:
        lines.append("No alerts this week.")
    for alert in review.alerts:
        lines += [
            f"- **{_md_cell(alert.stage)}**: {_md_cell(alert.message)}",
            f"  - Likely cause: {alert.likely_cause}",
            f"  - What to try: {alert.what_to_try}",
        ]
    lines += ["", "## A/B tests", ""]
    if not review.ab_tests:
        lines.append("No A/B test sent this week.")
    else:
        lines += [*_md_table(ab_text_rows(review)), ""]
        lines += [
            f"- **{_md_cell(t.email)}** ({_md_cell(t.stage)}): {_md_cell(t.verdict.message)}"
            for t in review.ab_tests
        ]
        lines += ["", f"_{WHY_CLICKS}_"]
    lines += ["", "## This week per stage", "", *_md_table(count_rows(review))]
    for s in review.stages:
        lines += ["", f"### {_md_cell(s.stage)} · {plural(s.counts.delivered, 'email')} delivered", ""]
        if stage_is_quiet(s):
            lines.append(QUIET_STAGE)
        else:
            lines += _md_table([r.cells for r in stage_rows(review, s)])
    lines += ["", "## Team notes", "", escape_markdown(notes.strip()) or "_No notes yet._", ""]  # as typed
    return "\n".join(lines)


_HTML_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 2rem; max-width: 60rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child, .text { text-align: left; }
td.good { color: #14632d; background: #e3f4e8; font-weight: 600; }
td.bad { color: #a61b1b; background: #fde8e8; font-weight: 600; }
.alert { border-left: 4px solid #c0392b; padding: .25rem .75rem; margin: .5rem 0; }
.verdict { font-weight: bold; } .notes { white-space: pre-wrap; border: 1px solid #ccc; padding: .75rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } table, .alert { break-inside: avoid; }
  td.good, td.bad { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""
_TEXT_COLUMNS = {"Stage", "Rate", "Email", "Variant", "Subject", "Result", "Definition"}


def html_table(rows: list[ReviewRow], *, hover: str | None = None) -> str:
    """Rows as an HTML table, every cell escaped; a toned cell gets its class ("good", "bad"). The column
    `hover` (say "Definition") is not shown but given as the first cell's title, shown on hover."""
    if not rows:
        return ""
    e = html.escape
    columns = [c for c in rows[0].cells if c != hover]
    text = {c for c in columns[1:] if c in _TEXT_COLUMNS}  # left-aligned (the first column is by the style)
    head = "".join(f"<th class='text'>{e(c)}</th>" if c in text else f"<th>{e(c)}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            classes = " ".join(filter(None, ("text" if column in text else "", row.tones.get(column))))
            attributes = f" class='{classes}'" if classes else ""
            if hover and column == columns[0]:
                attributes += f" title='{e(row.cells[hover])}'"
            cells.append(f"<td{attributes}>{e(row.cells[column])}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def stage_sections_html(review: WeeklyReview, *, definitions: bool = True) -> str:
    """Each stage's name, deliveries and rates table as HTML (the page and the HTML export show these);
    without `definitions`, each rate's definition is its name's hover text instead of a column."""
    e = html.escape
    parts = []
    for s in review.stages:
        parts.append(
            f"<h3>{e(s.stage)} <small>· {plural(s.counts.delivered, 'email')} delivered</small></h3>"
        )
        if stage_is_quiet(s):
            parts.append(f"<p>{QUIET_STAGE}</p>")
        else:
            table = html_table(stage_rows(review, s), hover=None if definitions else "Definition")
            parts.append(f"<div class='scroll'>{table}</div>")  # a narrow screen scrolls each table alone
    return "\n".join(parts)


def review_html(review: WeeklyReview, notes: str = "") -> str:
    """The review as a self-contained, printable HTML page (no scripts, no external files), in the page's
    order, the changes coloured green (good) or red (bad) as on the page."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Weekly review: {e(review.journey)}, {e(review.week)}</title>",
        f"<style>{_HTML_STYLE}</style></head><body>",
        f"<h1>Weekly review: {e(review.journey)}, {e(review.week)}"
        + (f", {e(review.progress)}" if review.progress else "")
        + "</h1>",
        f"<p>{review.period.start:%A %d %B %Y} to {review.period.end:%A %d %B %Y}. {e(PERIOD_NOTE)}</p>",
    ]
    if review.is_empty:
        parts.append("<p>No metrics for this week yet.</p>")
    parts.append("<h2>Alerts</h2>")
    if not review.alerts:
        parts.append("<p>No alerts this week.</p>")
    for alert in review.alerts:
        parts.append(
            f"<div class='alert'><p><strong>{e(alert.stage)}</strong>: {e(alert.message)}</p>"
            f"<p>Likely cause: {e(alert.likely_cause)}</p><p>What to try: {e(alert.what_to_try)}</p></div>"
        )
    parts.append("<h2>A/B tests</h2>")
    if not review.ab_tests:
        parts.append("<p>No A/B test sent this week.</p>")
    else:
        parts.append(html_table([ReviewRow(r) for r in ab_text_rows(review)]))
        parts += [
            f"<p class='verdict'>{e(t.email)} ({e(t.stage)}): {e(t.verdict.message)}</p>"
            for t in review.ab_tests
        ]
        parts.append(f"<p><em>{e(WHY_CLICKS)}</em></p>")
    parts.append("<h2>This week per stage</h2>")
    parts.append(html_table([ReviewRow(r) for r in count_rows(review)]))
    parts.append(stage_sections_html(review))
    parts.append(
        f"<h2>Team notes</h2><div class='notes'>{e(notes.strip()) or '<em>No notes yet.</em>'}</div>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def review_weeks(span: tuple[date, date] | None, today: date | None = None, *, most: int = 260) -> list[str]:
    """ISO weeks to review, newest first: from the last complete week (or the latest data) back to the
    first data, and at least the 12 weeks up to the last complete one; `span` is (first, last) day with data."""
    newest = last_complete_week(today).start
    oldest = newest - timedelta(weeks=11)
    if span:
        newest = max(newest, week_start_of(span[1]))
        oldest = min(oldest, week_start_of(span[0]))
    weeks, monday = [], newest
    while monday >= oldest and len(weeks) < most:
        weeks.append(iso_week_label(monday))
        monday -= timedelta(weeks=1)
    return weeks
