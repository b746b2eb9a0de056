"""Altair charts of a journey's metrics, and the tables behind them.

The `*_frame` functions turn metric results into long, plain DataFrames (what the
dashboard caches and offers as CSV); the `*_chart` builders draw them. Every
tooltip names the rate's definition and shows its numerator and denominator, and an
undefined rate shows "–" (its bar is simply absent). `chart_png` and `frame_csv`
give the downloads.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import altair as alt
import pandas as pd
import vl_convert

from journey.core.text import escape_formula
from journey.measure.metrics import (
    RATE_DEFINITIONS,
    EmailMetrics,
    StageMetrics,
    WeekMetrics,
    format_rate,
    funnel,
)
from journey.measure.weeks import Period, iso_week, week_label

# Engagement rates (tens of per cent) share one scale; each outcome and risk rate (often under 1 %) gets
# its own, so a 0.3 % unsubscribe rate is not an invisible bar beside a 60 % open rate.
ENGAGEMENT_RATES = ("open_rate", "click_rate", "click_to_open_rate")
OWN_SCALE_RATES = ("conversion_rate", "unsubscribe_rate", "bounce_rate", "complaint_rate")
DEFAULT_RATES = (*ENGAGEMENT_RATES, *OWN_SCALE_RATES)
TREND_RATES = ("open_rate", "click_rate", "unsubscribe_rate")
FUNNEL_STEPS = ["Reached", "Opened", "Clicked", "Converted"]


def _rate_rows(name: str, position: int, counts, rate_names: Sequence[str], **extra) -> list[dict]:
    rows = []
    for rate_name in rate_names:
        definition = RATE_DEFINITIONS[rate_name]
        value = counts.rate(rate_name)
        rows.append(
            {
                **extra,
                "name": name,
                "order": position,
                "rate": definition.label,
                "rate_name": rate_name,
                "value": value,
                "value_text": format_rate(value),
                "definition": definition.help,
                "numerator": f"{getattr(counts, definition.numerator):,} {definition.numerator}",
                "denominator": f"{getattr(counts, definition.denominator):,} {definition.denominator}",
            }
        )
    return rows


def _frame(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
    if "value" in frame:
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame


RATE_COLUMNS = (
    "stage",
    "stage_order",
    "rate",
    "rate_name",
    "value",
    "value_text",
    "definition",
    "numerator",
    "denominator",
)


def stage_rates_frame(
    stages: Sequence[StageMetrics], rate_names: Sequence[str] = DEFAULT_RATES
) -> pd.DataFrame:
    """One row per stage and rate: the value (NaN where undefined), its text, definition and counts."""
    rows = []
    for stage in stages:
        for row in _rate_rows(stage.stage, stage.position, stage.counts, rate_names):
            row["stage"], row["stage_order"] = row.pop("name"), row.pop("order")
            rows.append(row)
    return _frame(rows, RATE_COLUMNS)


def _tooltip(*first: alt.Tooltip) -> list[alt.Tooltip]:
    return [
        *first,
        alt.Tooltip("rate:N", title="Rate"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("numerator:N", title="Numerator"),
        alt.Tooltip("denominator:N", title="Denominator"),
        alt.Tooltip("definition:N", title="Definition"),
    ]


def _stage_order(frame: pd.DataFrame, column: str = "stage", order: str = "stage_order") -> list[str]:
    if frame.empty:
        return []
    return list(frame.sort_values(order)[column].drop_duplicates())


def _rate_order(frame: pd.DataFrame) -> list[str]:
    names = list(dict.fromkeys(frame["rate_name"])) if not frame.empty else []
    return [RATE_DEFINITIONS[n].label for n in RATE_DEFINITIONS if n in names]


# Each outcome or risk rate's bars in one colour of their own (their panel's title names the rate).
OWN_SCALE_COLORS = {
    "conversion_rate": "#54a24b",
    "unsubscribe_rate": "#b279a2",
    "bounce_rate": "#9d755d",
    "complaint_rate": "#79706e",
}


def stage_rates_chart(frame: pd.DataFrame) -> alt.VConcatChart:
    """Each stage's rates, stages in journey order (one bar per stage, so every label reads on a phone):
    the engagement rates side by side on one scale, then one panel per outcome or risk rate (conversion,
    unsubscribe, bounce, complaint), each on its own scale."""
    names = [n for n in RATE_DEFINITIONS if n in set(frame["rate_name"])] if not frame.empty else []
    engagement = [n for n in names if n not in OWN_SCALE_RATES] or ([] if names else list(ENGAGEMENT_RATES))
    stage = alt.Y(
        "stage:N", sort=_stage_order(frame), title=None, axis=alt.Axis(labelLimit=110, minExtent=90)
    )
    tooltip = _tooltip(alt.Tooltip("stage:N", title="Stage"))
    panels = []
    if engagement:
        labels = [RATE_DEFINITIONS[n].label for n in engagement]
        panels.append(
            alt.Chart(title="Engagement")
            .transform_filter(alt.FieldOneOfPredicate(field="rate_name", oneOf=engagement))
            .mark_bar()
            .encode(
                y=stage,
                yOffset=alt.YOffset("rate:N", sort=labels),
                x=alt.X("value:Q", title=None, axis=alt.Axis(format="~%")),
                color=alt.Color("rate:N", sort=labels, title=None, legend=alt.Legend(orient="top")),
                tooltip=tooltip,
            )
            .properties(width="container", height=alt.Step(8))
        )
    for name in (n for n in names if n in OWN_SCALE_RATES):
        panels.append(
            alt.Chart(title=f"{RATE_DEFINITIONS[name].label} (own scale)")
            .transform_filter(alt.FieldEqualPredicate(field="rate_name", equal=name))
            .mark_bar(color=OWN_SCALE_COLORS[name])
            .encode(
                y=stage,
                x=alt.X("value:Q", title=None, axis=alt.Axis(format="~%", tickCount=4)),
                tooltip=tooltip,
            )
            .properties(width="container", height=alt.Step(20))
        )
    return alt.vconcat(*panels, data=frame, title="Rates per stage").resolve_scale(x="independent")


TREND_COLUMNS = ("week", "week_start", "week_label", *RATE_COLUMNS)


def week_axis_label(start: date, *, today: date | None, period: Period | None, year: bool) -> str:
    """A week as a chart reads it: its dates ("24–30 Nov"), marked "in progress (N of 7 days)" while under
    way, or "(N of 7 days in the range)" when the dates picked cut it."""
    label = week_label(start, today=today, year=year)
    week = iso_week(start)
    if period is None or (today is not None and not week.is_complete(today)):
        return label
    counted = Period(max(week.start, period.start), min(week.end, period.end)).days
    return label if counted >= week.days else f"{label} ({counted} of {week.days} days in the range)"


def stage_trend_frame(
    weekly: Sequence[WeekMetrics],
    rate_names: Sequence[str] = TREND_RATES,
    *,
    today: date | None = None,
    period: Period | None = None,
) -> pd.DataFrame:
    """One row per ISO week, stage and rate; each week labelled with its dates (week_axis_label: with
    `today`, the week in progress is marked; with `period`, a week the range cuts says so)."""
    years = {day.year for week in weekly for day in (week.week_start, iso_week(week.week_start).end)}
    labels = {
        w.week_start: week_axis_label(w.week_start, today=today, period=period, year=len(years) > 1)
        for w in weekly
    }
    rows = []
    for week in weekly:
        for row in _rate_rows(
            week.name,
            week.position,
            week.counts,
            rate_names,
            week=week.week,
            week_start=week.week_start.isoformat(),
            week_label=labels[week.week_start],
        ):
            row["stage"], row["stage_order"] = row.pop("name"), row.pop("order")
            rows.append(row)
    return _frame(rows, TREND_COLUMNS)


def stage_trend_chart(frame: pd.DataFrame) -> alt.FacetChart:
    """Each stage's rates over ISO weeks: one panel per rate (own scale), one line per stage; weeks read as
    their dates ("24–30 Nov"), in order, with the ISO week in the tooltip."""
    rates = _rate_order(frame)
    weeks = list(frame.sort_values("week_start")["week_label"].drop_duplicates()) if not frame.empty else []
    base = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "week_label:O", title="Week (Monday to Sunday)", sort=weeks, axis=alt.Axis(labelAngle=-45)
            ),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="%")),
            color=alt.Color("stage:N", sort=_stage_order(frame), title="Stage"),
            tooltip=_tooltip(
                alt.Tooltip("week_label:N", title="Week"),
                alt.Tooltip("week:N", title="ISO week"),
                alt.Tooltip("stage:N", title="Stage"),
            ),
        )
        .properties(width=320, height=200)
    )
    return (
        base.facet(facet=alt.Facet("rate:N", sort=rates, title=None), columns=2)
        .resolve_scale(y="independent")
        .properties(title="Rates per stage over ISO weeks")
    )


FUNNEL_COLUMNS = ("stage", "stage_order", "step", "step_order", "count", "share_of_reached", "share_text")


def funnel_frame(stages: Sequence[StageMetrics]) -> pd.DataFrame:
    """Reached (delivered) → opened → clicked → converted, per stage."""
    rows = funnel(stages)
    for row in rows:
        row["share_text"] = format_rate(row["share_of_reached"])
    frame = _frame(rows, FUNNEL_COLUMNS)
    frame["share_of_reached"] = pd.to_numeric(frame["share_of_reached"], errors="coerce")
    return frame


def funnel_chart(frame: pd.DataFrame) -> alt.Chart:
    """The funnel across stages: per stage, how many were reached, opened, clicked and converted."""
    return (
        alt.Chart(frame, title="Funnel per stage: reached → opened → clicked → converted")
        .mark_bar()
        .encode(
            y=alt.Y("stage:N", sort=_stage_order(frame), title="Stage"),
            yOffset=alt.YOffset("step:N", sort=FUNNEL_STEPS),
            x=alt.X("count:Q", title="Recipients (unique)"),
            color=alt.Color(
                "step:N", sort=FUNNEL_STEPS, title="Step", scale=alt.Scale(scheme="blues", reverse=True)
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("count:Q", title="Count", format=","),
                alt.Tooltip("share_text:N", title="Share of reached (÷ delivered)"),
            ],
        )
        .properties(height=alt.Step(9))
    )


EMAIL_RATES = (
    "open_rate",
    "click_rate",
    "click_to_open_rate",
    "conversion_rate",
    "unsubscribe_rate",
    "bounce_rate",
)
EMAIL_COLUMNS = ("stage", "email", "sent", "delivered", "conversions", "revenue", *EMAIL_RATES, "trend")


def email_table_frame(
    emails: Sequence[EmailMetrics], weekly: Sequence[WeekMetrics], trend_rate: str = "click_rate"
) -> pd.DataFrame:
    """Per email: counts, revenue, rates (fractions; NaN where undefined) and the weekly `trend_rate` as a list.

    Every column but stage, email and trend is numeric, so the table sorts each as a number.
    """
    trend: dict[int, list[float | None]] = {}
    for week in sorted(weekly, key=lambda w: w.week_start):
        trend.setdefault(week.key, []).append(week.counts.rate(trend_rate))
    rows = []
    for email in emails:
        counts = email.counts
        row = {"stage": email.stage, "email": email.email, "sent": counts.sent, "delivered": counts.delivered}
        row.update(conversions=counts.conversions, revenue=counts.revenue)
        row.update({name: counts.rate(name) for name in EMAIL_RATES})
        row["trend"] = [v if v is not None else float("nan") for v in trend.get(email.email_id, [])]
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(EMAIL_COLUMNS))
    for name in ("sent", "delivered", "conversions"):
        frame[name] = frame[name].astype("int64")
    frame["revenue"] = frame["revenue"].astype("float64")
    for name in EMAIL_RATES:
        frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame


def chart_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as a PNG image (rendered without a browser by vl-convert)."""
    return vl_convert.vegalite_to_png(chart.to_dict(), scale=scale)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """A chart's data as UTF-8 CSV (formula-looking text escaped; lists written as `a;b;c`)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: (
                    ";".join("" if pd.isna(x) else f"{x:.6g}" for x in v)
                    if isinstance(v, list)
                    else escape_formula(v)
                )
            )
    return out.to_csv(index=False).encode("utf-8")
