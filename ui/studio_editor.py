"""The studio's MJML editor and its toolbar: where the editor opens, the finding buttons' jump to a line,
the plain text box it falls back to, the save buttons and the preview's screens."""

from __future__ import annotations

import re

import streamlit as st

from journey.core.fields import MAX_MJML
from ui.auth import can_edit, view_only_note
from ui.components import code_editor, request_line
from ui.studio import studio_is_dirty, studio_save, studio_stale_panel

VIEWS = {"desktop": "Desktop", "mobile": "Mobile", "both": "Both"}
_BODY_RE = re.compile(r"<mj-body\b", re.IGNORECASE)
_SECTION_RE = re.compile(r"<mj-(?:section|wrapper|hero)\b", re.IGNORECASE)


def opening_line(source: str, findings) -> int:
    """The line the editor opens on: the first error's or warning's, else the body's first section
    (a `<mj-section>` default inside `<mj-attributes>` is not one), else `<mj-body>`, else 1."""
    for finding in findings:
        if finding.line and finding.severity in ("error", "warning"):
            return finding.line
    body = _BODY_RE.search(source)
    if body is None:
        return 1
    section = _SECTION_RE.search(source, body.end())
    return source.count("\n", 0, (section or body).start()) + 1


def studio_goto(line: int) -> None:
    """Button callback: move the MJML editor to `line`."""
    request_line("studio_mjml", line)


def _take_plain() -> None:
    st.session_state["studio_mjml"] = st.session_state["studio_mjml_plain"]


def studio_editor(email, findings) -> None:
    """The MJML editor (ui.components.code_editor), or a plain text box that applies on Ctrl+Enter."""
    if st.session_state.get("studio_plain_editor"):
        st.session_state["studio_mjml_plain"] = st.session_state.get("studio_mjml") or ""
        st.text_area(
            "MJML",
            key="studio_mjml_plain",
            height=520,
            max_chars=MAX_MJML,
            on_change=_take_plain,
            help="MJML with Liquid merge tags. Press Ctrl+Enter (or click outside) to update the preview.",
        )
        return
    markers = [
        {"line": f.line, "severity": f.severity, "message": f"{f.message} ({f.rule})"}
        for f in findings
        if f.line
    ]
    code_editor(
        "studio_mjml",
        doc=email.id,
        label="MJML",
        markers=markers,
        open_line=opening_line(st.session_state.get("studio_mjml") or "", findings),
    )


def studio_toolbar(email, draft: dict, rendered) -> str:
    """Save draft, save and mark ready, the unsaved-changes note, the preview's screens; the view picked."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        if not can_edit():
            view_only_note()
        elif st.button("Save draft", key="studio_save_draft", help="Saves even a broken email, as draft."):
            studio_save(email, draft, "draft")
        if can_edit() and st.button(
            "Save and mark ready",
            key="studio_mark_ready",
            type="primary",
            disabled=bool(rendered.errors),
            help="Only when the checks find no errors." if rendered.errors else None,
        ):
            studio_save(email, draft, "ready")
        if studio_is_dirty(email.id):
            st.markdown(":orange-badge[✏️ Unsaved changes]", width="content")
        st.space("stretch")
        st.segmented_control(
            "Preview",
            list(VIEWS),
            key="studio_view",
            format_func=VIEWS.get,
            label_visibility="collapsed",
            default="desktop",
            required=True,
            persist_state="session",
        )
        st.toggle(
            "Plain text box",
            key="studio_plain_editor",
            persist_state="session",
            help="A plain text box instead of the code editor: it updates the preview on Ctrl+Enter.",
        )
    studio_stale_panel(email.id)
    return st.session_state.get("studio_view") or "desktop"
