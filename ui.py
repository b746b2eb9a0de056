"""The UI glue: the cached engine, one database session per rerun, shared pickers and widgets.

Pages import from here and from journey/; nothing in journey/ or db/ knows Streamlit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from db.engine import database_url, make_engine, session_scope
from db.migrate import upgrade
from journey import demo, journeys
from journey.errors import JourneyError

CURRENT_JOURNEY = "current_journey_id"


@st.cache_resource(show_spinner="Opening the workspace…")
def _engine_for(url: str) -> Engine:
    """One engine per database URL: migrated, and seeded with the demo on a first start."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed_on_first_start(session, with_demo=os.environ.get("JOURNEY_SEED_DEMO", "1") != "0")
    return engine


def get_engine() -> Engine:
    return _engine_for(database_url())


@contextmanager
def db_session() -> Iterator[Session]:
    """A session for this rerun: one transaction, committed when the block ends without error."""
    with session_scope(get_engine()) as session:
        yield session


def run_write(action, *args, success: str | None = None, **kwargs):
    """Run `action(session, …)` in its own transaction; show a JourneyError instead of raising.

    Returns the action's result, or None when it was refused (the message is shown).
    """
    try:
        with db_session() as session:
            result = action(session, *args, **kwargs)
    except JourneyError as exc:
        st.error(str(exc), icon="⚠️")
        return None
    if success:
        st.toast(success, icon="✅")
    return result


def journey_picker(*, key: str, label: str = "Journey") -> journeys.JourneySummary | None:
    """Pick a journey; the choice follows the user from page to page."""
    with db_session() as session:
        summaries = journeys.list_journeys(session)
    if not summaries:
        st.info(
            "No journeys yet. Create one on the **Journeys** page, or load the demo with `python -m journey demo`."
        )
        return None
    ids = [s.id for s in summaries]
    by_id = {s.id: s for s in summaries}
    current = st.session_state.get(CURRENT_JOURNEY)
    if st.session_state.get(key) not in ids:
        st.session_state[key] = current if current in ids else ids[0]
    chosen = st.selectbox(label, ids, key=key, format_func=lambda i: by_id[i].name)
    st.session_state[CURRENT_JOURNEY] = chosen
    return by_id[chosen]


def field_error(errors: dict[str, str], field: str) -> None:
    """The validation message for `field`, shown right under its widget."""
    if field in errors:
        st.caption(f":red[⚠️ {errors[field]}]")


def form_errors(key: str) -> dict[str, str]:
    """The per-field validation messages of one form, kept across reruns."""
    return st.session_state.setdefault(f"{key}_errors", {})


def record_error(key: str, exc: JourneyError) -> None:
    """Put `exc` beside its field (or at the top of the form when it names none)."""
    errors = form_errors(key)
    errors.clear()
    errors[exc.field or "_form"] = str(exc)
