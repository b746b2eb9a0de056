"""The code editor component: Python keeps the text in st.session_state[key]; the browser edits it.

The component sends what was typed 500 ms after the last keystroke; a callback copies it into
`st.session_state[key]` before the rerun, so the rest of the page reads one place. The text is sent to
the browser with a revision number that moves on only when Python itself changed the text (another
email opened, a conversion, a reload): the editor replaces what is shown only then, so a rerun never
takes back what is being typed, nor the cursor or the scroll position.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.components.assets import HERE, script

_HTML = (
    '<div class="mjml-editor"><div class="gutter" aria-hidden="true"><div class="gutter-lines"></div>'
    '</div><textarea spellcheck="false" wrap="off" autocapitalize="off" autocomplete="off"'
    ' data-testid="code-editor"></textarea></div>'
)
_COMPONENT = st.components.v2.component(
    "journey_code_editor",
    html=_HTML,
    css=(HERE / "editor.css").read_text(encoding="utf-8"),
    js=script("editor.js"),
)


def _revision(key: str) -> int:
    """The text's revision: moves on when st.session_state[key] differs from what the editor last had."""
    text = st.session_state.get(key) or ""
    if text != st.session_state.get(f"{key}_shown"):
        st.session_state[f"{key}_revision"] = st.session_state.get(f"{key}_revision", 0) + 1
        st.session_state[f"{key}_shown"] = text
    return st.session_state.get(f"{key}_revision", 0)


def _take(key: str) -> None:
    """Callback: what the editor sent becomes the text (and is what the editor has)."""
    text = (st.session_state.get(f"{key}_editor") or {}).get("value")
    if isinstance(text, str):
        st.session_state[key] = st.session_state[f"{key}_shown"] = text


def request_line(key: str, line: int) -> None:
    """Move the editor of `key` to `line` (caret at its start, scrolled into view) on the next run."""
    nonce = (st.session_state.get(f"{key}_goto") or {}).get("nonce", 0) + 1
    st.session_state[f"{key}_goto"] = {"line": int(line), "nonce": nonce}


def code_editor(
    key: str, *, doc: str | int, label: str, markers: list[dict] = (), open_line: int = 1
) -> None:
    """The editor of the text in st.session_state[key].

    `doc` names the document (another doc: its text replaces the editor's and it opens at `open_line`);
    `markers` are {"line", "severity" (error, warning, info), "message"} shown in the gutter.
    """
    _COMPONENT(
        key=f"{key}_editor",
        data={
            "value": st.session_state.get(key) or "",
            "revision": _revision(key),
            "doc": str(doc),
            "label": label,
            "markers": list(markers),
            "open_line": open_line,
            "goto": st.session_state.get(f"{key}_goto"),
        },
        on_value_change=partial(_take, key),
        width="stretch",
        height="content",
    )
