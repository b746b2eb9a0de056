"""The email studio's state: the email open, its unsaved draft (kept per browser session), the picker, saving.

The draft of each email opened lives in `st.session_state["studio_drafts"]` by email id, so edits
survive reruns, page switches and switching to another email; the editor widgets (`studio_subject`,
`studio_preheader`) and the MJML (`studio_mjml`, the text of the code editor, ui.components) are filled
from it. The editor and the toolbar: ui.studio_editor. Previews and findings: ui.previews; views: ui.views; A/B variants: ui.variants; test sends: ui.send.
"""

from __future__ import annotations

import streamlit as st

from journey.core.errors import StaleEdit
from journey.core.text import escape_markdown, plural
from journey.plan import journeys
from journey.write.engines import convert_tags, describe
from ui.current import set_current_journey
from ui.db import db_session
from ui.pickers import journey_picker
from ui.stale import forget_stale, keep_stale, stale_panel
from ui.writes import attempt, run_write

STUDIO_EMAIL = "studio_email_id"  # the email open in the studio (the journey editor sets it too)
STUDIO_FIELDS = ("subject", "preheader", "mjml")
STUDIO_TABS = ("Editor", "A/B variants", "History", "Test send")  # only the open one runs (`studio_tab`)
UNSAVED = "{} Your edits are still here, unsaved."


def studio_drafts() -> dict[int, dict]:
    """Unsaved studio edits, by email id: {"subject", "preheader", "mjml", "version", "saved": {...}}."""
    return st.session_state.setdefault("studio_drafts", {})


def studio_is_dirty(email_id: int | None) -> bool:
    """True when the email has edits in this browser session that are not saved."""
    draft = studio_drafts().get(email_id)
    return bool(draft) and any(draft[f] != draft["saved"][f] for f in STUDIO_FIELDS)


def studio_open_draft(email) -> dict:
    """The draft of `email`: kept from earlier in this session, else loaded; put into the editor widgets.

    The editor widgets are filled from the draft when another email is opened or when Streamlit
    dropped them on a page switch, so edits survive both.
    """
    drafts = studio_drafts()
    draft = drafts.get(email.id)
    if draft is None:
        saved = {f: getattr(email, f) or "" for f in STUDIO_FIELDS}
        draft = drafts[email.id] = {**saved, "version": email.version, "saved": saved}
    draft["name"] = email.name
    if st.session_state.get("studio_widgets_for") != email.id or any(
        f"studio_{field}" not in st.session_state for field in STUDIO_FIELDS
    ):
        for field in STUDIO_FIELDS:
            st.session_state[f"studio_{field}"] = draft[field]
        st.session_state["studio_widgets_for"] = email.id
    return draft


def studio_capture(draft: dict) -> None:
    """Copy what is in the editor widgets into the draft (call after the widgets)."""
    for field in STUDIO_FIELDS:
        draft[field] = st.session_state.get(f"studio_{field}") or ""


def studio_discard(email_id: int) -> None:
    """Forget the unsaved edits of an email; it is reloaded from the database on the next run."""
    studio_drafts().pop(email_id, None)
    st.session_state.pop("studio_widgets_for", None)
    st.session_state["studio_reload_requested"] = True


def _load_email(email_id: int):
    with db_session() as session:
        email = journeys.get_email(session, email_id)
        return email, journeys.load_tree(session, journeys.journey_of_email(session, email_id))


def studio_email(email_id: int):
    """(the email, its journey's tree), or None (shown) when it is gone: then no email is open."""
    return attempt(_load_email, email_id, refused=lambda exc: st.session_state.pop(STUDIO_EMAIL, None))


def stale_key(email_id: int) -> str:
    return f"studio_{email_id}"


def _reload_theirs(email_id: int) -> None:
    forget_stale(stale_key(email_id))
    studio_discard(email_id)


def _keep_refusal(exc, email_id: int, draft: dict) -> None:
    """A stale save: keep who saved first and their values for the panel (drawn on every run), and show it."""
    if isinstance(exc, StaleEdit) and exc.current:
        keep_stale(stale_key(email_id), exc, {f: draft[f] for f in STUDIO_FIELDS})
        st.rerun()


def studio_stale_panel(email_id: int) -> None:
    """Who saved this email first and when, "Reload their version" and "Compare", after a stale save."""
    stale_panel(stale_key(email_id), reload=lambda: _reload_theirs(email_id), message=True)


def studio_save(email, draft: dict, status: str) -> None:
    """Save the draft with `status` and rerun; a stale save is refused with the draft kept (and the
    stale panel: reload their version, or compare)."""
    saved = run_write(
        journeys.update_email,
        email.id,
        draft["version"],
        subject=draft["subject"],
        preheader=draft["preheader"],
        mjml=draft["mjml"],
        status=status,
        refusal=UNSAVED,
        refused=lambda exc: _keep_refusal(exc, email.id, draft),
    )
    if saved is None:
        return
    forget_stale(stale_key(email.id))
    draft["version"] = saved.version
    draft["saved"] = {f: draft[f] for f in STUDIO_FIELDS}
    st.session_state["studio_flash"] = ("success", f"Saved “{email.name}” as {status}.")
    st.rerun()


def _point_picker(email_id: int) -> None:
    """Set the journey, stage and email pickers to `email_id` (before they are drawn, or in a callback)."""
    with db_session() as session:
        stage = journeys.get_stage(session, journeys.get_email(session, email_id).stage_id)
    set_current_journey(stage.journey_id)  # the email's journey, whatever ?journey= says
    st.session_state["studio_journey"] = stage.journey_id
    st.session_state["studio_stage"] = stage.id
    st.session_state["studio_email"] = email_id
    st.session_state["studio_picker_for"] = email_id


def _switch(email_id: int) -> None:
    st.session_state[STUDIO_EMAIL] = email_id
    st.session_state["studio_picker_for"] = email_id


def _open_email_id() -> int | None:
    """The email to open: from the URL (?email=ID) once, else the one open (the journey editor sets it)."""
    query = st.query_params.get("email")
    if query and query.isdigit() and int(query) != st.session_state.get("studio_query_seen"):
        st.session_state["studio_query_seen"] = int(query)
        st.session_state[STUDIO_EMAIL] = int(query)
    open_id = st.session_state.get(STUDIO_EMAIL)
    if open_id is None or (
        "studio_email" in st.session_state and st.session_state.get("studio_picker_for") == open_id
    ):
        return open_id
    gone: list = []
    attempt(_point_picker, open_id, refused=gone.append)  # the email was deleted meanwhile
    if gone:
        st.session_state.pop(STUDIO_EMAIL, None)
        return None
    return open_id


def studio_email_picker() -> int | None:
    """Journey → stage → email; the id of the email to edit, or None.

    Switching away from an email with unsaved edits asks first; the draft is kept in this browser
    session either way and comes back when the email is reopened.
    """
    open_id = _open_email_id()
    columns = st.columns(3)
    with columns[0]:
        journey = journey_picker(key="studio_journey")
    if journey is None:
        return None
    with db_session() as session:
        tree = journeys.load_tree(session, journey.id)
    stages = {node.stage.id: node for node in tree.stages}
    if not stages:
        st.info("This journey has no stages yet: add them in the Journey editor.")
        return open_id if studio_is_dirty(open_id) else None
    if st.session_state.get("studio_stage") not in stages:
        st.session_state["studio_stage"] = next(iter(stages))
    stage_id = columns[1].selectbox(
        "Stage", list(stages), key="studio_stage", format_func=lambda i: stages[i].stage.name
    )
    emails = {e.id: e for e in stages[stage_id].emails}
    if not emails:
        columns[2].selectbox("Email", [], key="studio_email_none", placeholder="No emails in this stage")
        st.info("This stage has no emails yet: add one in the Journey editor.")
        return open_id if studio_is_dirty(open_id) else None
    if st.session_state.get("studio_email") not in emails:
        st.session_state["studio_email"] = next(iter(emails))
    picked = columns[2].selectbox(
        "Email", list(emails), key="studio_email", format_func=lambda i: emails[i].name
    )
    if picked == open_id:
        return open_id
    if open_id is None or not studio_is_dirty(open_id):
        _switch(picked)
        return picked
    _confirm_switch(open_id, picked, emails[picked].name)
    return open_id


def _confirm_switch(open_id: int, picked: int, picked_name: str) -> None:
    name = studio_drafts()[open_id].get("name", "this email")
    st.warning(
        f"**Unsaved changes** to {escape_markdown(name)}. Switch to “{escape_markdown(picked_name)}” anyway? Your edits stay in "
        "this browser session and come back when you reopen the email, but are not saved.",
        icon="⚠️",
    )
    go, stay = st.columns(2)
    go.button("Switch and keep my draft", key="studio_switch_confirm", on_click=_switch, args=(picked,))
    stay.button(
        f"Stay on {escape_markdown(name)}",
        key="studio_switch_cancel",
        on_click=_point_picker,
        args=(open_id,),
    )


def _convert_editor_tags() -> None:
    """Button callback: the editor's MJML with other engines' tags as Liquid (unsaved, like any edit)."""
    conversion = convert_tags(st.session_state.get("studio_mjml") or "")
    st.session_state["studio_mjml"] = conversion.source
    st.session_state["studio_convert_report"] = (
        len(conversion.converted),
        [describe(tag) for tag in conversion.unconverted],
    )


def studio_convert_offer(findings) -> None:
    """A "Convert to Liquid" button when a finding names another engine's tag, and what it last did."""
    report = st.session_state.pop("studio_convert_report", None)
    if report is not None:
        converted, left = report
        done = f"Converted {plural(converted, 'merge tag')} to Liquid in the editor; save to keep them."
        if left:
            left = "  \n".join(escape_markdown(tag) for tag in left)  # `*|FNAME|*` keeps its asterisks
            st.warning(done + "  \nCould not convert, left as written:  \n" + left, icon="🔁")
        else:
            st.success(done, icon="🔁")
    if any(f.rule == "merge-tag-foreign" for f in findings):
        st.button(
            "Convert to Liquid",
            key="studio_convert_tags",
            on_click=_convert_editor_tags,
            help="Rewrites Mailchimp, Handlebars, Jinja, Blade… tags as Liquid in the editor (not saved).",
        )
