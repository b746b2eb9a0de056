"""Empty states: what to do next, as something to click in the app (a page link, a button), never a
shell command.

    no_journeys(key=…)               no journey yet: create one, or load the demo journey
    no_metrics(journey_id, key=…)    a journey without metrics: the Import metrics page, or the demo
    import_metrics_link()            a link to the Import metrics page, on the current journey
    load_demo_button(key=…)          the demo journey, loaded as `python -m journey demo` does, then opened
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from journey.plan import demo
from ui.auth import can_edit
from ui.current import journey_query, set_current_journey
from ui.db import db_session
from ui.navigation import PAGES
from ui.writes import run_write

NO_METRICS = (
    "No metrics for this journey yet: import your email service's CSV export on the Import metrics page, "
    "or look around the demo journey and its 12 weeks of metrics."
)
_DEMO_HELP = (
    "Fernhill Coffee Roasters: two personas, a five-stage journey with 19 ready emails and 12 weeks of "
    "metrics with an A/B test. Remove it any time on the Journeys page."
)


def page_link(key: str, *, where=None, **query: str) -> None:
    """A link to the page registered as `key` (ui.navigation), carrying the current journey in its URL."""
    spec = next(p for p in PAGES if p.key == key)
    where = where or st
    try:
        where.page_link(
            spec.path, label=spec.title, icon=spec.icon, query_params={**journey_query(), **query}
        )
    except StreamlitPageNotFoundError:  # a page run on its own, outside app.py's navigation (AppTest)
        where.markdown(f"Open **{spec.title}** in the sidebar.")


def import_metrics_link(where=None) -> None:
    """A link to the Import metrics page, on the current journey."""
    page_link("import_metrics", where=where)


def load_demo_button(*, key: str, unless: int | None = None) -> None:
    """Load the demo journey (journey.plan.demo.load_demo, the service behind `python -m journey demo`) and
    open it; once it is loaded, open it instead (nothing when `unless`, the journey shown, is the demo)."""
    with db_session() as session:
        loaded = demo.demo_journey_id(session)
    if loaded is not None:
        if loaded != unless and st.button("Open the demo journey", key=key, icon=":material/coffee:"):
            set_current_journey(loaded)
            st.rerun()
        return
    if not can_edit():  # a viewer loads nothing
        return
    if st.button("Load the demo journey", key=key, icon=":material/coffee:", help=_DEMO_HELP):
        journey_id = run_write(demo.load_demo, success="Loaded the demo journey.")
        if journey_id is not None:
            set_current_journey(journey_id)
            st.rerun()


def no_journeys(*, key: str) -> None:
    """No journey yet: where to create one, or the demo journey to look around first."""
    st.info(
        "No journeys yet. Create your first one on the **Journeys** page, or load the demo journey to see "
        "the app with an example's emails and metrics."
    )
    page_link("journeys")
    load_demo_button(key=f"{key}_demo")


def no_metrics(journey_id: int, *, key: str, message: str = NO_METRICS) -> None:
    """`message` (nothing to show without metrics), then the Import metrics page and the demo journey."""
    st.info(message)
    import_metrics_link()
    load_demo_button(key=f"{key}_demo", unless=journey_id)
