"""The Activity log page's widgets: the filters, one page of the log, the pager and the CSV download.

activity_filters()            journey, who, kind, from, to: an ActivityFilter (journey.plan.activity)
activity_page(filters)        one page of PAGE_SIZE rows, newest first, with the pager; or the empty state
activity_download(filters)    the filtered log as CSV (up to CSV_ROWS rows), formula-looking text escaped
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from journey.measure.charts import frame_csv
from journey.plan.activity import KIND_LABELS, PAGE_SIZE, ActivityFilter
from ui.loaders import load_activity, load_activity_choices
from ui.widgets import download

CSV_ROWS = 5_000
EMPTY = (
    "No activity yet. Every change made in this workspace will appear here, newest first: journeys, "
    "stages, emails, personas, A/B variants, snippets, metric and journey imports, weekly notes and "
    "settings, each with who made it, when, and which fields changed."
)
NOTHING_MATCHES = "Nothing in the log matches these filters. Clear a filter to see more."


def activity_filters() -> ActivityFilter:
    """The filter row; a filter left on "Any" does not narrow the log."""
    journeys, actors = load_activity_choices()
    journey_col, who_col, kind_col, from_col, to_col = st.columns([3, 3, 2.6, 2.2, 2.2])
    journey_id = journey_col.selectbox(
        "Journey",
        [None, *journeys],
        format_func=lambda j: "Any journey" if j is None else journeys[j],
        key="activity_journey",
    )
    actor = who_col.selectbox(
        "Who", [None, *actors], format_func=lambda a: "Anyone" if a is None else actors[a], key="activity_who"
    )
    kind = kind_col.selectbox(
        "Kind",
        [None, *KIND_LABELS],
        format_func=lambda k: "Any kind" if k is None else KIND_LABELS[k],
        key="activity_kind",
    )
    start = from_col.date_input("From", value=None, key="activity_from", format="YYYY-MM-DD")
    end = to_col.date_input("To", value=None, key="activity_to", format="YYYY-MM-DD")
    return ActivityFilter(journey_id=journey_id, actor=actor, kind=kind, start=start, end=end)


def _filtered(filters: ActivityFilter) -> bool:
    return any(
        v is not None for v in (filters.journey_id, filters.actor, filters.kind, filters.start, filters.end)
    )


def activity_page(filters: ActivityFilter) -> int:
    """One page of the log (or the empty state); how many rows match."""
    total = load_activity(filters, 1, 0)[1]
    if total == 0:
        st.info(NOTHING_MATCHES if _filtered(filters) else EMPTY, icon="ℹ️")
        return 0
    pages = math.ceil(total / PAGE_SIZE)
    if st.session_state.get("activity_page_no", 1) > pages:
        st.session_state["activity_page_no"] = 1
    page = st.session_state.get("activity_page_no", 1)
    rows, _ = load_activity(filters, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    st.dataframe(
        pd.DataFrame(rows).drop(columns=["Journey id"]),
        hide_index=True,
        width="stretch",
        column_config={"Changes": st.column_config.TextColumn(width="large")},
    )
    first = (page - 1) * PAGE_SIZE + 1
    with st.container(horizontal=True, vertical_alignment="center"):
        st.caption(f"Showing {first:,}–{first + len(rows) - 1:,} of {total:,}, newest first.")
        if pages > 1:
            st.number_input("Page", min_value=1, max_value=pages, step=1, key="activity_page_no", width=140)
    return total


def activity_download(filters: ActivityFilter) -> None:
    """The filtered log as a CSV file (newest first, at most CSV_ROWS rows)."""
    rows, total = load_activity(filters, CSV_ROWS, 0)
    frame = pd.DataFrame(rows)
    label = "CSV" if total <= CSV_ROWS else f"CSV (the newest {CSV_ROWS:,})"
    download(st, label, frame_csv(frame), "activity.csv", "text/csv", key="activity_csv")
