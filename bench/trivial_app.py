"""The baseline of bench/bench_browser_pages.py: a trivial two-page Streamlit app (a title and a line each)."""

import streamlit as st


def one() -> None:
    st.title("Trivial one")
    st.write("Nothing here but this line.")


def two() -> None:
    st.title("Trivial two")
    st.write("Nothing here but this line either.")


st.navigation(
    [st.Page(one, title="Trivial one", default=True), st.Page(two, title="Trivial two", url_path="two")]
).run()
