"""Walk-through: walk the journey as a persona along a path of events and see the inbox that results."""

from datetime import date

import pandas as pd
import streamlit as st

from journey.core.text import plural
from journey.plan.charts import walkthrough_chart
from journey.plan.walkthrough import (
    PATH_EVENTS,
    PRESETS,
    busiest_week,
    clean_path,
    inbox_rows,
    path_rows,
    preset,
    unreached_rows,
)
from ui.loaders import load_walkthrough
from ui.pickers import journey_picker, walk_persona_picker
from ui.widgets import cached_chart
from ui.writes import attempt

st.title("Walk-through")
st.caption(
    "Walk the journey yourself, as the persona would: pick a path of events and see every email they get, "
    "day by day, and the emails that never reach them."
)
st.session_state.setdefault("walk_preset", PRESETS[0].name)
st.session_state.setdefault("walk_path", path_rows(PRESETS[0].events))
st.session_state.setdefault("walk_editor_version", 0)


def _load_preset() -> None:
    st.session_state["walk_path"] = path_rows(preset(st.session_state["walk_preset"]).events)
    st.session_state["walk_editor_version"] += 1  # a fresh editor shows the preset's rows


summary = journey_picker(key="walk_journey")
if summary is None:
    st.stop()
persona_id = walk_persona_picker(summary.id)
left, right = st.columns([2, 1])
left.selectbox(
    "Path preset",
    [p.name for p in PRESETS],
    key="walk_preset",
    on_change=_load_preset,
    help="\n".join(f"- **{p.name}**: {p.description}" for p in PRESETS),
)
start = right.date_input("Day 0 is", value=date.today(), key="walk_start", help="For emails sent on a date.")
edited = st.data_editor(
    pd.DataFrame(st.session_state["walk_path"], columns=["event", "day", "detail"]),
    key=f"walk_editor_{st.session_state['walk_editor_version']}",
    num_rows="dynamic",
    width="stretch",
    column_config={
        "event": st.column_config.SelectboxColumn("Event", options=list(PATH_EVENTS.values()), required=True),
        "day": st.column_config.NumberColumn("Day", min_value=0, max_value=3650, step=1, required=True),
        "detail": st.column_config.TextColumn(
            "Detail", help="Stays inactive: for how many days (e.g. 60)", max_chars=64
        ),
    },
)
path = attempt(clean_path, edited.to_dict("records"))
loaded = None if path is None else attempt(load_walkthrough, summary.id, path, persona_id, start)
if loaded is None:
    st.stop()
walk, stages, cap = loaded

first_day, most = busiest_week(walk)
a, b, c = st.columns(3)
a.metric("Emails received", len(walk.deliveries))
b.metric("Never sent on this path", len(walk.unreached))
c.metric(
    "Busiest 7 days",
    plural(most, "email") if walk.deliveries else "–",
    help=f"Days {first_day}–{first_day + 6}; the journey's cap is {cap} in any 7 days.",
)
if most > cap:
    st.warning(
        f"{most} emails in days {first_day}–{first_day + 6}: over this journey's cap of {cap} in any 7 days."
    )
if walk.deliveries:
    cached_chart(walkthrough_chart, walk, stages, width="stretch", key="walk_timeline")
    st.subheader("Inbox")
    st.dataframe(inbox_rows(walk), hide_index=True, width="stretch", key="walk_inbox")
else:
    st.info("No email reaches this persona on this path. Add a signup event, or check the emails' triggers.")
if walk.unreached:
    st.subheader("Never sent on this path")
    st.dataframe(unreached_rows(walk), hide_index=True, width="stretch", key="walk_unreached")
