"""A stale save's panel: who saved first and when, "Reload their version" and "Compare" (both side by side).

    keep_stale(key, exc, mine)     remember the refusal (journey.core.errors.StaleEdit: who, when, their
                                   values and version) with what this browser tried to save
    stale_panel(key, reload=fn)    on every run until reloaded or saved: the buttons, and, once Compare is
                                   clicked, each field's unsaved value beside theirs (differences marked;
                                   the MJML body as a unified diff)
    forget_stale(key)              after a save that went through

The journey editor's forms keep the message itself at the form's top (ui.forms); the studio's panel
shows it (`message=True`). `reload_form(prefix, fields)` is the forms' "Reload their version": their
values into the widgets and their version as the one the next save is made against;
`reload_selection(key, loaded_key)` is the same for a page that reloads its form itself (Personas).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import streamlit as st

from journey.core.errors import StaleEdit
from journey.core.text import escape_markdown
from ui.forms import form_errors

LONG_FIELDS = ("mjml",)  # compared as a diff, not in the table


def _state_key(key: str) -> str:
    return f"stale_{key}"


def keep_stale(key: str, exc: Exception, mine: dict[str, Any]) -> None:
    """Remember a StaleEdit refusal (any other refusal is not kept) with the values this browser tried."""
    if isinstance(exc, StaleEdit) and exc.current:
        st.session_state[_state_key(key)] = {
            "message": str(exc),
            "by": exc.by,
            "current": dict(exc.current),
            "version": exc.version,
            "mine": dict(mine),
        }


def stale_of(key: str) -> dict | None:
    return st.session_state.get(_state_key(key))


def forget_stale(key: str) -> None:
    st.session_state.pop(_state_key(key), None)
    st.session_state.pop(f"{_state_key(key)}_compare", None)


def reload_form(prefix: str, fields: Iterable[str], key: str) -> None:
    """Their values into a form's widgets (prefix + field) and their version, the refusal cleared (a callback)."""
    stale = stale_of(key)
    if stale is None:
        return
    for field in fields:
        if field in stale["current"]:
            value = stale["current"][field]
            st.session_state[f"{prefix}{field}"] = "" if value is None else value
    st.session_state[f"{prefix}version"] = stale["version"]
    form_errors(prefix).clear()
    forget_stale(key)


def reload_selection(key: str, loaded_key: str) -> None:
    """ "Reload their version" for a page that loads its form when `loaded_key` no longer names the row
    (the Personas page): forget the refusal and load the row again, as saved (a callback)."""
    forget_stale(key)
    st.session_state[loaded_key] = None


def _label(field: str) -> str:
    return {"mjml": "MJML body", "cta_label": "CTA label", "cta_url": "CTA URL"}.get(
        field, field.replace("_", " ").capitalize()
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def comparison_rows(mine: dict[str, Any], theirs: dict[str, Any]) -> list[dict[str, str]]:
    """One row per field this browser tried to save (but the long ones): yours, theirs, whether they differ."""
    return [
        {
            "Field": _label(field),
            "≠": "≠" if _text(value) != _text(theirs.get(field)) else "",
            "Yours (unsaved)": _text(value),
            "Theirs (saved)": _text(theirs.get(field)),
        }
        for field, value in mine.items()
        if field not in LONG_FIELDS and field in theirs
    ]


def body_diff(mine: str, theirs: str) -> str:
    """A unified diff from their saved body to your unsaved one ("-" theirs, "+" yours)."""
    lines = difflib.unified_diff(
        _text(theirs).splitlines(), _text(mine).splitlines(), "theirs (saved)", "yours (unsaved)", lineterm=""
    )
    return "\n".join(lines)


def _compare(stale: dict) -> None:
    mine, theirs = stale["mine"], stale["current"]
    by = escape_markdown(stale["by"] or "a teammate")
    st.markdown(f"**Your unsaved edits beside the saved version** (saved by {by}; ≠ marks a difference)")
    rows = comparison_rows(mine, theirs)
    if rows:
        st.table(pd.DataFrame(rows).set_index("Field"))  # a table wraps long values
    for field in LONG_FIELDS:
        if field in mine and field in theirs:
            diff = body_diff(mine[field], theirs[field])
            st.markdown(f"**{_label(field)}**: " + ("the same" if not diff else "their lines −, yours +"))
            if diff:
                st.code(diff, language="diff", wrap_lines=True)


def stale_panel(key: str, *, reload: Callable[[], None], message: bool = False) -> None:
    """The stale save's panel for `key`, when one is kept: the message (with `message`), the buttons, the comparison."""
    stale = stale_of(key)
    if stale is None:
        return
    with st.container(border=True, key=f"{_state_key(key)}_panel"):
        if message:
            st.warning(escape_markdown(stale["message"]) + " Your edits are still here, unsaved.", icon="⚠️")
        compare_key = f"{_state_key(key)}_compare"
        comparing = st.session_state.get(compare_key, False)
        with st.container(horizontal=True):
            st.button("Reload their version", key=f"{_state_key(key)}_reload", on_click=reload)
            if st.button("Hide comparison" if comparing else "Compare", key=f"{_state_key(key)}_toggle"):
                st.session_state[compare_key] = not comparing
                st.rerun()
        if comparing:
            _compare(stale)
