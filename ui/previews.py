"""The studio's previews (sandboxed, desktop and mobile), its views, its findings and its downloads.

The views a marketer checks before sending are a switch over the same render (`studio_view`): the
email itself, its inbox row, dark mode, images off and Gmail clipping (journey.write.views computes
each); each view downloads as a PNG drawn on the server by Chromium (journey.write.screenshots).
"""

from __future__ import annotations

import streamlit as st

from journey.core.findings import location
from journey.core.text import escape_markdown
from journey.write import views
from journey.write.checks import CheckedRender
from journey.write.render import preview_src
from ui.components import email_preview
from ui.widgets import download, file_stem, finding_counts, finding_markdown

DESKTOP_PREVIEW_WIDTH = 680  # 600 px content plus the email's own margins
MOBILE_PREVIEW_WIDTH = 375
PREVIEW_HEIGHT = 900


REMOTE_IMAGES = "preview_remote_images"  # not a widget key: Streamlit drops those with their widget


def remote_images_toggle() -> bool:
    """The "Load remote images" switch: off by default, as in mail clients; remembered for the session."""
    st.session_state.setdefault(REMOTE_IMAGES, False)
    st.session_state["studio_remote_images"] = st.session_state[REMOTE_IMAGES]
    return st.toggle(
        "Load remote images",
        key="studio_remote_images",
        on_change=lambda: st.session_state.update({REMOTE_IMAGES: st.session_state["studio_remote_images"]}),
        help="Off: the preview fetches nothing (no tracking pixel learns the email was opened); "
        "remote images show as boxes with their alt text.",
    )


def studio_preview(html: str | None, *, width: int, caption: str, height: int = PREVIEW_HEIGHT) -> None:
    """One sandboxed preview: sanitised HTML with a CSP in a data: URL (opaque origin), no app CSS; links
    open in a new tab; remote images only once "Load remote images" is on (render.preview_src)."""
    st.caption(escape_markdown(caption))  # carries the subject
    if html is None:
        st.info("No preview: fix the error in the findings first.")
        return
    remote = bool(st.session_state.get(REMOTE_IMAGES))
    shown = html if remote else views.remote_images_off(html)
    st.iframe(preview_src(shown, remote_images=remote), width=width, height=height)


SCREENS = {
    "desktop": {"name": "desktop", "width": DESKTOP_PREVIEW_WIDTH, "caption": "Desktop · 600 px content"},
    "mobile": {"name": "mobile", "width": MOBILE_PREVIEW_WIDTH, "caption": "Mobile · 375 px screen"},
}
PREVIEW_MODES = {"desktop": ("desktop",), "mobile": ("mobile",), "both": ("desktop", "mobile")}


def studio_devices(
    html: str | None, mode: str = "both", *, key: str = "studio_preview", doc: str | int = ""
) -> None:
    """The desktop (600 px content) and/or mobile (375 px viewport) preview, as `mode` says, scaled to fit
    the column; it keeps its scroll position while `doc` (the email's id) stays (ui.components.email_preview).
    Remote images load only once "Load remote images" is on; until then they are boxes with their alt text."""
    remote = bool(st.session_state.get(REMOTE_IMAGES))
    shown = html if html is None or remote else views.remote_images_off(html)
    email_preview(
        shown,
        [SCREENS[name] for name in PREVIEW_MODES[mode]],
        key=key,
        phone=SCREENS["mobile"],
        mode=mode,
        doc=doc,
        empty_message="No preview: fix the error in the findings first.",
        remote_images=remote,
    )


def studio_side_by_side(*previews: tuple[str | None, str]) -> None:
    """Mobile-width previews in a row, e.g. the base email and an A/B variant: (html, caption) each."""
    with st.container(horizontal=True, gap="medium"):
        for html, caption in previews:
            with st.container(width=MOBILE_PREVIEW_WIDTH):
                studio_preview(html, width=MOBILE_PREVIEW_WIDTH, caption=caption)


def studio_findings(findings, goto=None) -> None:
    """Pre-send findings, errors first, each with its line and how to fix it; with `goto` (a callback
    taking the line), a button beside each finding with a line moves the editor there."""
    if not findings:
        st.success("No problems found: ready to mark as ready.", icon="✅")
        return
    finding_counts(findings)
    show = {"error": st.error, "warning": st.warning, "info": st.info}
    icons = {"error": "🛑", "warning": "⚠️", "info": "💡"}
    for index, finding in enumerate(findings):  # the words as written: not Markdown (`*|COMPANY|*`, `&lt;`)
        on_button = goto is not None and finding.line
        words = escape_markdown(finding.message) if on_button else finding_markdown(finding)
        fix = f"  \n*Fix:* {escape_markdown(finding.fix)}" if finding.fix else ""
        row = st.container(horizontal=True, wrap=False, vertical_alignment="top", gap="small")
        if on_button:  # its line on the button, which shows that line in the editor
            row.button(
                location(finding.line, finding.column),
                key=f"studio_finding_{index}_goto",
                on_click=goto,
                args=(finding.line,),
                help="Show this line in the editor",
                width="content",
            )
        with row:
            show[finding.severity](f"{words} `{finding.rule}`{fix}", icon=icons[finding.severity])


def studio_downloads(name: str, mjml: str, rendered: CheckedRender) -> None:
    """Download the HTML, the plain text and the MJML source of the email as it is in the editor."""
    slug = file_stem(name, "email")
    html_col, text_col, mjml_col = st.columns(3)
    html, text = rendered.html, rendered.text
    download(
        html_col,
        "HTML",
        html or "",
        f"{slug}.html",
        "text/html",
        key="studio_download_html",
        disabled=html is None,
    )
    download(
        text_col,
        "Plain text",
        text or "",
        f"{slug}.txt",
        "text/plain",
        key="studio_download_text",
        disabled=text is None,
    )
    download(mjml_col, "MJML", mjml, f"{slug}.mjml", "application/xml", key="studio_download_mjml")
