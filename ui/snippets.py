"""The Snippets page's glue: the library table, the editor's state, save and delete, the snippet's preview."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.write import snippets
from journey.write.checks import render_and_check
from journey.write.includes import as_email
from journey.write.render import standard_merge_data
from ui.db import db_session
from ui.loaders import load_brand, load_snippet_library
from ui.previews import DESKTOP_PREVIEW_WIDTH, studio_findings, studio_preview
from ui.writes import run_write

NEW = 0
STARTER = (
    '<mj-section>\n  <mj-column>\n    <mj-text font-size="14px">\n'
    '      <a href="{{ unsubscribe_url }}">Unsubscribe</a> · Your company, 1 Main Street, Springfield\n'
    "    </mj-text>\n  </mj-column>\n</mj-section>\n"
)


def snippets_table(rows: list[tuple]) -> None:
    """The library: each snippet's name, how to include it and how many emails use it."""
    if not rows:
        st.info("No snippets yet. Start with your footer: the form below has one to adapt.")
        return
    st.dataframe(
        [
            {"snippet": name, "include with": f'<mj-include path="{name}.mjml" />', "used by emails": uses}
            for _, name, _, _, uses in rows
        ],
        hide_index=True,
        width="stretch",
    )


def snippets_load(selected: int, by_id: dict[int, tuple]) -> None:
    """Fill the editor from the chosen snippet once per selection; afterwards it keeps what was typed."""
    if st.session_state.get("snippets_loaded") == selected:
        return
    row = by_id.get(selected)
    st.session_state["snippets_name"] = row[1] if row else ""
    st.session_state["snippets_mjml"] = row[2] if row else STARTER
    st.session_state["snippets_version"] = row[3] if row else None
    st.session_state["snippets_loaded"] = selected


def _select_next(snippet) -> None:
    st.session_state["snippets_next"] = snippet.id if snippet is not None else NEW
    st.session_state.pop("snippets_loaded", None)


def snippets_save(selected: int) -> None:
    """Create or save the snippet in the editor (a stale save is refused, the text kept)."""
    name, mjml = st.session_state["snippets_name"], st.session_state["snippets_mjml"]
    if selected == NEW:
        saved = run_write(snippets.create_snippet, name=name, mjml=mjml, success="Snippet created")
    else:
        saved = run_write(
            snippets.update_snippet,
            selected,
            st.session_state["snippets_version"],
            name=name,
            mjml=mjml,
            success="Snippet saved: every email that includes it changes with it",
        )
    if saved:
        _select_next(saved)
        st.rerun()


def snippets_delete(selected: int) -> None:
    """Delete the snippet (refused, naming them, while emails include it)."""
    if run_write(snippets.delete_snippet, selected, success="Snippet deleted"):
        _select_next(None)
        st.rerun()


def snippets_uses(name: str) -> None:
    """Which emails include the snippet (directly or through another snippet)."""
    with db_session() as session:
        uses = snippets.emails_including(session, name)
    emails = {use.email_id for use in uses}
    st.markdown(f"**Used by {plural(len(emails), 'email')}**")
    for use in uses:
        variant = f" (variant {use.variant})" if use.variant else ""
        st.caption(escape_markdown(f"{use.journey} › {use.stage} › {use.email}{variant}"))


def snippets_preview(mjml: str) -> None:
    """The snippet alone, inside an email body, with its checks (its own lines)."""
    data = standard_merge_data(brand=load_brand().merge_fields())  # a footer's {{ brand.address }} filled
    rendered = render_and_check(as_email(mjml), data, subject=None, snippets=load_snippet_library())
    studio_preview(
        rendered.html, width=DESKTOP_PREVIEW_WIDTH, caption="The snippet alone · 600 px", height=420
    )
    with st.expander("Checks of the snippet alone", expanded=bool(rendered.errors)):
        st.caption("An email that includes it is checked as a whole: a header alone has no unsubscribe link.")
        studio_findings(rendered.findings)
