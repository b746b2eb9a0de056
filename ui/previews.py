"""The studio's previews (sandboxed, desktop and mobile), its findings and its downloads."""

from __future__ import annotations

import streamlit as st

from journey.write.checks import CheckedRender
from journey.write.render import preview_src
from ui.components import email_preview
from ui.widgets import download, file_stem, finding_counts

DESKTOP_PREVIEW_WIDTH = 680  # 600 px content plus the email's own margins
MOBILE_PREVIEW_WIDTH = 375
PREVIEW_HEIGHT = 900


def studio_preview(html: str | None, *, width: int, caption: str, height: int = PREVIEW_HEIGHT) -> None:
    """One sandboxed preview: sanitised HTML with a CSP in a data: URL (opaque origin), no app CSS."""
    st.caption(caption)
    if html is None:
        st.info("No preview: fix the error in the findings first.")
        return
    st.iframe(preview_src(html), width=width, height=height)


SCREENS = {
    "desktop": {"name": "desktop", "width": DESKTOP_PREVIEW_WIDTH, "caption": "Desktop · 600 px content"},
    "mobile": {"name": "mobile", "width": MOBILE_PREVIEW_WIDTH, "caption": "Mobile · 375 px screen"},
}
PREVIEW_MODES = {"desktop": ("desktop",), "mobile": ("mobile",), "both": ("desktop", "mobile")}


def studio_previews(
    html: str | None, mode: str = "both", *, key: str = "studio_preview", doc: str | int = ""
) -> None:
    """The desktop (600 px content) and/or mobile (375 px viewport) preview, as `mode` says, scaled to fit
    the column; it keeps its scroll position while `doc` (the email's id) stays (ui.components.email_preview)."""
    email_preview(
        html,
        [SCREENS[name] for name in PREVIEW_MODES[mode]],
        key=key,
        phone=SCREENS["mobile"],
        mode=mode,
        doc=doc,
        empty_message="No preview: fix the error in the findings first.",
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
    for index, finding in enumerate(findings):
        where = f"Line {finding.line}: " if finding.line and goto is None else ""  # else on its button
        fix = f"  \n*Fix:* {finding.fix}" if finding.fix else ""
        row = st.container(horizontal=True, wrap=False, vertical_alignment="top", gap="small")
        if goto is not None and finding.line:
            row.button(
                f"Line {finding.line}",
                key=f"studio_finding_{index}_goto",
                on_click=goto,
                args=(finding.line,),
                help="Show this line in the editor",
                width="content",
            )
        with row:
            show[finding.severity](
                f"{where}{finding.message} `{finding.rule}`{fix}", icon=icons[finding.severity]
            )


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
