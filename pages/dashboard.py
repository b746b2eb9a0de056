"""Metrics: each stage's rates side by side, over weeks, the funnel and a per-email table with its trend."""

from datetime import timedelta
from functools import partial

import streamlit as st

from journey.measure import charts
from journey.measure.metrics import RATE_DEFINITIONS, format_rate
from journey.measure.weeks import complete_weeks
from ui.empty import import_metrics_link, no_journeys, no_metrics
from ui.loaders import load_dashboard, load_journey_span, load_metric_scope, workspace_today
from ui.pickers import dashboard_scope_picker
from ui.widgets import chart_with_downloads, download, file_stem, rates_table

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
columns = st.columns(5)
columns[0].metric("Delivered", f"{total.delivered:,}", help="Sent − bounces")
for column, name in zip(
    columns[1:], ("open_rate", "click_rate", "conversion_rate", "unsubscribe_rate"), strict=True
):
    column.metric(
        RATE_DEFINITIONS[name].label, format_rate(total.rate(name)), help=RATE_DEFINITIONS[name].help
    )

st.subheader("Rates per stage")
chart_with_downloads(
    charts.stage_rates_chart,
    data["stage_rates"],
    stem=f"{stem}-rates-per-stage",
    key="dashboard_stage_rates",
    width="stretch",
)

st.subheader("Over ISO weeks")
chart_with_downloads(
    charts.stage_trend_chart, data["trend"], stem=f"{stem}-rates-per-week", key="dashboard_trend"
)

st.subheader("Funnel")
chart_with_downloads(
    charts.funnel_chart, data["funnel"], stem=f"{stem}-funnel", key="dashboard_funnel", width="stretch"
)

st.subheader("Emails")
rates_table(
    data["emails"],
    charts.EMAIL_RATES,
    hide_index=True,
    width="stretch",
    key="dashboard_emails",
    column_config={
        "stage": "Stage",
        "email": "Email",
        "sent": st.column_config.NumberColumn("Sent", format="localized"),
        "delivered": st.column_config.NumberColumn("Delivered", format="localized"),
        "conversions": st.column_config.NumberColumn("Conversions", format="localized"),
        "revenue": st.column_config.NumberColumn("Revenue", format="accounting"),
        "trend": st.column_config.LineChartColumn(f"{RATE_DEFINITIONS[table_rate].label} per week", y_min=0),
    },
)
download(
    st,
    "CSV",
    partial(charts.frame_csv, data["emails"]),  # built when clicked
    f"{stem}-emails.csv",
    "text/csv",
    key="dashboard_emails_csv",
)
