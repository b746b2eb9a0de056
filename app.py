"""Email Journey Map: the entry point. `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Email Journey Map", page_icon="✉️", layout="wide")

PAGES = {
    "Plan": [
        st.Page("pages/journeys.py", title="Journeys", icon=":material/route:", default=True),
        st.Page("pages/editor.py", title="Journey editor", icon=":material/edit_note:"),
        st.Page("pages/personas.py", title="Personas", icon=":material/groups:"),
        st.Page("pages/journey_map.py", title="Journey map", icon=":material/map:"),
        st.Page("pages/walkthrough.py", title="Walk-through", icon=":material/directions_walk:"),
    ],
    "Write": [
        st.Page("pages/studio.py", title="Email studio", icon=":material/drafts:"),
    ],
    "Measure": [
        st.Page("pages/review.py", title="Weekly review", icon=":material/event_note:"),
        st.Page("pages/dashboard.py", title="Metrics", icon=":material/monitoring:"),
        st.Page("pages/import_metrics.py", title="Import metrics", icon=":material/upload_file:"),
    ],
}

st.navigation({section: pages for section, pages in PAGES.items() if pages}).run()
