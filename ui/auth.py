"""Who is using the app: the actor every write of this browser session is made by.

The sign-in gate (branch `signin`) fills st.session_state["actor"] once someone signs in (a built-in
account, or the identity provider's address with its account's role); until then, and when the app runs
open (no sign-in configured), the actor is LOCAL, an owner. ui.db.write_session makes every write act
as current_actor(), so the services' role checks (journey.core.access) apply to the app too.
"""

from __future__ import annotations

import streamlit as st

from journey.core.access import LOCAL, Actor


def current_actor() -> Actor:
    """The signed-in actor of this browser session (LOCAL while nobody is, or when sign-in is off)."""
    return st.session_state.get("actor", LOCAL)
