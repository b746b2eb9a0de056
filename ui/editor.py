"""The journey editor's forms: one function per form, the fields taken from the db models.

Each form's widgets are keyed prefix + field (`editor_j{id}_`, `editor_s{id}_`, `editor_e{id}_`,
`editor_new_email_s{id}_`, `editor_new_stage_`); they keep what was typed until a save succeeds, and a
refusal shows beside its field (ui.forms, ui.writes).
"""

from __future__ import annotations

import streamlit as st

from db.models import LANE_LABELS, LANES, EmailBase, JourneyBase, StageBase
from journey.core.fields import model_fields
from journey.core.text import escape_markdown, plural
from journey.plan import journeys
from journey.plan.starter import blank_email_mjml
from ui.current import journey_query, set_current_journey
from ui.forms import Fields, load_form
from ui.navigation import page_path
from ui.stale import forget_stale, keep_stale, reload_form, stale_panel
from ui.studio import STUDIO_EMAIL
from ui.writes import run_write

EMOTIONS = {-2: "😣 −2", -1: "🙁 −1", 0: "😐 0", 1: "🙂 +1", 2: "😄 +2"}
JOURNEY_FIELDS = model_fields(JourneyBase)
STAGE_FIELDS = model_fields(StageBase, without=("position",))
EMAIL_FIELDS = model_fields(EmailBase, without=("position", "mjml"))  # the body is edited in the studio
NEW_EMAIL_FIELDS = ("name", "trigger", "delay_hours", "purpose")
NEW_JOURNEY_FIELDS = ("name", "goal", "target_kpi", "map_type", "persona_ids", "template")
TEMPLATES = {
    "starter": "The five-stage starter (stages, lanes and draft emails in the brand set on Settings)",
    "blank": "A blank journey",
}


def _save(prefix: str, action, *args, mine: dict | None = None, **kwargs) -> None:
    """Save a form: reload it from the database, or show the refusal beside its field (a stale save:
    with who saved first, and the panel to reload their version or compare it with `mine`)."""
    forget_stale(prefix)
    refused = (lambda exc: keep_stale(prefix, exc, mine)) if mine is not None else None
    run_write(action, *args, form=prefix, reload=True, rerun=True, refused=refused, **kwargs)


def _stale_panel(prefix: str, fields) -> None:
    stale_panel(prefix, reload=lambda: reload_form(prefix, fields, prefix))


def journey_form(journey, everyone, persona_ids: list[int]) -> None:
    """Name, goal, KPI, map type, personas and the weekly cap of the journey."""
    jp = f"editor_j{journey.id}_"
    load_form(jp, journey, JOURNEY_FIELDS)
    st.session_state.setdefault(f"{jp}personas", persona_ids)
    with st.expander("Goal, KPI, map type and personas", expanded=not journey.goal), st.form(f"{jp}form"):
        form = Fields(jp, JourneyBase)
        form.text("name", "Name")
        form.area(
            "goal", "Goal of the map", height=70, help="What the map is for, e.g. convert more trial users."
        )
        form.text("target_kpi", "Target KPI", help="e.g. Trial to paid: 12 % within 30 days")
        form.choice("map_type", "Map type", journeys.MAP_TYPES)
        form.choices("personas", "Personas", {p.id: p.name for p in everyone})
        form.number(
            "max_emails_per_week", "Most emails a person may get in any 7 days", min_value=1, max_value=50
        )
        if st.form_submit_button("Save journey", type="primary"):
            mine = form.values(JOURNEY_FIELDS)

            def save_journey(session) -> None:
                version = st.session_state[f"{jp}version"]
                journeys.update_journey(session, journey.id, version, **mine)
                journeys.set_journey_personas(session, journey.id, st.session_state[f"{jp}personas"])

            _save(jp, save_journey, mine=mine)
    _stale_panel(jp, JOURNEY_FIELDS)


def stage_controls(node, index: int, count: int) -> None:
    """Move the stage up or down; delete it (with its emails) once confirmed."""
    stage, sp = node.stage, f"editor_s{node.stage.id}_"
    up, down, delete_box, delete_button = st.columns([1, 1, 3, 2])
    if up.button("↑ Move up", key=f"{sp}up", disabled=index == 0):
        run_write(journeys.move_stage, stage.id, index - 1, rerun=True)
    if down.button("↓ Move down", key=f"{sp}down", disabled=index == count - 1):
        run_write(journeys.move_stage, stage.id, index + 1, rerun=True)
    sure = delete_box.checkbox(
        f"Delete “{escape_markdown(stage.name)}” and its {plural(len(node.emails), 'email')}",
        key=f"{sp}confirm",
    )
    if delete_button.button("Delete stage", key=f"{sp}delete", disabled=not sure):
        run_write(journeys.delete_stage, stage.id, rerun=True)


def stage_form(stage) -> None:
    """The stage's name, its six lanes (one item per line) and the emotion there."""
    sp = f"editor_s{stage.id}_"
    load_form(sp, stage, STAGE_FIELDS)
    with st.form(f"{sp}form"):
        form = Fields(sp, StageBase)
        form.text("name", "Stage name")
        columns = st.columns(2)
        for lane_index, lane in enumerate(LANES):
            form.area(
                lane, LANE_LABELS[lane], where=columns[lane_index % 2], height=110, help="One item per line."
            )
        st.select_slider("Emotion", options=list(EMOTIONS), key=f"{sp}emotion", format_func=EMOTIONS.get)
        if st.form_submit_button("Save stage"):
            mine = form.values(STAGE_FIELDS)
            _save(sp, journeys.update_stage, stage.id, st.session_state[f"{sp}version"], mine=mine, **mine)
    _stale_panel(sp, STAGE_FIELDS)


def email_header(email, index: int, count: int) -> None:
    """The email's name, trigger, delay, status and subject; move it up or down in its stage."""
    ep = f"editor_e{email.id}_"
    head, b_up, b_down = st.columns([6, 1, 1])
    head.markdown(
        f"**{index + 1}. {escape_markdown(email.name)}** · {journeys.TRIGGERS.get(email.trigger, email.trigger)}"
        f" + {email.delay_hours} h · _{email.status}_  \n{escape_markdown(email.subject or '') or ':orange[no subject yet]'}"
    )
    if b_up.button("↑", key=f"{ep}up", disabled=index == 0, help="Move up"):
        run_write(journeys.move_email, email.id, index=index - 1, rerun=True)
    if b_down.button("↓", key=f"{ep}down", disabled=index == count - 1, help="Move down"):
        run_write(journeys.move_email, email.id, index=index + 1, rerun=True)


def email_form(email) -> None:
    """Everything about the email but its body (that is the studio's)."""
    ep = f"editor_e{email.id}_"
    load_form(ep, email, EMAIL_FIELDS)
    with st.form(f"{ep}form"):
        form = Fields(ep, EmailBase)
        form.text("name", "Name")
        form.area("purpose", "Purpose", height=68, help="The one thing this email is for.")
        c1, c2, c3 = st.columns(3)
        form.choice("trigger", "Trigger", journeys.TRIGGERS, where=c1)
        form.text(
            "trigger_detail", "Trigger detail", where=c2, help="Days of inactivity, or a date (YYYY-MM-DD)."
        )
        form.number(
            "delay_hours", "Delay (hours)", where=c3, min_value=0, max_value=journeys.MAX_DELAY_HOURS, step=1
        )
        form.text("subject", "Subject")
        form.text("preheader", "Preheader")
        c1, c2 = st.columns(2)
        form.text("cta_label", "Call-to-action label", where=c1)
        form.text("cta_url", "Call-to-action URL", where=c2)
        c1, c2 = st.columns(2)
        form.choice("status", "Status", journeys.STATUSES, where=c1)
        form.text(
            "esp_campaign_id", "ESP campaign id", where=c2, help="Matches metric imports to this email."
        )
        if st.form_submit_button("Save email", type="primary"):
            mine = form.values(EMAIL_FIELDS)
            _save(ep, journeys.update_email, email.id, st.session_state[f"{ep}version"], mine=mine, **mine)
    _stale_panel(ep, EMAIL_FIELDS)


def email_actions(email, stage_id: int, stage_names: dict[int, str]) -> None:
    """Move the email to another stage, open it in the studio, or delete it."""
    ep = f"editor_e{email.id}_"
    m1, m2, m3, m4 = st.columns([3, 2, 2, 2])
    others = [s for s in stage_names if s != stage_id]
    target = m1.selectbox(
        "Move to stage", others, key=f"{ep}target", format_func=stage_names.get, disabled=not others
    )
    if m2.button("Move", key=f"{ep}move", disabled=not others):
        run_write(journeys.move_email, email.id, stage_id=target, index=0, rerun=True)
    if m3.button("Open in studio", key=f"{ep}studio"):
        st.session_state[STUDIO_EMAIL] = email.id
        st.switch_page(page_path("studio"), query_params=journey_query())
    if m4.button("Delete email", key=f"{ep}delete"):
        run_write(journeys.delete_email, email.id, rerun=True)


def new_email_form(stage_id: int) -> None:
    """Add an email at the end of the stage, with a blank body to write in the studio."""
    np_ = f"editor_new_email_s{stage_id}_"
    with st.form(f"{np_}form", clear_on_submit=False):
        st.markdown("**Add an email**")
        form = Fields(np_, EmailBase)
        c1, c2, c3 = st.columns([3, 2, 1])
        form.text("name", "Name", where=c1, placeholder="e.g. Welcome 1")
        form.choice("trigger", "Trigger", journeys.TRIGGERS, where=c2)
        form.number("delay_hours", "Delay (hours)", where=c3, min_value=0, max_value=journeys.MAX_DELAY_HOURS)
        form.text("purpose", "Purpose")
        if st.form_submit_button("Add email"):
            _save(np_, journeys.add_email, stage_id, mjml=blank_email_mjml(), **form.values(NEW_EMAIL_FIELDS))


def new_stage_form(journey_id: int, count: int) -> None:
    """Add a stage at a position (default: the end)."""
    with st.form("editor_new_stage_form"):
        st.markdown("**Add a stage**")
        form = Fields("editor_new_stage_", StageBase)
        c1, c2 = st.columns([3, 1])
        form.text("name", "Stage name", where=c1, placeholder="e.g. Onboarding")
        form.number("position", "Position", where=c2, min_value=1, value=count + 1)
        if st.form_submit_button("Add stage"):
            values = form.values(("name", "position"))
            _save(
                "editor_new_stage_",
                journeys.add_stage,
                journey_id,
                name=values["name"],
                index=int(values["position"]) - 1,
            )


def new_journey_form(everyone) -> None:
    """Create a journey (from the starter or blank) and open it in the editor."""
    with st.form("journeys_new_form"):
        form = Fields("journeys_new_", JourneyBase)
        form.text("name", "Name", placeholder="e.g. New customers, spring 2027")
        form.area(
            "goal",
            "Goal of the map",
            height=70,
            placeholder="e.g. Convert more trial users into paying customers",
        )
        form.text(
            "target_kpi",
            "Target KPI",
            key="journeys_new_kpi",
            placeholder="e.g. Trial to paid: 12 % within 30 days",
        )
        form.choice("map_type", "Map type", journeys.MAP_TYPES)
        form.choices(
            "persona_ids",
            "Personas it follows",
            {p.id: p.name for p in everyone},
            key="journeys_new_personas",
        )
        st.radio("Start from", list(TEMPLATES), key="journeys_new_template", format_func=TEMPLATES.get)
        created = st.form_submit_button("Create journey", type="primary")
    if created:
        keys = {"target_kpi": "journeys_new_kpi", "persona_ids": "journeys_new_personas"}
        values = form.values(NEW_JOURNEY_FIELDS, **keys)
        journey = run_write(journeys.create_journey, form="journeys_new_", **values)  # refused: reruns
        set_current_journey(journey.id)
        st.toast(f"Created “{escape_markdown(journey.name)}”. Opening the editor…", icon="✅")
        st.switch_page(page_path("editor"), query_params=journey_query())
