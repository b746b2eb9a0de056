"""Journey map: stages × lanes, the emotion curve, each stage's emails and rates; checks; compare; exports."""

import streamlit as st

from journey.core.fields import MAX_NAME
from journey.core.text import escape_markdown, plural
from journey.plan import journeys, map_export
from journey.plan.charts import emotion_chart
from journey.plan.maps import compare_pair, comparison_html, map_html
from ui.auth import editing
from ui.db import db_session
from ui.empty import import_metrics_link
from ui.loaders import load_comparison, load_map_view
from ui.pickers import journey_picker
from ui.widgets import map_downloads, show_findings
from ui.writes import attempt, run_write

st.title("Journey map")
summary = journey_picker(key="map_journey")
if summary is None:
    st.stop()
view = attempt(load_map_view, summary.id)
if view is None:
    st.stop()
journey_map, findings = view.map, view.findings

errors = sum(f.severity == "error" for f in findings)
st.markdown(
    f"**Map type:** {journey_map.map_type_label} · **Goal:** {escape_markdown(journey_map.goal or '–')} · "
    f"**Personas:** {escape_markdown(', '.join(journey_map.personas) or '–')}"
)
map_tab, checks_tab, compare_tab, export_tab = st.tabs(
    [
        "🗺️ Map",
        f"✅ Checks ({len(findings)}{', ' + plural(errors, 'error') if errors else ''})",
        "↔️ Compare",
        "⬇️ Export & import",
    ]
)

with map_tab:
    if not journey_map.stages:
        st.info(
            "This journey has no stages yet. Add stages on the **Journey editor** page, or import a lane CSV."
        )
    else:
        st.altair_chart(emotion_chart(journey_map), width="stretch", key="map_emotion_chart")
        if not journey_map.has_rates:
            st.caption(
                "No metrics for this journey yet: import your email service's export on the Import metrics "
                "page to see each stage's latest open, click, conversion and unsubscribe rates here."
            )
            import_metrics_link()
        st.html(map_html(journey_map))
    if editing():
        with st.form("map_future_form"):
            st.markdown(
                "**Duplicate as future state**: copy stages, lanes and emails to plan what should happen."
            )
            future_name = st.text_input(
                "Name of the future-state journey",
                value=f"{summary.name} (future state)",
                key="map_future_name",
                max_chars=MAX_NAME,
            )
            if st.form_submit_button("Duplicate as future state", icon="➕"):
                copy = run_write(
                    journeys.duplicate_journey,
                    summary.id,
                    name=future_name,
                    as_future_state=True,
                    success=f"Created “{future_name}”.",
                )
                if copy is not None:
                    st.session_state["map_compare_current"] = summary.id
                    st.session_state["map_compare_future"] = copy.id

with checks_tab:
    show_findings(findings)

with compare_tab:
    with db_session() as session:
        everything = journeys.list_journeys(session)
        current_default, future_default = compare_pair(session, summary.id)
    names = {s.id: s.name for s in everything}
    ids = list(names)
    if st.session_state.get("map_compare_for") != summary.id:  # a new journey: compare it with its pair
        st.session_state["map_compare_for"] = summary.id
        st.session_state["map_compare_current"] = current_default
        st.session_state["map_compare_future"] = future_default or current_default
    for key in ("map_compare_current", "map_compare_future"):  # a journey deleted meanwhile
        if st.session_state.get(key) not in names:
            st.session_state[key] = summary.id
    left, right = st.columns(2)
    current_id = left.selectbox("Current state", ids, format_func=names.get, key="map_compare_current")
    future_id = right.selectbox("Future state", ids, format_func=names.get, key="map_compare_future")
    if current_id == future_id:
        st.info("Pick two different journeys: e.g. this one and the future state you duplicated from it.")
    elif comparison := attempt(load_comparison, current_id, future_id):
        st.caption(comparison.summary)
        st.html(comparison_html(comparison))

with export_tab:
    st.markdown("**Download the map**, or an empty template to fill in at a workshop.")
    map_downloads(journey_map)
    st.divider()
    st.markdown(
        "**Import lanes from CSV** (one row per stage, one column per lane, as in the template). Stages are "
        "matched by name; new names add stages. Nothing changes if any row is wrong."
    )
    upload = st.file_uploader("Lane CSV", type=["csv"], key="map_import_file") if editing() else None
    if upload is not None and st.button("Import lanes", key="map_import_button", icon="⬆️"):
        result = run_write(map_export.import_lanes_csv, summary.id, upload.getvalue())
        if result is not None:
            added = f"; added {', '.join(result.created)}" if result.created else ""
            st.session_state["map_import_done"] = (
                f"Imported the lanes of {plural(len(result.updated), 'stage')}{added}."
            )
            st.rerun()
    if done := st.session_state.pop("map_import_done", None):
        st.success(escape_markdown(done), icon="✅")
