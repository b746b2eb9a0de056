"""The baseline of bench/bench_pages.py: a trivial Streamlit page (a title and a line of text)."""

import streamlit as st

st.title("Trivial page")
st.write("Nothing here but this line.")
