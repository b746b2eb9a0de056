"""The Metrics page's views: one at a time, in tabs, so only the open one is built and sent to the browser
(three Vega-Lite charts and a 150-row table with a trend per row are most of the page's cost in Chromium)."""

from __future__ import annotations

from functools import partial

import streamlit as st

from journey.measure import charts
from journey.measure.metrics import RATE_DEFINITIONS
from ui.widgets import chart_with_downloads, download, rates_table

VIEWS = ("Rates per stage", "Over ISO weeks", "Funnel", "Emails")


def views(data: dict, *, stem: str, table_rate: str) -> None:
    """The tabs of the Metrics page; the open one drawn (its state in `dashboard_view`)."""
    per_stage, over_weeks, funnel, emails = st.tabs(VIEWS, key="dashboard_view", on_change="rerun")
    if per_stage.open:
        with per_stage:
            chart_with_downloads(
                charts.stage_rates_chart,
                data["stage_rates"],
                stem=f"{stem}-rates-per-stage",
                key="dashboard_stage_rates",
                width="stretch",
            )
    if over_weeks.open:
        with over_weeks:
            chart_with_downloads(
                charts.stage_trend_chart, data["trend"], stem=f"{stem}-rates-per-week", key="dashboard_trend"
            )
    if funnel.open:
        with funnel:
            chart_with_downloads(
                charts.funnel_chart,
                data["funnel"],
                stem=f"{stem}-funnel",
                key="dashboard_funnel",
                width="stretch",
            )
    if emails.open:
        with emails:
            email_table(data["emails"], stem=stem, table_rate=table_rate)


def email_table(frame, *, stem: str, table_rate: str) -> None:
    """Every email's counts and rates (numbers that sort as numbers) with its trend, and the CSV."""
    rates_table(
        frame,
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
            "trend": st.column_config.LineChartColumn(
                f"{RATE_DEFINITIONS[table_rate].label} per week", y_min=0
            ),
        },
    )
    download(
        st,
        "CSV",
        partial(charts.frame_csv, frame),  # built when clicked
        f"{stem}-emails.csv",
        "text/csv",
        key="dashboard_emails_csv",
    )
