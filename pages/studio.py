"""Email studio: the MJML editor beside the preview (desktop, mobile or both) as a persona; check, save, test, A/B."""

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.write import variants
from ui.auth import can_edit, editing
from ui.db import db_session
from ui.gallery import gallery_import
from ui.history import studio_history
from ui.loaders import load_studio_render
from ui.pickers import preview_persona_picker
from ui.previews import studio_downloads, studio_findings, studio_side_by_side
from ui.send import studio_test_send
from ui.studio import (
    STUDIO_TABS,
    studio_capture,
    studio_convert_offer,
    studio_email,
    studio_email_picker,
    studio_open_draft,
)
from ui.studio_editor import studio_editor, studio_goto, studio_toolbar
from ui.variants import studio_add_variant, studio_variant_editor
from ui.views import studio_previews
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
st.caption(  # one line, so the editor and the preview start above the fold; the rest in the tooltip
    f"**Status:** {email.status} · **CTA:** {escape_markdown(email.cta_label or '–')}",
    help=f"**Purpose:** {escape_markdown(email.purpose or '–')}  \n**CTA link:** {escape_markdown(email.cta_url or '–')}",
)


def render(mjml: str, subject: str, preheader: str, data: dict):
    """The render and findings of one version of this email (cached)."""
    return load_studio_render(mjml, subject, preheader, data, email.cta_label, email.cta_url)


@st.fragment
def editor() -> None:
    if st.session_state.pop("studio_reload_requested", False):
        st.rerun()  # the whole page: the email is reloaded from the database
    subject, preheader, persona = st.columns([4, 4, 3])
    subject.text_input("Subject", key="studio_subject", max_chars=300)
    preheader.text_input("Preheader", key="studio_preheader", max_chars=300)
    with persona:
        data = preview_persona_picker(tree.journey.id)
    studio_capture(draft)
    rendered = render(draft["mjml"], draft["subject"], draft["preheader"], data)
    st.session_state["studio_data"] = data
    view = studio_toolbar(email, draft, rendered)
    source, side = st.columns(2, gap="medium")
    with source:
        studio_editor(email, rendered.findings)
    with side:
        studio_previews(rendered.html, view, doc=email.id)
    with source:
        if rendered.errors:
            st.error(
                f"This email has {plural(len(rendered.errors), 'error')}: it can be saved only as a draft."
            )
        studio_convert_offer(rendered.findings)
        studio_findings(rendered.findings, goto=studio_goto)
    with side:
        studio_downloads(email.name, draft["mjml"], rendered)


# Only the open tab runs and is sent (the variants' previews are four more email documents to draw).
edit_tab, variants_tab, history_tab, send_tab = st.tabs(STUDIO_TABS, key="studio_tab", on_change="rerun")
if edit_tab.open:
    with edit_tab:
        editor()

if variants_tab.open:
    with variants_tab:
        if editing():  # a viewer changes no variant
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

if history_tab.open:
    with history_tab:
        studio_history(email, draft)

if send_tab.open:
    with send_tab:
        if editing():
            studio_test_send(draft, st.session_state.get("studio_data", {}))
if can_edit():
    gallery_import(tree, page="studio")
