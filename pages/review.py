"""Weekly review: what changed per stage, alerts with their likely cause, A/B verdicts and the team's notes."""

from functools import partial

import streamlit as st

from journey.measure import charts, review
from ui import review as sections
from ui.auth import can_edit, view_only_note
from ui.db import db_session
from ui.empty import no_metrics
from ui.loaders import load_weekly_review
from ui.pickers import journey_picker, review_week_picker
from ui.widgets import chart_with_downloads, download, file_stem
from ui.writes import run_write

st.title("Weekly review")
journey = journey_picker(key="review_journey")
if journey is None:
    st.stop()
week = review_week_picker(journey.id)
weekly, rates_frame, funnel_frame = load_weekly_review(journey.id, week)
stem = f"review-{file_stem(journey.name, 'journey')}-{week}"
st.subheader(weekly.title)
if note := review.in_progress_note(weekly):
    st.info(note, icon="⏳")

if weekly.is_empty:
    no_metrics(
        journey.id,
        key="review_no_metrics",
        message=f"No metrics for {week} yet: import a CSV export on the Import metrics page, or pick another week.",
    )
else:
    # Alerts first, then the A/B verdicts, then the tables and charts: what needs a decision on top.
    sections.alerts(weekly)
    sections.ab_tests(weekly)
    sections.stage_tables(weekly)
    chart_with_downloads(
        charts.stage_rates_chart, rates_frame, stem=f"{stem}-rates", key="review_stage_rates", width="stretch"
    )
    chart_with_downloads(
        charts.funnel_chart, funnel_frame, stem=f"{stem}-funnel", key="review_funnel", width="stretch"
    )
    sections.segments(weekly)  # only where the week's imports carried a segment

# Team notes, versioned: the version loaded with the text travels with the draft.
note_key = f"review_note_{journey.id}_{week}"
if st.session_state.get("review_notes_for") != note_key:
    with db_session() as session:
        note = review.load_note(session, journey.id, week)
    st.session_state["review_notes_for"] = note_key
    st.session_state["review_notes"] = note.text
    st.session_state["review_notes_version"] = note.version
st.subheader("Team notes")
notes = st.text_area(
    "What did the team decide this week?",
    key="review_notes",
    height=160,
    max_chars=review.MAX_NOTES,
    disabled=not can_edit(),  # a viewer reads the notes
)
if not can_edit():
    view_only_note()
elif st.button("Save notes", key="review_notes_save", type="primary"):
    version = st.session_state["review_notes_version"]
    saved = run_write(review.save_note, journey.id, week, notes, version, success="Notes saved")
    if saved is not None:
        st.session_state["review_notes_version"] = saved.version
version = st.session_state["review_notes_version"]
st.caption(f"Saved version {version}." if version else "Not saved yet.")

st.subheader("Export")
left, right, _ = st.columns([1, 1, 3])
# Built when clicked, not on every rerun (with 150 A/B tests: ~50 ms of Markdown escaping, ~15 ms of HTML).
markdown = partial(review.review_markdown, weekly, notes)
download(left, "Markdown", markdown, f"{stem}.md", "text/markdown", key="review_export_md")
html = partial(review.review_html, weekly, notes)
download(right, "Printable page (HTML)", html, f"{stem}.html", "text/html", key="review_export_html")

st.session_state.setdefault("review_thresholds_version", weekly.thresholds_version)  # saved against
if not can_edit():
    st.stop()  # the thresholds below are a workspace setting
with st.expander("Alert thresholds"), st.form("review_thresholds_form"):
    st.caption(
        "Saved for the whole workspace. Defaults: unsubscribe 0.5 %, bounce 2 %, complaints 0.1 %, drop 20 %."
    )
    values = {}
    for name, percent in review.thresholds_as_percent(weekly.thresholds).items():
        values[name] = st.number_input(
            f"{review.THRESHOLD_LABELS[name]} (%)",
            min_value=0.0,
            max_value=100.0,
            value=float(percent),
            step=0.05,
            format="%.2f",
            key=f"review_threshold_{name}",
        )
    if st.form_submit_button("Save thresholds"):
        thresholds = {k: v / 100 for k, v in values.items()}
        version = st.session_state["review_thresholds_version"]
        if run_write(review.save_thresholds, thresholds, version, success="Thresholds saved"):
            del st.session_state["review_thresholds_version"]  # the next run reads the new version
            st.rerun()
