"""Journey editor: the journey's goal and personas, its stages with their lanes, and each stage's emails."""

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.plan import journeys, personas
from ui.auth import editing
from ui.db import db_session
from ui.editor import (
    email_actions,
    email_form,
    email_header,
    journey_form,
    new_email_form,
    new_stage_form,
    stage_controls,
    stage_form,
)
from ui.forms import reload_saved_forms
from ui.gallery import gallery_import
from ui.pickers import journey_picker

reload_saved_forms()

st.title("Journey editor")
summary = journey_picker(key="editor_journey")
if summary is None:
    st.stop()
with db_session() as session:
    tree = journeys.load_tree(session, summary.id)
    everyone = personas.list_personas(session)
    persona_ids = journeys.journey_persona_ids(session, summary.id)
stage_names = {node.stage.id: node.stage.name for node in tree.stages}

edit = editing()  # a viewer reads the stages and emails; no form, no button
if edit:
    journey_form(tree.journey, everyone, persona_ids)

st.subheader(f"{plural(len(tree.stages), 'stage')}, {plural(len(tree.emails), 'email')}")
if not tree.stages:
    st.info("This journey has no stages yet. Add the first one below — most journeys start with Awareness.")

for index, node in enumerate(tree.stages):
    emails = node.emails
    stage = st.expander(  # a stage's forms and emails run only while it is open: 150 emails, 5 stages
        f"{index + 1}. {escape_markdown(node.stage.name)} — {plural(len(emails), 'email')}",
        key=f"editor_open_s{node.stage.id}",
        on_change="rerun",
    )
    if not stage.open:
        continue
    with stage:
        if edit:
            stage_controls(node, index, len(tree.stages))
            stage_form(node.stage)
        st.markdown("**Emails in this stage**")
        if not emails:
            st.caption("No email yet: every stage should meet the customer with at least one.")
        for e_index, email in enumerate(emails):
            with st.container(border=True):
                email_header(email, e_index, len(emails))
                if not edit or not st.toggle("Edit", key=f"editor_open_e{email.id}"):
                    continue
                email_form(email)
                email_actions(email, node.stage.id, stage_names)
        if edit:
            new_email_form(node.stage.id)

if edit:
    new_stage_form(tree.journey.id, len(tree.stages))
    gallery_import(tree)
