"""Journeys: the list, with stage and email counts; create, duplicate, export, import, delete."""

import json

import streamlit as st

from journey.core.errors import JourneyError
from journey.core.text import decode_text
from journey.plan import demo, journeys, personas, transfer
from ui import CURRENT_JOURNEY, db_session, field_error, file_stem, form_errors, record_error
from ui.navigation import page_path

st.title("Journeys")
st.caption(
    "Each journey maps who your customers are, the stages they pass through and the email that meets them at each one."
)

with db_session() as session:
    summaries = journeys.list_journeys(session)
    everyone = personas.list_personas(session)
persona_names = {p.id: p.name for p in everyone}

if summaries:
    st.dataframe(
        [
            {
                "Journey": s.name,
                "Map type": journeys.MAP_TYPES[s.map_type],
                "Stages": s.stages,
                "Emails": s.emails,
                "Personas": ", ".join(s.personas) or "–",
                "Goal": s.goal or "–",
                "Updated": s.updated_at,
            }
            for s in summaries
        ],
        hide_index=True,
        width="stretch",
        column_config={"Updated": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )
else:
    st.info(
        "No journeys yet. Create your first one below: the five-stage starter gives you stages, lanes and 19 ready-made emails to adapt."
    )

create_tab, manage_tab, import_tab = st.tabs(
    [
        ":material/add: New journey",
        ":material/content_copy: Duplicate, export, delete",
        ":material/upload: Import",
    ]
)

with create_tab:
    errors = form_errors("journeys_new")
    with st.form("journeys_new_form"):
        st.text_input("Name", key="journeys_new_name", placeholder="e.g. New customers, spring 2027")
        field_error(errors, "name")
        st.text_area(
            "Goal of the map",
            key="journeys_new_goal",
            height=70,
            placeholder="e.g. Convert more trial users into paying customers",
        )
        field_error(errors, "goal")
        st.text_input(
            "Target KPI", key="journeys_new_kpi", placeholder="e.g. Trial to paid: 12 % within 30 days"
        )
        field_error(errors, "target_kpi")
        st.selectbox(
            "Map type",
            list(journeys.MAP_TYPES),
            key="journeys_new_map_type",
            format_func=journeys.MAP_TYPES.get,
        )
        st.multiselect(
            "Personas it follows",
            list(persona_names),
            key="journeys_new_personas",
            format_func=persona_names.get,
        )
        st.radio(
            "Start from",
            ["starter", "blank"],
            key="journeys_new_template",
            format_func={
                "starter": "The five-stage starter (stages, lanes and emails)",
                "blank": "A blank journey",
            }.get,
        )
        created = st.form_submit_button("Create journey", type="primary")
    if created:
        try:
            with db_session() as session:
                journey = journeys.create_journey(
                    session,
                    name=st.session_state["journeys_new_name"],
                    goal=st.session_state["journeys_new_goal"],
                    target_kpi=st.session_state["journeys_new_kpi"],
                    map_type=st.session_state["journeys_new_map_type"],
                    persona_ids=st.session_state["journeys_new_personas"],
                    template=st.session_state["journeys_new_template"],
                )
        except JourneyError as exc:
            record_error("journeys_new", exc)
            st.rerun()
        errors.clear()
        st.session_state[CURRENT_JOURNEY] = journey.id
        st.toast(f"Created “{journey.name}”. Opening the editor…", icon="✅")
        st.switch_page(page_path("editor"))

with manage_tab:
    if not summaries:
        st.caption("Nothing to manage yet.")
    else:
        by_id = {s.id: s for s in summaries}
        ids = list(by_id)
        if st.session_state.get("journeys_manage") not in ids:
            st.session_state["journeys_manage"] = (
                st.session_state.get(CURRENT_JOURNEY)
                if st.session_state.get(CURRENT_JOURNEY) in ids
                else ids[0]
            )
        chosen = st.selectbox("Journey", ids, key="journeys_manage", format_func=lambda i: by_id[i].name)
        summary = by_id[chosen]
        if st.button("✏️ Open in the editor", key="journeys_open"):
            st.session_state[CURRENT_JOURNEY] = chosen
            st.switch_page(page_path("editor"))

        st.markdown("**Duplicate**")
        copy_name = st.text_input(
            "Name of the copy", key=f"journeys_copy_name_{chosen}", value=f"{summary.name} (copy)"
        )
        as_future = st.checkbox(
            "As its future state (to compare with this one on the map)", key="journeys_copy_future"
        )
        if st.button("Duplicate", key="journeys_duplicate"):
            try:
                with db_session() as session:
                    copy = journeys.duplicate_journey(
                        session,
                        chosen,
                        name=copy_name,
                        as_future_state=as_future,
                    )
            except JourneyError as exc:
                st.error(str(exc))
            else:
                st.session_state[CURRENT_JOURNEY] = copy.id
                st.toast(f"Created “{copy.name}”.", icon="✅")
                st.rerun()

        st.markdown("**Export**")

        def exported(journey_id: int = chosen) -> str:
            """The journey file, built only when the button is clicked (not on every rerun)."""
            with db_session() as session:
                return json.dumps(transfer.export_journey(session, journey_id), indent=2, ensure_ascii=False)

        st.download_button(
            "⬇️ Download as JSON",
            exported,
            file_name=f"{file_stem(summary.name, 'journey')}.json",
            mime="application/json",
            key="journeys_export",
            on_click="ignore",  # no rerun: it would retire the deferred file before the browser fetched it
        )

        st.markdown("**Delete**")
        st.caption(
            f"Deletes “{summary.name}” with its {summary.stages} stages, {summary.emails} emails and their metrics."
        )
        confirm = st.checkbox(
            f"Yes, delete “{summary.name}” for good", key=f"journeys_confirm_delete_{chosen}"
        )
        if st.button("Delete journey", key="journeys_delete", disabled=not confirm, type="primary"):
            try:
                with db_session() as session:
                    journeys.delete_journey(session, chosen)
            except JourneyError as exc:
                st.error(str(exc))
            else:
                st.toast(f"Deleted “{summary.name}”.", icon="🗑️")
                st.rerun()

with import_tab:
    st.caption("Import a journey file made with **Download as JSON** or `python -m journey export`.")
    upload = st.file_uploader("Journey file (.json)", type=["json"], key="journeys_import_file")
    if upload is not None and st.button("Import journey", key="journeys_import", type="primary"):
        try:
            payload = json.loads(decode_text(upload.getvalue()))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            st.error(f"{upload.name} is not a JSON file we can read ({exc}). Export it again and retry.")
        else:
            try:
                with db_session() as session:
                    new_id = transfer.import_journey(session, payload)
            except JourneyError as exc:
                st.error(f"Nothing was imported. {exc}")
            else:
                st.session_state[CURRENT_JOURNEY] = new_id
                st.toast("Journey imported.", icon="✅")
                st.rerun()

with st.expander("Workspace"):
    st.caption("Start blank: remove every journey and persona, the demo included. This cannot be undone.")
    wipe = st.checkbox("Yes, remove everything", key="journeys_confirm_blank")
    if st.button("Start blank", key="journeys_start_blank", disabled=not wipe):
        with db_session() as session:
            removed = demo.start_blank(session)
        st.toast(f"Removed {removed} journey(s). The workspace is empty.", icon="🧹")
        st.rerun()
