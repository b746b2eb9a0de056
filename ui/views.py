"""The views a marketer checks before sending, each over the same render, under the studio's preview:
the email (ui.previews.studio_devices), its inbox row, dark mode, images off and Gmail's clipping, each
downloadable as a PNG. The views' logic is journey.write.views; this module draws them."""

from __future__ import annotations

from functools import partial

import streamlit as st

from journey.write import screenshots, views
from journey.write.render import preview_src
from ui.previews import (
    DESKTOP_PREVIEW_WIDTH,
    MOBILE_PREVIEW_WIDTH,
    remote_images_toggle,
    studio_devices,
    studio_preview,
)
from ui.studio import studio_drafts
from ui.widgets import download, file_stem

STUDIO_VIEWS = ("Email", "Inbox", "Dark mode", "Images off", "Gmail clipping")
INBOX_HEIGHT = 540  # the three rows with their counts, on a phone too
FEW_WORDS = 20  # an email showing fewer words than this with images off says nearly nothing


def studio_previews(
    html: str | None,
    mode: str = "both",
    *,
    key: str = "studio_preview",
    doc: str | int = "",
    subject: str | None = None,
    sender: str | None = None,
) -> None:
    """The view, then the view switch and "Load remote images" under it: the email on desktop and/or
    mobile as `mode` says (studio_devices), or one of the pre-send views. The switch sits under the
    view so the preview starts right under the toolbar, above the fold beside the editor.

    `subject` defaults to the studio's subject field, filled with the persona's data (`studio_data`);
    `sender` to the brand's sender name in that data, else what the marketer types in the inbox view.
    """
    st.session_state.setdefault("studio_check_view", STUDIO_VIEWS[0])
    view = st.session_state["studio_check_view"]  # the switch's value, drawn below
    shown = st.container()
    st.segmented_control(
        "View",
        STUDIO_VIEWS,
        key="studio_check_view",
        label_visibility="collapsed",
        help="What the reader sees: the email, its inbox row, dark mode, images off, Gmail's clipping.",
    )
    remote_images_toggle()
    with shown:
        if view is None or view == "Email" or html is None:
            studio_devices(html, mode, key=key, doc=doc)
        elif view == "Inbox":
            studio_inbox_view(html, subject=subject, sender=sender)
        else:
            {
                "Dark mode": studio_dark_view,
                "Images off": studio_images_off_view,
                "Gmail clipping": studio_clipping_view,
            }[view](html)


def studio_view_png(html: str, *, name: str, width: int, key: str) -> None:
    """A download of the view as a PNG, drawn by Chromium on the server when clicked (or why it cannot be)."""
    why = screenshots.screenshots_available()
    open_draft = studio_drafts().get(st.session_state.get("studio_widgets_for"), {})
    slug = file_stem(open_draft.get("name") or "", "email")
    download(
        st,
        "PNG",
        partial(screenshots.view_png, html, width=width),
        f"{slug}-{name}.png",
        "image/png",
        key=key,
        disabled=why is not None,
        help=why or f"This view as a PNG image, {width} px wide, drawn by Chromium on the server.",
    )
    if why:
        st.caption(why)


def _brand_sender(data: dict) -> str:
    brand = data.get("brand")
    if isinstance(brand, dict):
        return str(brand.get("sender_name") or brand.get("name") or "")
    return ""


def studio_inbox_view(html: str, *, subject: str | None = None, sender: str | None = None) -> None:
    """The inbox row in Gmail (desktop and app) and iPhone Mail, as each cuts sender, subject and preview."""
    data = st.session_state.get("studio_data") or {}
    if subject is None:
        subject = views.filled_subject(st.session_state.get("studio_subject") or "", data)
    if sender is None:
        st.session_state.setdefault("studio_inbox_sender", _brand_sender(data) or "Your company")
        sender = st.text_input(
            "Sender name",
            key="studio_inbox_sender",
            max_chars=200,
            help="The From name the reader sees in the inbox (not saved with the email).",
        )
    rows = views.inbox_rows(html, subject=subject, sender=sender)
    page = views.inbox_html(rows)
    st.caption(
        "The row before the email is opened: sender, subject and the preview text (the preheader, then "
        "the email's first words). Gmail on the desktop puts subject and preview on one line."
    )
    st.iframe(preview_src(page), width=DESKTOP_PREVIEW_WIDTH, height=INBOX_HEIGHT)
    for row in rows:
        cut = [
            f"{name} ({length} characters, {limit} show)"
            for name, length, limit, is_cut in (
                ("sender", row.sender.length, row.sender.limit, row.sender.cut),
                ("subject", row.subject.length, row.subject.limit, row.subject.cut),
                ("preheader", row.preheader, row.preview.limit, row.preheader_cut),
            )
            if is_cut
        ]
        if cut:
            st.warning(f"{row.client.name} cuts the {' and the '.join(cut)}.", icon="✂️")
    studio_view_png(page, name="inbox", width=DESKTOP_PREVIEW_WIDTH, key="studio_png_inbox")


def studio_shown_view(html: str, *, caption: str, name: str, width: int, key: str) -> None:
    """One view: its sandboxed preview and its PNG download."""
    studio_preview(html, width=width, caption=caption)
    studio_view_png(html, name=name, width=width, key=key)


def studio_dark_view(html: str) -> None:
    """Dark mode: inverted as the Gmail and Outlook apps do it, and with the email's own dark styles."""
    dark = views.dark_mode(html)
    own_caption = "Apple Mail · Outlook.com: the email's own dark styles"
    with st.container(horizontal=True, gap="medium"):
        with st.container(width=MOBILE_PREVIEW_WIDTH):
            studio_shown_view(
                dark.inverted,
                caption="Gmail app · Outlook app: colours inverted",
                name="dark-inverted",
                width=MOBILE_PREVIEW_WIDTH,
                key="studio_png_dark",
            )
        with st.container(width=MOBILE_PREVIEW_WIDTH):
            if dark.own is None:
                st.caption(own_caption)
                st.info(
                    "This email declares no dark styles (`@media (prefers-color-scheme: dark)` in an "
                    "`<mj-style>`): Apple Mail shows it as it is, the apps invert it as shown."
                )
            else:
                studio_shown_view(
                    dark.own,
                    caption=own_caption,
                    name="dark-own",
                    width=MOBILE_PREVIEW_WIDTH,
                    key="studio_png_dark_own",
                )


def studio_images_off_view(html: str) -> None:
    """Images off: each image a box with its alt text, so an email that is only pictures shows it."""
    off = views.images_off(html)
    missing = len(off.without_alt)
    images = len(off.images)
    summary = f"{images} image{'s' if images != 1 else ''}; {off.words} word{'s' if off.words != 1 else ''} of text without them."
    if missing:
        st.warning(
            f"{summary} {missing} {'has' if missing == 1 else 'have'} no alt text: a blank box with images "
            "off. Add alt text that says what the image says (`alt` on `mj-image`).",
            icon="🖼️",
        )
    else:
        st.caption(summary + " Every image has alt text.")
    if off.words < FEW_WORDS:
        st.warning(
            f"With images off this email shows only {off.words} word{'s' if off.words != 1 else ''} "
            "besides alt text: put its message in text too.",
            icon="🙈",
        )
    studio_shown_view(
        off.html,
        caption="Images off · alt text in their boxes",
        name="images-off",
        width=DESKTOP_PREVIEW_WIDTH,
        key="studio_png_images_off",
    )


def studio_clipping_view(html: str) -> None:
    """Gmail clipping: the message as Gmail shows it, cut with a line where it passes 102 KB of HTML."""
    clip = views.gmail_clipping(html)
    size = f"{clip.size / 1024:.1f} KB"
    if clip.clipped:
        lost = "the unsubscribe link and " if clip.unsubscribe_hidden else ""
        st.error(
            f"Gmail clips this email: its HTML is {size}, over {clip.limit // 1024} KB. Below the line, "
            f"{lost}{clip.hidden_words} word{'s' if clip.hidden_words != 1 else ''} are hidden behind "
            "“View entire message”.",
            icon="✂️",
        )
    else:
        st.success(
            f"Gmail shows it whole: its HTML is {size} of the {clip.limit // 1024} KB it allows "
            f"({clip.size / clip.limit:.0%}).",
            icon="✅",
        )
    studio_shown_view(
        clip.html,
        caption=f"Gmail · {size} of HTML",
        name="gmail-clipping",
        width=DESKTOP_PREVIEW_WIDTH,
        key="studio_png_clipping",
    )
