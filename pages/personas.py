"""Personas: who the journeys are for, with the sample merge data that previews use."""

import streamlit as st

from journey.core.fields import MAX_MERGE_VALUE
from journey.core.text import escape_markdown, plural
from journey.plan import personas
from ui.auth import editing
from ui.db import db_session
from ui.forms import Fields, form_errors
from ui.stale import forget_stale, keep_stale, reload_selection, stale_panel
from ui.writes import run_write

NEW = 0
FIELDS = personas.FORM_FIELDS

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
    st.subheader(plural(len(everyone), "persona"))
    for persona in everyone:
        with st.container(border=True):
            st.markdown(
                f"**{escape_markdown(persona.name)}**"
                + (f" · {escape_markdown(persona.segment)}" if persona.segment else "")
            )
            if persona.description:
                st.caption(escape_markdown(persona.description[:200]))

if not editing(right):  # a viewer reads the list on the left; no form
    st.stop()
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
    form_errors("personas_").clear()

with right, st.form("personas_form", border=True):
    form = Fields("personas_", personas.PersonaBase)  # max_chars from its limits
    form.text("name", "Name", max_chars=120, placeholder="e.g. Busy shop owner")
    form.text("segment", "Segment", placeholder="e.g. Small retailers, 1-10 staff")
    form.area("description", "Description", height=80)
    form.area("goals", "Goals", height=80, help="What they want to achieve, one per line.")
    form.area("motivations", "Motivations", height=80, help="Why they read your emails.")
    st.markdown("**Sample merge data** — used to fill `{{ first_name }}` and other tags in previews.")
    merge_rows = st.data_editor(
        st.session_state["personas_merge_rows"],
        key=f"personas_merge_{st.session_state['personas_editor_generation']}",
        num_rows="dynamic",
        hide_index=True,  # a refusal names the row: 1 is the first
        column_config={  # default "": a new row's cells are empty, not None
            "field": st.column_config.TextColumn(
                "Merge field", help="e.g. first_name, company, city", default="", max_chars=40
            ),
            "value": st.column_config.TextColumn("Sample value", default="", max_chars=MAX_MERGE_VALUE),
        },
        width="stretch",
    )
    st.caption("A field left without a value is not stored.")
    form.error("merge_data")
    saved = st.form_submit_button("Create persona" if selected == NEW else "Save changes", type="primary")

if saved:
    values = form.values(FIELDS)

    def save(session):
        values["merge_data"] = personas.merge_data_from_rows(merge_rows)  # refused with its row
        if selected == NEW:
            return personas.create_persona(session, **values)
        return personas.update_persona(session, selected, st.session_state["personas_version"], **values)

    stale = f"personas_{selected}"  # refused: the form reruns with the message (stale: and the panel)
    persona = run_write(save, form="personas_", refused=lambda exc: keep_stale(stale, exc, values))
    forget_stale(stale)
    st.session_state["personas_next"] = persona.id
    st.session_state["personas_loaded"] = None
    st.toast(f"Saved persona “{escape_markdown(persona.name)}”.", icon="✅")
    st.rerun()

if selected != NEW:
    with right:
        stale_panel(
            f"personas_{selected}", reload=lambda: reload_selection(f"personas_{selected}", "personas_loaded")
        )
        confirm = st.checkbox(
            f"Yes, delete “{escape_markdown(by_id[selected].name)}”",
            key=f"personas_confirm_delete_{selected}",
            help="Journeys that follow this persona simply stop following it.",
        )
        if st.button("Delete persona", key="personas_delete", disabled=not confirm) and run_write(
            personas.delete_persona, selected
        ):
            st.session_state["personas_next"] = NEW
            st.toast("Persona deleted.", icon="🗑️")
            st.rerun()
