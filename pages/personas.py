"""Personas: who the journeys are for, with the sample merge data that previews use."""

import streamlit as st

from journey.core.errors import JourneyError
from journey.plan import personas
from ui import db_session, field_error, form_errors, record_error

NEW = 0
FIELDS = ("name", "segment", "description", "goals", "motivations")

st.title("Personas")
st.caption(
    "Who your emails are written for. Sample merge data (first_name, company…) fills the merge tags "
    "in previews and walk-throughs."
)

with db_session() as session:
    everyone = personas.list_personas(session)
by_id = {p.id: p for p in everyone}

if not everyone:
    st.info("No personas yet. Start with your most common customer: fill in the form below.")

left, right = st.columns([1, 2], gap="large")
with left:
    st.subheader(f"{len(everyone)} persona{'s' if len(everyone) != 1 else ''}")
    for persona in everyone:
        with st.container(border=True):
            st.markdown(f"**{persona.name}**" + (f" · {persona.segment}" if persona.segment else ""))
            if persona.description:
                st.caption(persona.description[:200])

options = [NEW, *by_id]
if "personas_next" in st.session_state:  # chosen by a save or delete on the previous run
    st.session_state["personas_selected"] = st.session_state.pop("personas_next")
if st.session_state.get("personas_selected") not in options:
    st.session_state["personas_selected"] = NEW
with right:
    selected = st.selectbox(
        "Edit",
        options,
        key="personas_selected",
        format_func=lambda i: "➕ New persona" if i == NEW else by_id[i].name,
    )

# Load the chosen persona into the form once per selection; afterwards the widgets keep what was typed.
if st.session_state.get("personas_loaded") != selected:
    source = by_id.get(selected)
    for name in FIELDS:
        st.session_state[f"personas_{name}"] = getattr(source, name) if source else ""
    st.session_state["personas_version"] = source.version if source else None
    st.session_state["personas_merge_rows"] = [
        {"field": k, "value": v}
        for k, v in ((source.merge_data if source else None) or {"first_name": ""}).items()
    ]
    st.session_state["personas_editor_generation"] = st.session_state.get("personas_editor_generation", 0) + 1
    st.session_state["personas_loaded"] = selected
    form_errors("personas").clear()

errors = form_errors("personas")
with right, st.form("personas_form", border=True):
    if "_form" in errors:
        st.error(errors["_form"])
    st.text_input("Name", key="personas_name", max_chars=120, placeholder="e.g. Busy shop owner")
    field_error(errors, "name")
    st.text_input("Segment", key="personas_segment", placeholder="e.g. Small retailers, 1-10 staff")
    field_error(errors, "segment")
    st.text_area("Description", key="personas_description", height=80)
    field_error(errors, "description")
    st.text_area("Goals", key="personas_goals", height=80, help="What they want to achieve, one per line.")
    field_error(errors, "goals")
    st.text_area("Motivations", key="personas_motivations", height=80, help="Why they read your emails.")
    field_error(errors, "motivations")
    st.markdown("**Sample merge data** — used to fill `{{ first_name }}` and other tags in previews.")
    merge_rows = st.data_editor(
        st.session_state["personas_merge_rows"],
        key=f"personas_merge_{st.session_state['personas_editor_generation']}",
        num_rows="dynamic",
        column_config={
            "field": st.column_config.TextColumn("Merge field", help="e.g. first_name, company, city"),
            "value": st.column_config.TextColumn("Sample value"),
        },
        width="stretch",
    )
    field_error(errors, "merge_data")
    saved = st.form_submit_button("Create persona" if selected == NEW else "Save changes", type="primary")

if saved:
    values = {name: st.session_state[f"personas_{name}"] for name in FIELDS}
    # Rows left blank (like the first_name hint) are not stored.
    values["merge_data"] = {
        (row.get("field") or "").strip(): row.get("value") or ""
        for row in merge_rows
        if (row.get("field") or "").strip() and (row.get("value") or "").strip()
    }
    try:
        with db_session() as session:
            if selected == NEW:
                persona = personas.create_persona(session, **values)
            else:
                persona = personas.update_persona(
                    session, selected, st.session_state["personas_version"], **values
                )
    except JourneyError as exc:
        record_error("personas", exc)
        st.rerun()
    errors.clear()
    st.session_state["personas_next"] = persona.id
    st.session_state["personas_loaded"] = None
    st.toast(f"Saved persona “{persona.name}”.", icon="✅")
    st.rerun()

if selected != NEW:
    with right:
        confirm = st.checkbox(
            f"Yes, delete “{by_id[selected].name}”",
            key=f"personas_confirm_delete_{selected}",
            help="Journeys that follow this persona simply stop following it.",
        )
        if st.button("Delete persona", key="personas_delete", disabled=not confirm):
            try:
                with db_session() as session:
                    personas.delete_persona(session, selected)
            except JourneyError as exc:
                st.error(str(exc))
            else:
                st.session_state["personas_next"] = NEW
                st.toast("Persona deleted.", icon="🗑️")
                st.rerun()
