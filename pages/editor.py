"""Journey editor: the journey's goal and personas, its stages with their lanes, and each stage's emails."""

import streamlit as st

from db.models import LANE_LABELS, LANES
from journey.plan import journeys, personas
from ui import (
    db_session,
    field_error,
    form_errors,
    journey_picker,
    load_form,
    reload_saved_forms,
    run_action,
    submit_form,
)
from ui.navigation import page_path

EMOTIONS = {-2: "😣 −2", -1: "🙁 −1", 0: "😐 0", 1: "🙂 +1", 2: "😄 +2"}
JOURNEY_FIELDS = ("name", "goal", "target_kpi", "map_type", "max_emails_per_week")
EMAIL_FIELDS = (
    "name",
    "purpose",
    "trigger",
    "trigger_detail",
    "subject",
    "preheader",
    "cta_label",
    "cta_url",
    "status",
    "esp_campaign_id",
)

reload_saved_forms()

st.title("Journey editor")
summary = journey_picker(key="editor_journey")
if summary is None:
    st.stop()
with db_session() as session:
    tree = journeys.load_tree(session, summary.id)
    everyone = personas.list_personas(session)
    persona_ids = journeys.journey_persona_ids(session, summary.id)
journey = tree.journey
stage_names = {node.stage.id: node.stage.name for node in tree.stages}

# --- the journey ------------------------------------------------------------
jp = f"editor_j{journey.id}_"
load_form(jp, journey, JOURNEY_FIELDS)
st.session_state.setdefault(f"{jp}personas", persona_ids)
errors = form_errors(jp)
with st.expander("Goal, KPI, map type and personas", expanded=not journey.goal), st.form(f"{jp}form"):
    if "_form" in errors:
        st.error(errors["_form"])
    st.text_input("Name", key=f"{jp}name")
    field_error(errors, "name")
    st.text_area(
        "Goal of the map",
        key=f"{jp}goal",
        height=70,
        help="What the map is for, e.g. convert more trial users.",
    )
    field_error(errors, "goal")
    st.text_input("Target KPI", key=f"{jp}target_kpi", help="e.g. Trial to paid: 12 % within 30 days")
    field_error(errors, "target_kpi")
    st.selectbox(
        "Map type", list(journeys.MAP_TYPES), key=f"{jp}map_type", format_func=journeys.MAP_TYPES.get
    )
    st.multiselect(
        "Personas",
        [p.id for p in everyone],
        key=f"{jp}personas",
        format_func={p.id: p.name for p in everyone}.get,
    )
    st.number_input("Most emails a person may get in any 7 days", 1, 50, key=f"{jp}max_emails_per_week")
    field_error(errors, "max_emails_per_week")
    if st.form_submit_button("Save journey", type="primary"):

        def save_journey(session):
            values = {f: st.session_state[f"{jp}{f}"] for f in JOURNEY_FIELDS}
            journeys.update_journey(session, journey.id, st.session_state[f"{jp}version"], **values)
            journeys.set_journey_personas(session, journey.id, st.session_state[f"{jp}personas"])

        submit_form(jp, save_journey)

# --- stages -----------------------------------------------------------------
st.subheader(f"{len(tree.stages)} stages, {len(tree.emails)} emails")
if not tree.stages:
    st.info("This journey has no stages yet. Add the first one below — most journeys start with Awareness.")

for index, node in enumerate(tree.stages):
    stage = node.stage
    sp = f"editor_s{stage.id}_"
    load_form(sp, stage, ("name", *LANES, "emotion"))
    errors = form_errors(sp)
    with st.expander(
        f"{index + 1}. {stage.name} — {len(node.emails)} email{'s' if len(node.emails) != 1 else ''}",
        expanded=False,
    ):
        up, down, delete_box, delete_button = st.columns([1, 1, 3, 2])
        if up.button("↑ Move up", key=f"{sp}up", disabled=index == 0):
            run_action(journeys.move_stage, stage.id, index - 1)
        if down.button("↓ Move down", key=f"{sp}down", disabled=index == len(tree.stages) - 1):
            run_action(journeys.move_stage, stage.id, index + 1)
        sure = delete_box.checkbox(
            f"Delete “{stage.name}” and its {len(node.emails)} emails", key=f"{sp}confirm"
        )
        if delete_button.button("Delete stage", key=f"{sp}delete", disabled=not sure):
            run_action(journeys.delete_stage, stage.id)

        with st.form(f"{sp}form"):
            if "_form" in errors:
                st.error(errors["_form"])
            st.text_input("Stage name", key=f"{sp}name")
            field_error(errors, "name")
            left, right = st.columns(2)
            for lane_index, lane in enumerate(LANES):
                with left if lane_index % 2 == 0 else right:
                    st.text_area(LANE_LABELS[lane], key=f"{sp}{lane}", height=110, help="One item per line.")
                    field_error(errors, lane)
            st.select_slider("Emotion", options=list(EMOTIONS), key=f"{sp}emotion", format_func=EMOTIONS.get)
            if st.form_submit_button("Save stage"):
                values = {f: st.session_state[f"{sp}{f}"] for f in ("name", *LANES, "emotion")}
                submit_form(sp, journeys.update_stage, stage.id, st.session_state[f"{sp}version"], **values)

        st.markdown("**Emails in this stage**")
        if not node.emails:
            st.caption("No email yet: every stage should meet the customer with at least one.")
        for e_index, email in enumerate(node.emails):
            ep = f"editor_e{email.id}_"
            with st.container(border=True):
                head, b_up, b_down = st.columns([6, 1, 1])
                head.markdown(
                    f"**{e_index + 1}. {email.name}** · {journeys.TRIGGERS.get(email.trigger, email.trigger)}"
                    f" + {email.delay_hours} h · _{email.status}_  \n{email.subject or ':orange[no subject yet]'}"
                )
                if b_up.button("↑", key=f"{ep}up", disabled=e_index == 0, help="Move up"):
                    run_action(journeys.move_email, email.id, index=e_index - 1)
                if b_down.button(
                    "↓", key=f"{ep}down", disabled=e_index == len(node.emails) - 1, help="Move down"
                ):
                    run_action(journeys.move_email, email.id, index=e_index + 1)
                if not st.toggle("Edit", key=f"editor_open_e{email.id}"):
                    continue
                load_form(ep, email, (*EMAIL_FIELDS, "delay_hours"))
                errors = form_errors(ep)
                with st.form(f"{ep}form"):
                    if "_form" in errors:
                        st.error(errors["_form"])
                    st.text_input("Name", key=f"{ep}name")
                    field_error(errors, "name")
                    st.text_area(
                        "Purpose", key=f"{ep}purpose", height=68, help="The one thing this email is for."
                    )
                    field_error(errors, "purpose")
                    c1, c2, c3 = st.columns(3)
                    c1.selectbox(
                        "Trigger",
                        list(journeys.TRIGGERS),
                        key=f"{ep}trigger",
                        format_func=journeys.TRIGGERS.get,
                    )
                    c2.text_input(
                        "Trigger detail",
                        key=f"{ep}trigger_detail",
                        help="Days of inactivity, or a date (YYYY-MM-DD).",
                    )
                    c3.number_input(
                        "Delay (hours)",
                        min_value=0,
                        max_value=journeys.MAX_DELAY_HOURS,
                        step=1,
                        key=f"{ep}delay_hours",
                    )
                    field_error(errors, "delay_hours")
                    st.text_input("Subject", key=f"{ep}subject")
                    field_error(errors, "subject")
                    st.text_input("Preheader", key=f"{ep}preheader")
                    field_error(errors, "preheader")
                    c1, c2 = st.columns(2)
                    c1.text_input("Call-to-action label", key=f"{ep}cta_label")
                    c2.text_input("Call-to-action URL", key=f"{ep}cta_url")
                    field_error(errors, "cta_url")
                    c1, c2 = st.columns(2)
                    c1.selectbox(
                        "Status",
                        list(journeys.STATUSES),
                        key=f"{ep}status",
                        format_func=journeys.STATUSES.get,
                    )
                    c2.text_input(
                        "ESP campaign id",
                        key=f"{ep}esp_campaign_id",
                        help="Matches metric imports to this email.",
                    )
                    if st.form_submit_button("Save email", type="primary"):
                        values = {f: st.session_state[f"{ep}{f}"] for f in (*EMAIL_FIELDS, "delay_hours")}
                        submit_form(
                            ep, journeys.update_email, email.id, st.session_state[f"{ep}version"], **values
                        )
                m1, m2, m3, m4 = st.columns([3, 2, 2, 2])
                others = [s for s in stage_names if s != stage.id]
                target = m1.selectbox(
                    "Move to stage",
                    others,
                    key=f"{ep}target",
                    format_func=stage_names.get,
                    disabled=not others,
                )
                if m2.button("Move", key=f"{ep}move", disabled=not others):
                    run_action(journeys.move_email, email.id, stage_id=target, index=0)
                if m3.button("Open in studio", key=f"{ep}studio"):
                    st.session_state["studio_email_id"] = email.id
                    st.switch_page(page_path("studio"))
                if m4.button("Delete email", key=f"{ep}delete"):
                    run_action(journeys.delete_email, email.id)

        np_ = f"editor_new_email_s{stage.id}_"
        errors = form_errors(np_)
        with st.form(f"{np_}form", clear_on_submit=False):
            st.markdown("**Add an email**")
            c1, c2, c3 = st.columns([3, 2, 1])
            c1.text_input("Name", key=f"{np_}name", placeholder="e.g. Welcome 1")
            c2.selectbox(
                "Trigger", list(journeys.TRIGGERS), key=f"{np_}trigger", format_func=journeys.TRIGGERS.get
            )
            c3.number_input(
                "Delay (hours)", min_value=0, max_value=journeys.MAX_DELAY_HOURS, key=f"{np_}delay_hours"
            )
            field_error(errors, "name")
            st.text_input("Purpose", key=f"{np_}purpose")
            if st.form_submit_button("Add email"):
                from journey.plan.starter import blank_email_mjml

                values = {
                    f: st.session_state[f"{np_}{f}"] for f in ("name", "trigger", "delay_hours", "purpose")
                }
                submit_form(np_, journeys.add_email, stage.id, mjml=blank_email_mjml(), **values)

# --- add a stage ------------------------------------------------------------
errors = form_errors("editor_new_stage_")
with st.form("editor_new_stage_form"):
    st.markdown("**Add a stage**")
    c1, c2 = st.columns([3, 1])
    c1.text_input("Stage name", key="editor_new_stage_name", placeholder="e.g. Onboarding")
    c2.number_input("Position", min_value=1, value=len(tree.stages) + 1, key="editor_new_stage_position")
    field_error(errors, "name")
    field_error(errors, "position")
    if st.form_submit_button("Add stage"):
        submit_form(
            "editor_new_stage_",
            journeys.add_stage,
            journey.id,
            name=st.session_state["editor_new_stage_name"],
            index=int(st.session_state["editor_new_stage_position"]) - 1,
        )
