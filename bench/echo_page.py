"""The baseline for bench/bench_studio_preview.py: the studio's code editor, whose text is only echoed back.

`streamlit run bench/echo_page.py`: the same component, the same 500 ms pause and the same rerun round
trip as the studio, but no render, no checks, no preview: what an edit costs before the email is touched.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from journey.plan.starter import STARTER_STAGES  # noqa: E402
from ui.components import code_editor  # noqa: E402

st.session_state.setdefault("echo_text", STARTER_STAGES[0].emails[0].mjml)
code_editor("echo_text", doc="echo", label="MJML")
st.text(st.session_state["echo_text"])
