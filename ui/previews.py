"""The studio's previews (sandboxed, desktop and mobile), its findings and its downloads."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown
from journey.write.checks import CheckedRender
from journey.write.render import preview_src
from ui.widgets import download, file_stem, finding_counts, finding_markdown

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


def studio_previews(html: str | None) -> None:
    """Desktop (600 px content) and mobile (375 px viewport) previews side by side."""
    # Fixed-width boxes in a wrapping row: each preview keeps its true width (columns would squeeze them).
    with st.container(horizontal=True, gap="medium"):
        with st.container(width=DESKTOP_PREVIEW_WIDTH):
            studio_preview(html, width=DESKTOP_PREVIEW_WIDTH, caption="Desktop · 600 px content")
        with st.container(width=MOBILE_PREVIEW_WIDTH):
            studio_preview(html, width=MOBILE_PREVIEW_WIDTH, caption="Mobile · 375 px screen")


def studio_side_by_side(*previews: tuple[str | None, str]) -> None:
    """Mobile-width previews in a row, e.g. the base email and an A/B variant: (html, caption) each."""
    with st.container(horizontal=True, gap="medium"):
        for html, caption in previews:
            with st.container(width=MOBILE_PREVIEW_WIDTH):
                studio_preview(html, width=MOBILE_PREVIEW_WIDTH, caption=caption)


def studio_findings(findings) -> None:
    """Pre-send findings, errors first, each with its line and how to fix it."""
    if not findings:
        st.success("No problems found: ready to mark as ready.", icon="✅")
        return
    finding_counts(findings)
    show = {"error": st.error, "warning": st.warning, "info": st.info}
    icons = {"error": "🛑", "warning": "⚠️", "info": "💡"}
    for finding in findings:  # the words as written: not Markdown (`*|COMPANY|*`, `&lt;`)
        fix = f"  \n*Fix:* {escape_markdown(finding.fix)}" if finding.fix else ""
        show[finding.severity](
            f"{finding_markdown(finding)} `{finding.rule}`{fix}", icon=icons[finding.severity]
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
