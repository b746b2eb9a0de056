"""The email preview component: sanitised HTML in sandboxed iframes that keep their scroll across renders."""

from __future__ import annotations

import streamlit as st

from journey.write.render import preview_document
from ui.components.assets import HERE, script

_COMPONENT = st.components.v2.component(
    "journey_email_preview",
    html='<div class="email-preview" data-testid="email-preview"></div>',
    css=(HERE / "preview.css").read_text(encoding="utf-8"),
    js=script("preview.js"),
)


def email_preview(
    html: str | None,
    screens: list[dict],
    *,
    key: str,
    phone: dict,
    mode: str = "",
    doc: str | int = "",
    empty_message: str = "No preview.",
    remote_images: bool = False,
) -> None:
    """The email on each screen {"name", "width" (px of the iframe's viewport), "caption"}, side by side and
    scaled down together to fit the column; on a phone (≤ 640 px wide) only `phone` shows. A new render
    keeps the scroll position; one of another `doc` (another email) opens at its top.

    `html` is the sanitised email (None: `empty_message` instead). The iframes run no script and the
    document has a CSP that blocks scripts, and remote loads unless `remote_images`
    (journey.write.render.preview_document).
    """
    _COMPONENT(
        key=key,
        data={
            "html": None if html is None else preview_document(html, remote_images=remote_images),
            "screens": screens,
            "phone": phone,
            "mode": mode,
            "doc": str(doc),
            "empty_message": empty_message,
        },
        width="stretch",
        height="content",
    )
