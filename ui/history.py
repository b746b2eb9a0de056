"""The studio's History tab: the email's versions (when, who, what changed), one version against the
saved email as a diff, and "Restore this version" (editors and owners, with a confirm)."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown
from journey.write import history
from ui.auth import can_edit
from ui.db import db_session
from ui.studio import studio_drafts
from ui.writes import run_write


def _when(saved_at) -> str:
    return saved_at.strftime("%d %b %Y, %H:%M UTC")


def _what(version: history.VersionSummary) -> str:
    changed = ", ".join(version.changed) or "nothing"
    if version.restored_from is not None:
        return f"restored version {version.restored_from} ({changed})"
    return changed


def studio_history(email, draft: dict) -> None:
    """The History tab of the open email."""
    with db_session() as session:
        versions = history.list_versions(session, email.id)
    st.caption(
        f"Every save of this email is kept (the last {history.KEEP_VERSIONS}). Restoring a version saves "
        "its content as a new version: nothing in the history is overwritten."
    )
    st.dataframe(
        [
            {  # what changed first: on a phone the table scrolls sideways
                "Version": v.version,
                "What changed": _what(v) + (" · the saved email" if v.version == email.version else ""),
                "By": v.saved_by,
                "Saved": _when(v.saved_at),
            }
            for v in versions
        ],
        hide_index=True,
        width="stretch",
        key=f"studio_history_table_{email.id}",
    )
    older = [v.version for v in versions if v.version != email.version]
    if not older:
        st.info("This email has one version so far: each save adds one here.")
        return
    number = st.selectbox(
        "Look at version",
        older,
        key=f"studio_history_pick_{email.id}",
        format_func=lambda n: next(
            f"{n} · {_when(v.saved_at)} · {v.saved_by}" for v in versions if v.version == n
        ),
    )
    with db_session() as session:
        old = history.get_version(session, email.id, number)
        diffs = history.diff_against(old, email)
    st.markdown(
        f"**Subject:** {escape_markdown(old.subject or '–')}  \n**Preheader:** {escape_markdown(old.preheader or '–')}"
    )
    if not diffs:
        st.success(f"Version {number} has the same content as the saved email.")
    for label, text in diffs:
        st.markdown(f"**{label[0].upper()}{label[1:]}** — saved email (−) → version {number} (+)")
        st.code(text, language="diff", wrap_lines=True)
    if not can_edit():  # the signed-in user's role (ui.auth); the service checks it again
        st.caption("Viewers cannot restore a version.")
        return
    unsaved = any(draft.get(f) != draft.get("saved", {}).get(f) for f in draft.get("saved", {}))
    confirm = st.checkbox(
        f"Yes, restore version {number}" + (" (my unsaved edits are discarded)" if unsaved else ""),
        key=f"studio_history_confirm_{email.id}_{number}",
    )
    # Against the version the editor holds: a teammate's save since then refuses it, as a stale save.
    if st.button(
        "Restore this version", key="studio_history_restore", disabled=not confirm, type="primary"
    ) and run_write(
        history.restore_version, email.id, number, draft["version"], refusal="Nothing was restored. {}"
    ):
        studio_drafts().pop(email.id, None)  # the editor reloads the email (as studio_discard, on a full run)
        st.session_state.pop("studio_widgets_for", None)
        st.session_state["studio_flash"] = ("success", f"Restored version {number} of “{email.name}”.")
        st.rerun()
