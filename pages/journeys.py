"""Journeys: the list, with stage and email counts; create, duplicate, export, import, delete."""

import streamlit as st

from journey.core.fields import MAX_NAME
from journey.core.text import escape_markdown, plural
from journey.plan import demo, journeys, personas, transfer
from ui.auth import editing
from ui.current import journey_query, set_current_journey
from ui.db import db_session
from ui.editor import new_journey_form
from ui.empty import load_demo_button
from ui.journey_bin import journey_bin_section
from ui.navigation import page_path
from ui.pickers import follow_journey
from ui.widgets import journey_download, journeys_table
from ui.writes import attempt, run_write

st.title("Journeys")
st.caption(
    "Each journey maps who your customers are, the stages they pass through and the email that meets them at each one."
)

with db_session() as session:
    summaries = journeys.list_journeys(session)
    everyone = personas.list_personas(session)

if summaries:
    journeys_table(summaries)
else:
    st.info(
        "No journeys yet. Create your first one below: the five-stage starter gives you stages, lanes and 19 ready-made emails to adapt. "
        "Or look around the demo journey first."
    )
    load_demo_button(key="journeys_demo")

create_tab, manage_tab, import_tab = st.tabs(
    [
        ":material/add: New journey",
        ":material/content_copy: Duplicate, export, delete",
        ":material/upload: Import",
    ]
)

with create_tab:
    if editing():
        new_journey_form(everyone)

with manage_tab:
    if not summaries:
        st.caption("Nothing to manage yet.")
    else:
        by_id = {s.id: s for s in summaries}
        chosen = follow_journey("journeys_manage", "Journey", {i: s.name for i, s in by_id.items()})
        summary = by_id[chosen]
        if st.button("✏️ Open in the editor", key="journeys_open"):
            st.switch_page(page_path("editor"), query_params=journey_query())

        st.markdown("**Export**")
        journey_download(summary)

    if summaries and editing():
        st.markdown("**Duplicate**")
        copy_name = st.text_input(
            "Name of the copy",
            key=f"journeys_copy_name_{chosen}",
            value=f"{summary.name} (copy)",
            max_chars=MAX_NAME,
        )
        as_future = st.checkbox(
            "As its future state (to compare with this one on the map)", key="journeys_copy_future"
        )
        if st.button("Duplicate", key="journeys_duplicate") and (
            copy := run_write(journeys.duplicate_journey, chosen, name=copy_name, as_future_state=as_future)
        ):
            set_current_journey(copy.id)
            st.toast(f"Created “{escape_markdown(copy.name)}”.", icon="✅")
            st.rerun()

        st.markdown("**Delete**")
        st.caption(
            f"Moves “{escape_markdown(summary.name)}” with its {plural(summary.stages, 'stage')}, "
            f"{plural(summary.emails, 'email')} and their metrics to the bin: an owner can restore it for "
            "30 days (the Bin, below)."
        )
        confirm = st.checkbox(
            f"Yes, move “{escape_markdown(summary.name)}” to the bin", key=f"journeys_confirm_delete_{chosen}"
        )
        if st.button("Delete journey", key="journeys_delete", disabled=not confirm, type="primary"):
            run_write(
                journeys.delete_journey, chosen, success=f"Moved “{summary.name}” to the bin.", rerun=True
            )

with import_tab:
    st.caption("Import a journey file made with **Download as JSON** or `python -m journey export`.")
    upload = (
        st.file_uploader("Journey file (.json)", type=["json"], key="journeys_import_file")
        if editing()
        else None
    )
    if upload is not None and st.button("Import journey", key="journeys_import", type="primary"):
        payload = attempt(transfer.read_journey_file, upload.getvalue(), upload.name)
        if payload is not None and (
            new_id := run_write(transfer.import_journey, payload, refusal="Nothing was imported. {}")
        ):
            set_current_journey(new_id)
            st.toast("Journey imported.", icon="✅")
            st.rerun()

journey_bin_section()

with st.expander("Workspace"):
    if not editing():
        st.stop()
    st.caption(
        "Start blank: remove every journey (the bin's too) and persona, the demo included. This cannot be undone."
    )
    wipe = st.checkbox("Yes, remove everything", key="journeys_confirm_blank")
    if st.button("Start blank", key="journeys_start_blank", disabled=not wipe) and (
        (removed := run_write(demo.start_blank)) is not None
    ):
        st.toast(f"Removed {plural(removed, 'journey')}. The workspace is empty.", icon="🧹")
        st.rerun()
