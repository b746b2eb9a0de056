"""Settings: the workspace brand that every email reads as merge data ({{ brand.name }}, {{ brand.address }}…),
the time zone whose days the weeks are counted in, and a backup of the whole workspace to download."""

import streamlit as st

from ui.auth import can_edit, editing
from ui.forms import reload_saved_forms
from ui.loaders import load_brand
from ui.settings import backup_download, brand_form, brand_preview, brand_tags, time_zone_form

reload_saved_forms()  # after a save, the form shows the brand as saved
st.title("Settings")
st.subheader("Brand")
st.caption(
    "Your company, set once for the whole workspace. Every email reads it as merge data "
    "(`{{ brand.name }}`, `{{ brand.address }}`, `{{ brand.website }}/pricing`, `{{ brand.primary_color }}`…) "
    "in previews, checks, test sends, walk-throughs and the CLI (`render --workspace`). The starter "
    "journey's emails use it for their header, links, sign-off, colours and footer address."
)

saved = load_brand()
if not saved.name or not saved.address:
    st.info(
        "No brand yet: the starter's emails show an empty company name, links without a website and no "
        "postal address (the pre-send checks say so). Fill in the form and save it once.",
        icon="ℹ️",
    )
form_side, preview_side = st.columns([1, 1], gap="large")
with form_side:
    if editing():
        brand_form()
    st.markdown("**Merge tags**")
    brand_tags(saved)
with preview_side:
    brand_preview(saved)

st.subheader("Time zone")
st.caption(
    "When the workspace's day begins: a week (Monday to Sunday) is complete once its Sunday is over in this "
    "zone. Until then it is marked *in progress*, and its alerts wait."
)
if can_edit():
    time_zone_form()

st.subheader("Backup")
backup_download()  # owners only (the rest see why)
