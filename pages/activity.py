"""Activity: who changed what, when: every change in the workspace, newest first, filtered and paged."""

import streamlit as st

from ui.activity import activity_download, activity_filters, activity_page

st.title("Activity")
st.caption(
    "Every change anyone made: journeys, stages, emails, personas, variants, snippets, imports, weekly notes "
    "and settings. Each row says who, when (UTC), what, and which fields changed. A change undone by a "
    "failed save or import leaves no row."
)
filters = activity_filters()
if activity_page(filters):
    activity_download(filters)
