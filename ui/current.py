"""The current journey: the one the user picked, kept across pages and in the URL as `?journey=ID`.

Every journey picker (ui.pickers.follow_journey) starts on it and makes its choice the current one, so a
journey picked on the map is the one the review, the Metrics page and the editor open on. It lives in
`st.session_state[CURRENT_JOURNEY]` and in the URL, so a copied link opens the same view.

The URL and the session meet like this (Streamlit 1.67):
- A link (`/review?journey=7`) or the browser's back button changes the URL: the picker takes its id,
  once per change (URL_SEEN is the last value read from or written to the URL). An id that is not a
  journey's is said on the page and the default is shown instead.
- Streamlit clears the query string on every page change, a sidebar click or `st.switch_page` without
  `query_params` (streamlit/streamlit#7982, #9050): the next page with a journey finds no `?journey=`,
  opens on the session's current journey and writes it back, so the URL keeps it. `st.switch_page` and
  `st.page_link` pass it along themselves (`journey_query`). Pages without a journey (Personas,
  Snippets, Settings) leave the URL without it.
- Not `st.selectbox(bind="query-params")`: it would name the parameter after each page's widget key,
  drop it while the default is picked (so a link would not pin the journey) and ignore a bad id silently.
- A fresh session without `?journey=` opens on ui.loaders.load_default_journey: the journey with the
  latest metrics, else the newest.
"""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown

CURRENT_JOURNEY = "current_journey_id"
URL_SEEN = "current_journey_url_seen"
PARAM = "journey"
_SHOWN_CHARS = 40  # of a bad id from the URL, in the message


def set_current_journey(journey_id: int) -> None:
    """Make `journey_id` the current journey (a new journey, "Open in the editor"): it wins over the URL's."""
    st.session_state[CURRENT_JOURNEY] = journey_id
    st.session_state[URL_SEEN] = st.query_params.get(PARAM)


def journey_query() -> dict[str, str]:
    """The query parameters that carry the current journey (for st.switch_page and st.page_link)."""
    current = st.session_state.get(CURRENT_JOURNEY)
    return {PARAM: str(current)} if isinstance(current, int) else {}


def journey_from_url(names: dict[int, str]) -> tuple[int | None, str | None]:
    """(the journey the URL asks for, None) when the URL changed since the last run and names one of
    `names`; (None, what is wrong) for an id that does not; (None, None) when there is nothing new."""
    raw = st.query_params.get(PARAM)
    if raw is None or raw == st.session_state.get(URL_SEEN):
        return None, None
    st.session_state[URL_SEEN] = raw
    journey_id = int(raw) if raw.isascii() and raw.isdigit() else None
    if journey_id in names:
        return journey_id, None
    shown = escape_markdown(raw if len(raw) <= _SHOWN_CHARS else raw[:_SHOWN_CHARS] + "…")
    if journey_id is None:
        return None, f"The link's `?journey=` is “{shown}”, which is not a journey id (a whole number)"
    return (
        None,
        f"The link asks for journey {shown}, which does not exist (deleted, or from another workspace)",
    )


def bad_link_warning(problem: str, shown: str) -> None:
    """Say that the link's journey cannot be shown, and which journey is shown instead."""
    st.warning(
        f"{problem}: showing “{escape_markdown(shown)}” instead. Pick another journey below.",
        icon=":material/link_off:",
    )


def show_journey_in_url(journey_id: int) -> None:
    """Put the journey shown into the URL (`?journey=ID`), so a copied link opens it."""
    value = str(journey_id)
    if st.query_params.get(PARAM) != value:
        st.query_params[PARAM] = value
    st.session_state[URL_SEEN] = value
