"""Snippets: the header, footer and brand blocks that emails include with <mj-include path="footer.mjml" />."""

import streamlit as st

from journey.core.fields import MAX_MJML
from ui.auth import editing
from ui.loaders import load_snippets
from ui.snippets import (
    NEW,
    snippets_delete,
    snippets_load,
    snippets_preview,
    snippets_save,
    snippets_table,
    snippets_uses,
)

st.title("Snippets")
st.caption(
    'Blocks of MJML that emails include with `<mj-include path="footer.mjml" />`. Edit the footer once '
    "and every email that includes it changes: its preview, its checks, its test sends."
)

rows = load_snippets()
by_id = {row[0]: row for row in rows}
snippets_table(rows)

if not editing():  # a viewer reads the table; no editor
    st.stop()
options = [NEW, *by_id]
if "snippets_next" in st.session_state:  # chosen by a save or delete on the previous run
    st.session_state["snippets_selected"] = st.session_state.pop("snippets_next")
if st.session_state.get("snippets_selected") not in options:
    st.session_state["snippets_selected"] = NEW
selected = st.selectbox(
    "Edit",
    options,
    key="snippets_selected",
    format_func=lambda i: "➕ New snippet" if i == NEW else by_id[i][1],
)
snippets_load(selected, by_id)

source, side = st.columns([1, 1], gap="large")
with source:
    st.text_input(
        "Name",
        key="snippets_name",
        max_chars=60,
        help="Lower-case letters, digits, - and _. Emails include it as <name>.mjml.",
    )
    st.text_area(
        "MJML",
        key="snippets_mjml",
        height=360,
        max_chars=MAX_MJML,
        help="MJML components, e.g. an <mj-section>.",
    )
    save_col, delete_col = st.columns(2)
    if save_col.button("Save snippet", key="snippets_save", type="primary"):
        snippets_save(selected)
    if selected != NEW and delete_col.button("Delete snippet", key="snippets_delete"):
        snippets_delete(selected)
    if selected != NEW:
        snippets_uses(by_id[selected][1])
with side:
    snippets_preview(st.session_state["snippets_mjml"])
