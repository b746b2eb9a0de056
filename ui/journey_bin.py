"""The Journeys page's Bin: deleted journeys kept 30 days, with who deleted them, when and the days
left; an owner restores one or deletes it for good (journey.plan.bin)."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.plan import bin as journey_bin
from ui.auth import is_owner
from ui.current import set_current_journey
from ui.db import db_session
from ui.writes import run_write


def _restore(journey_id: int, name: str) -> None:
    if run_write(journey_bin.restore_journey, journey_id, success=f"Restored “{name}”."):
        set_current_journey(journey_id)
        st.rerun()


def journey_bin_section() -> None:
    """The Bin expander (owners act on it; others see how many journeys it holds)."""
    with db_session() as session:
        items = journey_bin.list_bin(session)
    with st.expander(f":material/delete: Bin ({len(items)})", expanded=False):
        st.caption(
            f"A deleted journey stays here {journey_bin.BIN_DAYS} days, then it is deleted for good with its "
            "stages, emails and metrics. Its name stays taken until then."
        )
        if not items:
            st.caption("The bin is empty.")
            return
        if not is_owner():  # the signed-in user's role (ui.auth); the services check it again
            st.caption(
                f"{plural(len(items), 'journey')} in the bin: an owner of the workspace can restore them."
            )
            return
        for item in items:
            name = escape_markdown(item.name)
            st.markdown(
                f"**{name}** · {plural(item.stages, 'stage')}, {plural(item.emails, 'email')}  \n"
                f"Deleted by {escape_markdown(item.deleted_by or 'someone')} on "
                f"{item.deleted_at.strftime('%d %b %Y, %H:%M UTC')} · "
                f"{plural(item.days_left, 'day')} left"
            )
            restore, confirm, forget = st.columns([2, 3, 2], vertical_alignment="center")
            if restore.button("Restore", key=f"bin_restore_{item.id}"):
                _restore(item.id, item.name)
            sure = confirm.checkbox("Yes, delete it for good", key=f"bin_confirm_{item.id}")
            if forget.button(
                "Delete for good", key=f"bin_delete_{item.id}", disabled=not sure, type="primary"
            ):
                run_write(
                    journey_bin.delete_for_good,
                    item.id,
                    success=f"Deleted “{item.name}” for good.",
                    rerun=True,
                )
