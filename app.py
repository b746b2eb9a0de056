"""Email Journey Map: the entry point. `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="Email Journey Map", page_icon="✉️", layout="wide")

PAGES = {
    "Plan": [
        st.Page("pages/journeys.py", title="Journeys", icon="🗺️", default=True),
        st.Page("pages/editor.py", title="Journey editor", icon="✏️"),
        st.Page("pages/personas.py", title="Personas", icon="🧑"),
        st.Page("pages/journey_map.py", title="Journey map", icon="🧭"),
        st.Page("pages/walkthrough.py", title="Walk-through", icon="🚶"),
    ],
    "Write": [
        st.Page("pages/studio.py", title="Email studio", icon="💌"),
    ],
    "Measure": [
        st.Page("pages/dashboard.py", title="Metrics", icon="📊"),
        st.Page("pages/review.py", title="Weekly review", icon="🗓️"),
        st.Page("pages/import_metrics.py", title="Import metrics", icon="📥"),
    ],
}

st.navigation({section: pages for section, pages in PAGES.items() if pages}).run()
