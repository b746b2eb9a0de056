"""Weekly review: what changed per stage, alerts with their likely cause, A/B verdicts and the team's notes."""

import streamlit as st

from journey.core.errors import JourneyError
from journey.measure import charts, review
from journey.measure.metrics import iso_week_label, last_complete_week, parse_week
from journey.measure.stats import WHY_CLICKS
from ui import (
    chart_downloads,
    clear_metric_caches,
    db_session,
    file_stem,
    journey_picker,
    load_weekly_review,
    review_week_options,
    run_write,
)

st.title("Weekly review")
journey = journey_picker(key="review_journey")
if journey is None:
    st.stop()
weeks = review_week_options(journey.id)
last_complete = iso_week_label(last_complete_week().start)
week = st.selectbox(
    "ISO week (Monday to Sunday)",
    weeks,
    index=weeks.index(last_complete) if last_complete in weeks else 0,
    key="review_week",
    format_func=lambda w: parse_week(w).label,
    help="Defaults to the last complete week.",
)
weekly, rates_frame, funnel_frame = load_weekly_review(journey.id, week)
stem = f"review-{file_stem(journey.name, 'journey')}-{week}"

if weekly.is_empty:
    st.info(f"No metrics for {week} yet — import a CSV on the **Import metrics** page, or pick another week.")
else:
    if weekly.alerts:
        st.subheader(f"Needs attention ({len(weekly.alerts)})")
        for alert in weekly.alerts:
            st.warning(
                f"**{alert.stage}**: {alert.message}  \n**Likely cause:** {alert.likely_cause}  \n"
                f"**What to try:** {alert.what_to_try}",
                icon="⚠️",
            )
    else:
        st.success("No alerts this week: every stage is within its thresholds.", icon="✅")

    st.subheader("Per stage")
    st.caption(
        "Changes are relative: against the previous week and against the average of the 4 weeks before."
    )
    st.dataframe(review.count_rows(weekly), hide_index=True, width="stretch", key="review_counts")
    st.dataframe(review.rate_rows(weekly), hide_index=True, width="stretch", key="review_rates", height=400)
    chart = charts.stage_rates_chart(rates_frame)
    st.altair_chart(chart, width="stretch", key="review_stage_rates")
    chart_downloads(chart, rates_frame, stem=f"{stem}-rates", key="review_stage_rates")
    chart = charts.funnel_chart(funnel_frame)
    st.altair_chart(chart, width="stretch", key="review_funnel")
    chart_downloads(chart, funnel_frame, stem=f"{stem}-funnel", key="review_funnel")

    st.subheader("A/B tests")
    if not weekly.ab_tests:
        st.caption("No A/B test sent this week.")
    for test in weekly.ab_tests:
        st.markdown(f"**{test.email}** ({test.stage})")
        st.dataframe(
            review.variant_rows(test), hide_index=True, width="stretch", key=f"review_ab_{test.email_id}"
        )
        (st.success if test.verdict.winner else st.info)(test.verdict.message)
        st.caption(WHY_CLICKS)

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
    "What did the team decide this week?", key="review_notes", height=160, max_chars=review.MAX_NOTES
)
if st.button("Save notes", key="review_notes_save", type="primary"):
    saved = run_write(
        review.save_note,
        journey.id,
        week,
        notes,
        st.session_state["review_notes_version"],
        success="Notes saved",
    )
    if saved is not None:
        st.session_state["review_notes_version"] = saved.version
version = st.session_state["review_notes_version"]
st.caption(f"Saved version {version}." if version else "Not saved yet.")

st.subheader("Export")
left, right, _ = st.columns([1, 1, 3])
left.download_button(
    "Markdown",
    review.review_markdown(weekly, notes),
    file_name=f"{stem}.md",
    mime="text/markdown",
    key="review_export_md",
    icon="⬇️",
    on_click="ignore",
)
right.download_button(
    "Printable page (HTML)",
    review.review_html(weekly, notes),
    file_name=f"{stem}.html",
    mime="text/html",
    key="review_export_html",
    icon="⬇️",
    on_click="ignore",
)

st.session_state.setdefault("review_thresholds_version", weekly.thresholds_version)  # saved against
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
        try:
            with db_session() as session:
                review.save_thresholds(
                    session,
                    {k: v / 100 for k, v in values.items()},
                    st.session_state["review_thresholds_version"],
                )
        except JourneyError as exc:
            st.error(str(exc))
        else:
            clear_metric_caches()
            del st.session_state["review_thresholds_version"]  # the next run reads the new version
            st.toast("Thresholds saved", icon="✅")
            st.rerun()
