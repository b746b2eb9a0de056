"""Chart builders through chart.to_dict(): fields, encodings, tooltips; PNG and CSV downloads."""

import io
from datetime import date

import pytest
from PIL import Image

from journey.measure import charts
from journey.measure.metrics import Counts, EmailMetrics, StageMetrics, WeekMetrics
from journey.measure.weeks import Period

STAGES = [
    StageMetrics(
        1,
        "Awareness",
        0,
        Counts(sent=1_010, delivered=1_000, opens=450, clicks=50, conversions=5, bounces=10),
    ),
    StageMetrics(2, "=Decision", 1, Counts(sent=200, delivered=200, opens=120, clicks=24, conversions=12)),
    StageMetrics(3, "Retention", 2, Counts()),
]
WEEKLY = [
    WeekMetrics(date(2026, 11, 9), 1, "Awareness", 0, Counts(sent=500, delivered=500, opens=200, clicks=20)),
    WeekMetrics(date(2026, 11, 16), 1, "Awareness", 0, Counts(sent=500, delivered=500, opens=250, clicks=30)),
    WeekMetrics(date(2026, 11, 16), 2, "=Decision", 1, Counts(sent=200, delivered=200, opens=120, clicks=24)),
]


def encoding(spec: dict) -> dict:
    return spec.get("encoding") or spec["spec"]["encoding"]


def tooltip_fields(spec: dict) -> set[str]:
    return {t["field"] for t in encoding(spec)["tooltip"]}


def dataset(spec: dict) -> list[dict]:
    (rows,) = spec["datasets"].values()
    return rows


def test_stage_rates_chart_groups_rates_per_stage_in_journey_order_with_definitions():
    frame = charts.stage_rates_frame(STAGES)
    spec = charts.stage_rates_chart(frame).to_dict()
    engagement = spec["vconcat"][0]
    assert engagement["mark"]["type"] == "bar"
    enc = engagement["encoding"]
    assert enc["y"]["field"] == "stage"
    assert enc["y"]["sort"] == ["Awareness", "=Decision", "Retention"]
    assert enc["yOffset"]["field"] == "rate"
    assert enc["x"]["field"] == "value"
    assert enc["x"]["axis"]["format"] == "~%"
    assert {"stage", "rate", "value_text", "numerator", "denominator", "definition"} <= tooltip_fields(
        engagement
    )
    rows = {(r["stage"], r["rate_name"]): r for r in dataset(spec)}
    awareness_open = rows[("Awareness", "open_rate")]
    assert awareness_open["value"] == pytest.approx(0.45)
    assert awareness_open["numerator"] == "450 opens"
    assert awareness_open["denominator"] == "1,000 delivered"
    assert "÷ delivered" in awareness_open["definition"]
    retention_click = rows[("Retention", "click_rate")]
    assert retention_click["value"] is None
    assert retention_click["value_text"] == "–"


def test_outcome_and_risk_rates_each_get_their_own_scale_beside_the_engagement_rates():
    """A 0.3 % unsubscribe rate gets a panel and a scale of its own, not a sliver beside a 45 % open rate."""
    spec = charts.stage_rates_chart(charts.stage_rates_frame(STAGES)).to_dict()
    assert spec["resolve"]["scale"]["x"] == "independent"
    panels = spec["vconcat"]
    filters = [panel["transform"][0]["filter"] for panel in panels]
    assert filters[0] == {"field": "rate_name", "oneOf": ["open_rate", "click_rate", "click_to_open_rate"]}
    assert [f.get("equal") for f in filters[1:]] == [
        "conversion_rate",
        "unsubscribe_rate",
        "bounce_rate",
        "complaint_rate",
    ]
    assert [p["title"] for p in panels] == [
        "Engagement",
        "Conversion rate (own scale)",
        "Unsubscribe rate (own scale)",
        "Bounce rate (own scale)",
        "Spam complaint rate (own scale)",
    ]
    for panel in panels[1:]:
        assert "yOffset" not in panel["encoding"]
        assert panel["encoding"]["y"]["field"] == "stage"
        assert "scale" not in panel["encoding"]["x"]  # each fits its own values
        assert panel["encoding"]["x"]["axis"]["format"] == "~%"  # 0.25 %, not "0 %" on every tick
    assert all(p["width"] == "container" for p in panels)  # stretches to the page, phone included


def test_a_frame_of_outcome_rates_only_draws_no_empty_engagement_panel():
    frame = charts.stage_rates_frame(STAGES, ["unsubscribe_rate", "complaint_rate"])
    panels = charts.stage_rates_chart(frame).to_dict()["vconcat"]
    assert [p["transform"][0]["filter"]["equal"] for p in panels] == ["unsubscribe_rate", "complaint_rate"]


def test_stage_trend_chart_draws_a_line_per_stage_and_a_panel_per_rate():
    frame = charts.stage_trend_frame(WEEKLY, ["open_rate", "click_rate"])
    spec = charts.stage_trend_chart(frame).to_dict()
    assert spec["facet"]["field"] == "rate"
    assert spec["resolve"]["scale"]["y"] == "independent"
    inner = spec["spec"]
    assert inner["mark"]["type"] == "line"
    assert inner["encoding"]["x"]["field"] == "week_label"
    assert inner["encoding"]["x"]["sort"] == ["9–15 Nov", "16–22 Nov"]  # dates, in week order
    assert inner["encoding"]["color"]["field"] == "stage"
    assert {"week", "week_label", "stage", "numerator", "denominator", "definition"} <= tooltip_fields(spec)
    weeks = sorted({r["week"] for r in dataset(spec)})
    assert weeks == ["2026-W46", "2026-W47"]
    w47 = [r for r in dataset(spec) if r["week"] == "2026-W47" and r["stage"] == "Awareness"]
    assert {r["rate_name"]: r["value"] for r in w47} == {"open_rate": 0.5, "click_rate": 0.06}


@pytest.mark.parametrize(
    ("today", "period", "last_label"),
    [
        pytest.param(date(2026, 11, 30), None, "16–22 Nov", id="complete"),
        pytest.param(
            date(2026, 11, 17), None, "16–22 Nov, in progress (2 of 7 days)", id="in-progress-tuesday"
        ),
        pytest.param(
            date(2026, 11, 30),
            Period(date(2026, 11, 9), date(2026, 11, 18)),
            "16–22 Nov (3 of 7 days in the range)",
            id="cut-by-the-range",
        ),
    ],
)
def test_the_trend_labels_its_last_week_in_progress_or_cut_short(today, period, last_label):
    frame = charts.stage_trend_frame(WEEKLY, ["open_rate"], today=today, period=period)
    spec = charts.stage_trend_chart(frame).to_dict()
    assert spec["spec"]["encoding"]["x"]["sort"] == ["9–15 Nov", last_label]
    assert {r["week"] for r in dataset(spec) if r["week_label"] == last_label} == {"2026-W47"}


def test_weeks_across_new_year_carry_their_year():
    weekly = [
        WeekMetrics(date(2025, 12, 22), 1, "Awareness", 0, Counts(sent=1, delivered=1)),
        WeekMetrics(date(2025, 12, 29), 1, "Awareness", 0, Counts(sent=1, delivered=1)),
    ]
    labels = list(charts.stage_trend_frame(weekly, ["open_rate"])["week_label"])
    assert labels == ["22–28 Dec 2025", "29 Dec 2025 – 4 Jan 2026"]


def test_funnel_steps_go_from_reached_to_converted_per_stage():
    frame = charts.funnel_frame(STAGES)
    spec = charts.funnel_chart(frame).to_dict()
    enc = encoding(spec)
    assert enc["y"]["field"] == "stage"
    assert enc["yOffset"]["sort"] == ["Reached", "Opened", "Clicked", "Converted"]
    assert enc["x"]["field"] == "count"
    assert {"stage", "step", "count", "share_text"} <= tooltip_fields(spec)
    awareness = [(r["step"], r["count"]) for r in dataset(spec) if r["stage"] == "Awareness"]
    assert awareness == [("Reached", 1_000), ("Opened", 450), ("Clicked", 50), ("Converted", 5)]
    shares = {r["step"]: r["share_text"] for r in dataset(spec) if r["stage"] == "Retention"}
    assert shares["Opened"] == "–"


def test_email_table_has_rates_and_a_weekly_trend_per_email():
    emails = [
        EmailMetrics(
            1, "Welcome", 1, "Awareness", None, Counts(sent=1_000, delivered=1_000, opens=450, clicks=50)
        ),
        EmailMetrics(9, "Unsent", 1, "Awareness", None, Counts()),
    ]
    frame = charts.email_table_frame(emails, WEEKLY[:2], "click_rate")
    assert list(frame["email"]) == ["Welcome", "Unsent"]
    assert frame.loc[0, "click_rate"] == pytest.approx(0.05)
    assert frame.loc[0, "trend"] == [0.04, 0.06]
    assert frame.loc[1, "trend"] == []
    assert frame["open_rate"].isna().tolist() == [False, True]


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: charts.stage_rates_chart(charts.stage_rates_frame(STAGES)), id="stage-rates"),
        pytest.param(lambda: charts.stage_trend_chart(charts.stage_trend_frame(WEEKLY)), id="trend"),
        pytest.param(lambda: charts.funnel_chart(charts.funnel_frame(STAGES)), id="funnel"),
    ],
)
def test_every_chart_downloads_as_a_png_that_decodes(build):
    png = charts.chart_png(build())
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    assert image.width > 200
    assert image.height > 100


def test_chart_data_downloads_as_csv_with_formulas_defused():
    csv = charts.frame_csv(charts.stage_rates_frame(STAGES)).decode("utf-8")
    header, first, *rest = csv.splitlines()
    assert header.startswith("stage,stage_order,rate,rate_name,value")
    assert first.startswith("Awareness,0,Open rate,open_rate,0.45")
    assert any(line.startswith("'=Decision,") for line in rest)
    table = charts.email_table_frame(
        [EmailMetrics(1, "Welcome", 1, "Awareness", None, Counts(delivered=10))], WEEKLY[:2]
    )
    assert "0.04;0.06" in charts.frame_csv(table).decode()


def test_empty_frames_still_make_charts():
    for chart in (
        charts.stage_rates_chart(charts.stage_rates_frame([])),
        charts.stage_trend_chart(charts.stage_trend_frame([])),
        charts.funnel_chart(charts.funnel_frame([])),
    ):
        assert chart.to_dict()
