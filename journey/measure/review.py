"""The weekly review: per stage, what changed against the previous week and the 4-week average,
alerts with their likely cause and what to try, the week's A/B tests, and the team's notes.

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
from journey.core.text import escape_markdown
from journey.measure.metrics import (
    RATE_DEFINITIONS,
    RATE_NAMES,
    REPORT_COUNTS,
    REPORT_RATES,
    Counts,
    StageMetrics,
    email_metrics,
    format_change,
    format_rate,
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
            add(
                f"{metric}_drop",
                metric,
                f"{label} fell to {format_rate(rates[metric])}, {format_change(change)} against its "
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
        add(
            "machine_opens",
            "open_rate",
            f"Opens are up {format_change(opens)} while clicks are {format_change(clicks)} against the "
            "4-week average.",
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
    change_vs_previous: dict[str, float | None]
    change_vs_average: dict[str, float | None]
    alerts: list[Alert] = field(default_factory=list)


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
        rates = stage.counts.rates
        before = previous.get(stage.stage_id, Counts()).rates
        avg = average.get(stage.stage_id, Counts()).rates
        review = StageReview(
            stage_id=stage.stage_id,
            stage=stage.stage,
            counts=stage.counts,
            rates=rates,
            previous=before,
            average=avg,
            change_vs_previous={n: relative_change(rates[n], before[n]) for n in RATE_NAMES},
            change_vs_average={n: relative_change(rates[n], avg[n]) for n in RATE_NAMES},
        )
        if not stage.counts.is_empty:
            review.alerts = stage_alerts(
                stage.stage,
                stage.counts,
                average.get(stage.stage_id, Counts()),
                thresholds,
                complete=complete,
            )
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


# --- export -------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    """User text for the Markdown export, on one line: no HTML, no link or image, no table break."""
    return escape_markdown(str(text).replace("\r", " ").replace("\n", " "))


def review_markdown(review: WeeklyReview, notes: str = "") -> str:
    """The review as Markdown: per stage counts, rates and changes, alerts, A/B tests and notes; every
    name and the notes escaped (journey.core.text.escape_markdown): no HTML, link or image from user text."""
    lines = [
        f"# Weekly review: {_md_cell(review.journey)}, {review.week}"
        + (f", {review.progress}" if review.progress else ""),
        "",
        f"{review.period.start:%A %d %B %Y} to {review.period.end:%A %d %B %Y}. "
        "Changes are relative: against the previous week and against the 4-week average.",
        "",
    ]
    if review.is_empty:
        lines += ["No metrics for this week yet.", ""]
    lines += ["## Counts", ""]
    lines.append("| Stage | " + " | ".join(c.capitalize() for c in REPORT_COUNTS) + " |")
    lines.append("|---" * (len(REPORT_COUNTS) + 1) + "|")
    for s in review.stages:
        lines.append(
            f"| {_md_cell(s.stage)} | "
            + " | ".join(f"{getattr(s.counts, c):,}" for c in REPORT_COUNTS)
            + " |"
        )
    lines += ["", "## Rates", ""]
    lines.append(
        "| Stage | Rate | This week | Previous week | vs previous | 4-week average | vs 4-week average |"
    )
    lines.append("|---|---|---|---|---|---|---|")
    for s in review.stages:
        for name in REPORT_RATES:
            lines.append(
                f"| {_md_cell(s.stage)} | {RATE_DEFINITIONS[name].label} | {format_rate(s.rates[name])} | "
                f"{format_rate(s.previous[name])} | {format_change(s.change_vs_previous[name])} | "
                f"{format_rate(s.average[name])} | {format_change(s.change_vs_average[name])} |"
            )
    lines += ["", "## Alerts", ""]
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
    for test in review.ab_tests:
        lines += [f"### {_md_cell(test.email)} ({_md_cell(test.stage)})", ""]
        lines.append("| Variant | Subject | Delivered | Opens | Clicks | Open rate | Click rate |")
        lines.append("|---|---|---|---|---|---|---|")
        for label, counts in test.variants:
            lines.append(
                f"| {_md_cell(label)} | {_md_cell(test.subjects.get(label, ''))} | {counts.delivered:,} | "
                f"{counts.opens:,} | {counts.clicks:,} | {format_rate(counts.rate('open_rate'))} | "
                f"{format_rate(counts.rate('click_rate'))} |"
            )
        lines += ["", f"**{_md_cell(test.verdict.message)}**", "", f"_{WHY_CLICKS}_", ""]
    lines += ["", "## Team notes", "", escape_markdown(notes.strip()) or "_No notes yet._", ""]  # as typed
    return "\n".join(lines)


_HTML_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 2rem; max-width: 60rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child, td.text { text-align: left; }
.alert { border-left: 4px solid #c0392b; padding: .25rem .75rem; margin: .5rem 0; }
.verdict { font-weight: bold; } .notes { white-space: pre-wrap; border: 1px solid #ccc; padding: .75rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } table, .alert { break-inside: avoid; } }
"""


def review_html(review: WeeklyReview, notes: str = "") -> str:
    """The review as a self-contained, printable HTML page (no scripts, no external files)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Weekly review: {e(review.journey)}, {e(review.week)}</title>",
        f"<style>{_HTML_STYLE}</style></head><body>",
        f"<h1>Weekly review: {e(review.journey)}, {e(review.week)}"
        + (f", {e(review.progress)}" if review.progress else "")
        + "</h1>",
        f"<p>{review.period.start:%A %d %B %Y} to {review.period.end:%A %d %B %Y}. Changes are relative: "
        "against the previous week and against the 4-week average.</p>",
    ]
    if review.is_empty:
        parts.append("<p>No metrics for this week yet.</p>")
    parts.append("<h2>Counts</h2><table><tr><th>Stage</th>")
    parts += [f"<th>{e(c.capitalize())}</th>" for c in REPORT_COUNTS]
    parts.append("</tr>")
    for s in review.stages:
        cells = "".join(f"<td>{getattr(s.counts, c):,}</td>" for c in REPORT_COUNTS)
        parts.append(f"<tr><td>{e(s.stage)}</td>{cells}</tr>")
    parts.append("</table><h2>Rates</h2><table><tr><th>Stage</th><th>Rate</th><th>This week</th>")
    parts.append(
        "<th>Previous week</th><th>vs previous</th><th>4-week average</th><th>vs 4-week average</th></tr>"
    )
    for s in review.stages:
        for name in REPORT_RATES:
            definition = RATE_DEFINITIONS[name]
            parts.append(
                f"<tr><td>{e(s.stage)}</td><td class='text' title='{e(definition.formula)}'>"
                f"{e(definition.label)}</td><td>{format_rate(s.rates[name])}</td>"
                f"<td>{format_rate(s.previous[name])}</td><td>{format_change(s.change_vs_previous[name])}</td>"
                f"<td>{format_rate(s.average[name])}</td><td>{format_change(s.change_vs_average[name])}</td></tr>"
            )
    parts.append("</table><h2>Alerts</h2>")
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
    for test in review.ab_tests:
        parts.append(f"<h3>{e(test.email)} ({e(test.stage)})</h3><table><tr><th>Variant</th><th>Subject</th>")
        parts.append(
            "<th>Delivered</th><th>Opens</th><th>Clicks</th><th>Open rate</th><th>Click rate</th></tr>"
        )
        for label, counts in test.variants:
            parts.append(
                f"<tr><td>{e(label)}</td><td class='text'>{e(test.subjects.get(label, ''))}</td>"
                f"<td>{counts.delivered:,}</td><td>{counts.opens:,}</td><td>{counts.clicks:,}</td>"
                f"<td>{format_rate(counts.rate('open_rate'))}</td><td>{format_rate(counts.rate('click_rate'))}</td></tr>"
            )
        parts.append(
            f"</table><p class='verdict'>{e(test.verdict.message)}</p><p><em>{e(WHY_CLICKS)}</em></p>"
        )
    parts.append(
        f"<h2>Team notes</h2><div class='notes'>{e(notes.strip()) or '<em>No notes yet.</em>'}</div>"
    )
    parts.append("</body></html>")
    return "\n".join(parts)


def thresholds_as_percent(thresholds: Thresholds) -> dict[str, float]:
    """Thresholds in percent, for the settings form."""
    return {f.name: getattr(thresholds, f.name) * 100 for f in fields(thresholds)}


def count_rows(review: WeeklyReview) -> list[dict[str, str]]:
    """The review page's counts table: one row per stage, numbers as text, with its number of alerts."""
    rows = []
    for s in review.stages:
        row = {"Stage": s.stage}
        row.update({c.capitalize(): f"{getattr(s.counts, c):,}" for c in REPORT_COUNTS})
        row["Alerts"] = f"⚠️ {len(s.alerts)}" if s.alerts else ""
        rows.append(row)
    return rows


def rate_rows(review: WeeklyReview) -> list[dict[str, str]]:
    """The review page's rates table: one row per stage and rate, with both changes ("–" where undefined)."""
    return [
        {
            "Stage": s.stage,
            "Rate": RATE_DEFINITIONS[name].label,
            "This week": format_rate(s.rates[name]),
            "Previous week": format_rate(s.previous[name]),
            "vs previous": format_change(s.change_vs_previous[name]),
            "4-week average": format_rate(s.average[name]),
            "vs 4-week average": format_change(s.change_vs_average[name]),
            "Definition": RATE_DEFINITIONS[name].formula,
        }
        for s in review.stages
        for name in REPORT_RATES
    ]


def variant_rows(test: ABTest) -> list[dict[str, str]]:
    """One A/B test's variants as text rows."""
    return [
        {
            "Variant": label,
            "Subject": test.subjects.get(label, "(the email's own)"),
            "Delivered": f"{counts.delivered:,}",
            "Opens": f"{counts.opens:,}",
            "Clicks": f"{counts.clicks:,}",
            "Open rate": format_rate(counts.rate("open_rate")),
            "Click rate": format_rate(counts.rate("click_rate")),
            "Winner": "🏆" if test.verdict.winner == label else "",
        }
        for label, counts in test.variants
    ]


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
