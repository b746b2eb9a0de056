"""Email studio: edit an email's MJML, preview it on desktop and mobile as a persona, check, save, test, A/B."""

import streamlit as st

from journey.core.errors import JourneyError, StaleEdit
from journey.plan import journeys
from journey.write import variants
from ui import (
    STUDIO_EMAIL,
    db_session,
    load_studio_render,
    studio_add_variant,
    studio_capture,
    studio_discard,
    studio_downloads,
    studio_email_picker,
    studio_findings,
    studio_is_dirty,
    studio_mark_saved,
    studio_open_draft,
    studio_persona_data,
    studio_previews,
    studio_side_by_side,
    studio_test_send,
    studio_variant_editor,
)

st.title("Email studio")
if flash := st.session_state.pop("studio_flash", None):
    getattr(st, flash[0])(flash[1])

email_id = studio_email_picker()
if email_id is None:
    st.stop()
try:
    with db_session() as session:
        email = journeys.get_email(session, email_id)
        tree = journeys.load_tree(session, journeys.journey_of_email(session, email_id))
except JourneyError as exc:
    st.error(str(exc))
    st.session_state.pop(STUDIO_EMAIL, None)
    st.stop()
draft = studio_open_draft(email)
st.caption(
    f"**Status:** {email.status} · **Purpose:** {email.purpose or '–'} · **CTA:** {email.cta_label or '–'} → {email.cta_url or '–'}"
)


def save(status: str) -> None:
    """Save the draft with `status`; a stale save is refused and the draft kept."""
    try:
        with db_session() as session:
            saved = journeys.update_email(
                session,
                email.id,
                draft["version"],
                subject=draft["subject"],
                preheader=draft["preheader"],
                mjml=draft["mjml"],
                status=status,
            )
            version = saved.version
    except StaleEdit as exc:
        st.error(f"{exc} Your edits are still here, unsaved.", icon="⚠️")
        st.button(
            "Discard my edits and load the latest version",
            key="studio_reload",
            on_click=studio_discard,
            args=(email.id,),
        )
        return
    except JourneyError as exc:
        st.error(str(exc))
        return
    studio_mark_saved(email.id, version)
    st.session_state["studio_flash"] = ("success", f"Saved “{email.name}” as {status}.")
    st.rerun()


@st.fragment
def editor() -> None:
    if st.session_state.pop("studio_reload_requested", False):
        st.rerun()  # the whole page: the email is reloaded from the database
    source, side = st.columns([5, 4])
    with source:
        st.text_input("Subject", key="studio_subject", max_chars=300)
        st.text_input("Preheader", key="studio_preheader", max_chars=300)
        st.text_area("MJML", key="studio_mjml", height=520, help="MJML with Liquid merge tags.")
        studio_capture(draft)
        data = studio_persona_data(tree.personas)
        st.button("Apply", key="studio_apply", type="primary", help="Re-render the previews and checks.")
    rendered = load_studio_render(
        draft["mjml"], draft["subject"], draft["preheader"], data, email.cta_label, email.cta_url
    )
    st.session_state["studio_data"] = data
    with side:
        if studio_is_dirty(email.id):
            st.warning("**Unsaved changes.** Save as draft (or mark ready) to keep them.", icon="✏️")
        draft_col, ready_col = st.columns(2)
        if draft_col.button(
            "Save draft", key="studio_save_draft", help="Saves even a broken email, as draft."
        ):
            save("draft")
        if ready_col.button(
            "Save and mark ready",
            key="studio_mark_ready",
            disabled=bool(rendered.errors),
            help="Only when the checks find no errors." if rendered.errors else None,
        ):
            save("ready")
        if rendered.errors:
            st.error(f"This email has {len(rendered.errors)} error(s): it can be saved only as a draft.")
        studio_findings(rendered.findings)
        with st.expander("Source with line numbers"):
            st.code(draft["mjml"], language="xml", line_numbers=True)
        studio_downloads(email.name, draft["mjml"], rendered)
    studio_previews(rendered.html)


edit_tab, variants_tab, send_tab = st.tabs(["Editor", "A/B variants", "Test send"])
with edit_tab:
    editor()

with variants_tab:
    data = st.session_state.get("studio_data", {})
    with db_session() as session:
        rows = variants.list_variants(session, email.id)
    studio_add_variant(email.id, draft["mjml"])
    if not rows:
        st.info(
            "No variants yet. Add one to A/B test a subject or a body; metric imports refer to its label."
        )
    base = load_studio_render(
        email.mjml, email.subject, email.preheader, data, email.cta_label, email.cta_url
    )
    for row in rows:
        with st.expander(f"Variant {row.label}", expanded=len(rows) == 1):
            content = studio_variant_editor(email, row)
            shown = load_studio_render(
                content.mjml, content.subject, content.preheader, data, email.cta_label, email.cta_url
            )
            studio_side_by_side(
                (base.html, f"Base (saved) · {email.subject}"),
                (shown.html, f"{row.label} · {content.subject}"),
            )
            if shown.errors:
                st.error(f"Variant {row.label}: {shown.errors[0].message}")

with send_tab:
    studio_test_send(draft, st.session_state.get("studio_data", {}))
