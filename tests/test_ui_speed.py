"""What keeps the pages fast on a big workspace: charts built once per builder and data, as Streamlit draws them."""

from streamlit.testing.v1 import AppTest
from support import PAGE_TIMEOUT_S


def _altair_beside_cached_chart() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    from ui.widgets import cached_chart

    def bars(frame):
        return (
            alt.Chart(frame, title="Rates")
            .mark_bar()
            .encode(x="stage:N", y=alt.Y("value:Q", axis=alt.Axis(format="%")))
        )

    frame = pd.DataFrame({"stage": ["Awareness", "Decision"], "value": [0.4, 0.25]})
    st.altair_chart(bars(frame), key="plain", width="stretch")
    cached_chart(bars, frame, key="cached", width="stretch")


def test_a_cached_chart_sends_what_st_altair_chart_sends():
    at = AppTest.from_function(_altair_beside_cached_chart, default_timeout=PAGE_TIMEOUT_S).run()
    assert not at.exception
    plain, cached = (chart.proto for chart in at.get("vega_lite_chart"))
    assert cached.spec == plain.spec
    assert [(d.name, d.data.data) for d in cached.datasets] == [(d.name, d.data.data) for d in plain.datasets]


def _chart_built_once() -> None:
    import pandas as pd
    import streamlit as st

    from ui.widgets import cached_chart

    def bars(frame):
        import altair as alt

        st.session_state["built"] = st.session_state.get("built", 0) + 1
        return alt.Chart(frame).mark_bar().encode(x="stage", y="value")

    values = st.session_state.get("values", [1, 2])
    cached_chart(bars, pd.DataFrame({"stage": ["A", "B"], "value": values}), key="bars")


def test_a_chart_is_built_again_only_when_its_data_changes():
    at = AppTest.from_function(_chart_built_once, default_timeout=PAGE_TIMEOUT_S).run()
    at.run()
    assert not at.exception
    assert at.session_state["built"] == 1  # the second run drew the chart built by the first
    at.session_state["values"] = [3, 4]
    at.run()
    assert at.session_state["built"] == 2
    assert len(at.get("vega_lite_chart")) == 1
