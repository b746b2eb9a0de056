"""Email studio: edit an email's MJML, preview it on desktop and mobile as a persona, check, save, test, A/B."""

import streamlit as st

from journey.core.fields import MAX_MJML
from journey.core.text import escape_markdown, plural
from journey.write import variants
from ui.db import db_session
from ui.gallery import gallery_import
from ui.loaders import load_studio_render
from ui.pickers import preview_persona_picker
from ui.previews import studio_downloads, studio_findings, studio_previews, studio_side_by_side
from ui.send import studio_test_send
from ui.studio import (
    studio_capture,
    studio_convert_offer,
    studio_email,
    studio_email_picker,
    studio_is_dirty,
    studio_open_draft,
    studio_save,
)
from ui.variants import studio_add_variant, studio_variant_editor
from ui.widgets import finding_markdown

st.title("Email studio")
if flash := st.session_state.pop("studio_flash", None):
    getattr(st, flash[0])(flash[1])

email_id = studio_email_picker()
opened = None if email_id is None else studio_email(email_id)
if opened is None:
    st.stop()
email, tree = opened
draft = studio_open_draft(email)
st.caption(
    f"**Status:** {email.status} · **Purpose:** {escape_markdown(email.purpose or '–')} · "
    f"**CTA:** {escape_markdown(email.cta_label or '–')} → {escape_markdown(email.cta_url or '–')}"
)


def render(mjml: str, subject: str, preheader: str, data: dict):
    """The render and findings of one version of this email (cached)."""
    return load_studio_render(mjml, subject, preheader, data, email.cta_label, email.cta_url)


@st.fragment
def editor() -> None:
    if st.session_state.pop("studio_reload_requested", False):
        st.rerun()  # the whole page: the email is reloaded from the database
    source, side = st.columns([5, 4])
    with source:
        st.text_input("Subject", key="studio_subject", max_chars=300)
        st.text_input("Preheader", key="studio_preheader", max_chars=300)
        st.text_area(
            "MJML", key="studio_mjml", height=520, max_chars=MAX_MJML, help="MJML with Liquid merge tags."
        )
        studio_capture(draft)
        data = preview_persona_picker(tree.journey.id)
        st.button("Apply", key="studio_apply", type="primary", help="Re-render the previews and checks.")
    rendered = render(draft["mjml"], draft["subject"], draft["preheader"], data)
    st.session_state["studio_data"] = data
    with side:
        if studio_is_dirty(email.id):
            st.warning("**Unsaved changes.** Save as draft (or mark ready) to keep them.", icon="✏️")
        draft_col, ready_col = st.columns(2)
        if draft_col.button(
            "Save draft", key="studio_save_draft", help="Saves even a broken email, as draft."
        ):
            studio_save(email, draft, "draft")
        if ready_col.button(
            "Save and mark ready",
            key="studio_mark_ready",
            disabled=bool(rendered.errors),
            help="Only when the checks find no errors." if rendered.errors else None,
        ):
            studio_save(email, draft, "ready")
        if rendered.errors:
            st.error(
                f"This email has {plural(len(rendered.errors), 'error')}: it can be saved only as a draft."
            )
        studio_convert_offer(rendered.findings)
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
    base = render(email.mjml, email.subject, email.preheader, data)
    for row in rows:
        with st.expander(f"Variant {escape_markdown(row.label)}", expanded=len(rows) == 1):
            content = studio_variant_editor(email, row)
            shown = render(content.mjml, content.subject, content.preheader, data)
            studio_side_by_side(
                (base.html, f"Base (saved) · {email.subject}"),
                (shown.html, f"{row.label} · {content.subject}"),
            )
            if shown.errors:
                st.error(f"Variant {escape_markdown(row.label)}: {finding_markdown(shown.errors[0])}")

with send_tab:
    studio_test_send(draft, st.session_state.get("studio_data", {}))
gallery_import(tree, page="studio")
