"""Email Journey Map: the entry point. `streamlit run app.py`."""

import streamlit as st

from ui.auth import gate
from ui.navigation import PAGES, SECTIONS

st.set_page_config(page_title="Email Journey Map", page_icon="✉️", layout="wide")
gate()  # the sign-in screen, and nothing else, until someone signs in (when sign-in is set up)

navigation = {
    section: [
        st.Page(page.path, title=page.title, icon=page.icon, default=page.default)
        for page in PAGES
        if page.section == section
    ]
    for section in SECTIONS
}
st.navigation(navigation).run()
