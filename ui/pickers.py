"""Pickers shared by the pages: the journey (it follows the user from page to page), personas, weeks."""

from __future__ import annotations

import streamlit as st

from journey.measure import review
from journey.measure.weeks import iso_week_label, last_complete_week, parse_week
from journey.plan import journeys, personas
from journey.write.render import standard_merge_data
from ui.current import CURRENT_JOURNEY, bad_link_warning, journey_from_url, show_journey_in_url
from ui.db import db_session
from ui.empty import no_journeys
from ui.loaders import load_brand, load_default_journey, load_journey_span, workspace_today


def journey_picker(*, key: str, label: str = "Journey") -> journeys.JourneySummary | None:
    """Pick a journey; the choice follows the user from page to page (ui.current). Without journeys,
    what to do instead (ui.empty.no_journeys) and None."""
    with db_session() as session:
        summaries = journeys.list_journeys(session)
    if not summaries:
        no_journeys(key=f"{key}_empty")
        return None
    by_id = {s.id: s for s in summaries}
    chosen = follow_journey(key, label, {i: s.name for i, s in by_id.items()})
    return by_id[chosen]


def _follow(key: str) -> None:
    st.session_state[CURRENT_JOURNEY] = st.session_state[key]


def follow_journey(key: str, label: str, names: dict[int, str], *, where=None) -> int:
    """A selectbox of journeys (id → name) on the current journey: the link's (`?journey=ID`), else the
    one picked on any page, else the one with the latest metrics; its choice becomes the current journey
    and goes into the URL."""
    current, problem = journey_from_url(names)
    if current is None:
        current = st.session_state.get(CURRENT_JOURNEY)
    if current not in names:
        default = load_default_journey()
        current = default if default in names else next(iter(names))
    if problem:
        bad_link_warning(problem, names[current])
    st.session_state[CURRENT_JOURNEY] = st.session_state[key] = current
    chosen = (where or st).selectbox(
        label, list(names), key=key, format_func=names.get, on_change=_follow, args=(key,)
    )
    show_journey_in_url(chosen)
    return chosen


def _journey_first(journey_id: int) -> list[tuple[personas.Persona, bool]]:
    with db_session() as session:
        return personas.personas_journey_first(session, journey_id)


def walk_persona_picker(journey_id: int, *, key: str = "walk_persona") -> int | None:
    """The persona to walk the journey as (the journey's own first), or None for merge-tag fallbacks only."""
    labels = {p.id: p.name + ("" if own else " (other journey)") for p, own in _journey_first(journey_id)}
    chosen = st.selectbox(
        "Persona (their merge data fills the subjects)",
        [0, *labels],
        format_func=lambda i: labels.get(i, "No persona (merge-tag fallbacks only)"),
        index=1 if labels else 0,
        key=key,
    )
    return chosen or None


def preview_persona_picker(journey_id: int, *, key: str = "studio_persona") -> dict[str, str]:
    """A persona picker for merge data (the journey's personas first); the standard merge data, with the
    workspace brand."""
    by_id = {p.id: p for p, _ in _journey_first(journey_id)}
    options = [*by_id, 0]
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    chosen = st.selectbox(
        "Preview as persona",
        options,
        key=key,
        format_func=lambda i: by_id[i].name if i else "No persona (merge-tag fallbacks)",
        help="Merge tags like {{ first_name }} are filled with this persona's sample merge data.",
    )
    return standard_merge_data(by_id[chosen].merge_data if chosen else {}, brand=load_brand().merge_fields())


def review_week_picker(journey_id: int, *, key: str = "review_week") -> str:
    """An ISO week to review (default: the last complete one in the workspace's time zone), newest first
    back to the first data; the week in progress, when it has data, is marked "in progress (N of 7 days)"."""
    span, _ = load_journey_span(journey_id)
    today = workspace_today()
    weeks = review.review_weeks(span, today)
    last_complete = iso_week_label(last_complete_week(today).start)
    return st.selectbox(
        "ISO week (Monday to Sunday)",
        weeks,
        index=weeks.index(last_complete) if last_complete in weeks else 0,
        key=key,
        format_func=lambda w: parse_week(w).title(today),
        help="Defaults to the last complete week. A week in progress is marked, and raises fewer alerts.",
    )


def dashboard_scope_picker(scope: dict) -> tuple[dict[int, str], int] | None:
    """Persona (a filter) and journey for the dashboard: (the journeys shown, the one chosen), or None."""
    persona_names = dict(scope["personas"])
    left, middle = st.columns(2)
    persona_id = left.selectbox(
        "Persona",
        [None, *persona_names],
        format_func=lambda i: "All personas" if i is None else persona_names[i],
        key="dashboard_persona",
        help="Shows the journeys that follow this persona.",
    )
    choices = {
        j_id: name
        for j_id, name, followers in scope["journeys"]
        if persona_id is None or persona_names[persona_id] in followers
    }
    if not choices:
        st.info(
            "No journey follows this persona yet: add the persona to a journey on the **Journey editor** page."
        )
        return None
    return choices, follow_journey("dashboard_journey", "Journey", choices, where=middle)
