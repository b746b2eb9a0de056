"""Metrics: each stage's rates side by side, over weeks, the funnel and a per-email table with its trend."""

from datetime import timedelta

import streamlit as st

from journey.measure import charts
from journey.measure.metrics import RATE_DEFINITIONS, format_rate
from journey.measure.weeks import complete_weeks
from ui.empty import import_metrics_link, no_journeys, no_metrics
from ui.loaders import load_dashboard, load_journey_span, load_metric_scope, workspace_today
from ui.metrics import views as metrics_views
from ui.pickers import dashboard_scope_picker
from ui.widgets import file_stem

KPI_WIDTH = 140  # pixels: five fit a row on a laptop, two or three on a phone

st.title("Metrics")
st.caption(
    "Rates follow the usual definitions: open, click, conversion, unsubscribe and complaint rates divide by "
    "delivered; click-to-open by opens; bounce by sent. “–” means nothing to divide by. Hover a chart for details."
)

scope = load_metric_scope()
if not scope["journeys"]:
    no_journeys(key="dashboard_empty")
    st.stop()
picked = dashboard_scope_picker(scope)
if picked is None:
    st.stop()
choices, journey_id = picked

span, stages = load_journey_span(journey_id)
if span is None:
    no_metrics(journey_id, key="dashboard_no_metrics")
    st.stop()

first, last = span
default = complete_weeks(last, workspace_today(), 12, first_day=first)  # Monday to Sunday, weeks complete
left, middle = st.columns(2)
dates = left.date_input(
    "Dates",
    value=(default.start, default.end),
    min_value=first - timedelta(days=366),
    max_value=last + timedelta(days=366),
    key="dashboard_dates",
)
if not isinstance(dates, tuple) or len(dates) != 2:
    st.info("Pick the last day of the range too.")
    st.stop()
stage_names = dict(stages)
stage_ids = middle.multiselect(
    "Stages", list(stage_names), format_func=stage_names.get, key="dashboard_stages", placeholder="All stages"
)

rate_names = list(RATE_DEFINITIONS)
with st.expander("Chart options"):
    trend_rates = st.multiselect(
        "Rates over weeks",
        rate_names,
        default=list(charts.TREND_RATES),
        format_func=lambda n: RATE_DEFINITIONS[n].label,
        key="dashboard_trend_rates",
    )
    table_rate = st.selectbox(
        "Trend in the email table",
        rate_names,
        index=rate_names.index("click_rate"),
        format_func=lambda n: RATE_DEFINITIONS[n].label,
        key="dashboard_table_rate",
    )

data = load_dashboard(
    journey_id, dates[0], dates[1], stage_ids, trend_rates or charts.TREND_RATES, table_rate
)
total = data["total"]
if total.is_empty:
    st.info("No metrics in these dates — widen the range, or import a CSV on the **Import metrics** page.")
    import_metrics_link()
    st.stop()

stem = file_stem(choices[journey_id], "journey")
kpis = st.container(horizontal=True, wrap=True, gap="small")  # wraps two or three a row on a phone
kpis.metric("Delivered", f"{total.delivered:,}", help="Sent − bounces", width=KPI_WIDTH)
for name in ("open_rate", "click_rate", "conversion_rate", "unsubscribe_rate"):
    kpis.metric(
        RATE_DEFINITIONS[name].label,
        format_rate(total.rate(name)),
        help=RATE_DEFINITIONS[name].help,
        width=KPI_WIDTH,
    )

metrics_views(data, stem=stem, table_rate=table_rate)  # in tabs: only the open one is drawn
