"""First-party Streamlit components: custom components v2 (inline HTML, CSS and JS, no build step).

    editor   code_editor: a textarea with line numbers and the findings marked in the gutter; its text
             reaches Python 500 ms after the last keystroke (at once on Ctrl+Enter or leaving it)
    preview  email_preview: the sanitised email in sandboxed iframes scaled to the column, swapped in
             without a flash and at the same scroll position when it changes

Their JavaScript is ours and runs in the app page (as any component's does); the email itself only ever
runs inside an iframe without `allow-scripts`, behind its own CSP. The code-editor packages on PyPI
(streamlit-ace, Dec 2021; streamlit-code-editor, Dec 2024; streamlit-monaco, Sep 2023) are v1 components
not kept up with Streamlit 1.67, so none is used.
"""

from ui.components.editor import code_editor, request_line
from ui.components.preview import email_preview

__all__ = ["code_editor", "email_preview", "request_line"]
