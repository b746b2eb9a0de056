"""The Settings page's glue: the workspace brand form, its merge tags and a preview of an email with it.

The form's widgets are keyed `settings_brand_` + field (ui.forms): filled from the saved brand once, they
keep what was typed until a save succeeds; a refusal shows beside its field. The save is made against
the version the form was loaded from, so a teammate's save in between is refused, not overwritten.
"""

from __future__ import annotations

import streamlit as st

from journey.plan.starter import blank_email_mjml
from journey.write import brand
from journey.write.render import preview, standard_merge_data
from ui.forms import Fields, load_form
from ui.loaders import load_brand
from ui.previews import MOBILE_PREVIEW_WIDTH, studio_preview
from ui.writes import run_write

BRAND_FORM = "settings_brand_"
TEXT_FIELDS = ("name", "sender_name", "website", "logo_url", "reply_to")
PLACEHOLDERS = {
    "name": "e.g. Fernhill Coffee Roasters",
    "sender_name": "e.g. Nora Ellis",
    "website": "https://yourbrand.com",
    "logo_url": "https://yourbrand.com/logo.png",
    "reply_to": "hello@yourbrand.com",
    "address": "e.g. 214 Alder Street, Suite 3, Portland, OR 97209, USA",
}


def brand_form() -> None:
    """The brand's fields and Save; the saved brand fills the form the first time."""
    load_form(BRAND_FORM, load_brand(), brand.BRAND_FIELDS)
    with st.form(f"{BRAND_FORM}form"):
        form = Fields(BRAND_FORM, brand.MAX_LENGTHS)
        for field in TEXT_FIELDS:
            label, help_text = brand.BRAND_LABELS[field], brand.BRAND_HELP[field]
            form.text(field, label, help=help_text, placeholder=PLACEHOLDERS[field])
            if field == "name":
                form.area(
                    "address",
                    brand.BRAND_LABELS["address"],
                    height=80,
                    help=brand.BRAND_HELP["address"],
                    placeholder=PLACEHOLDERS["address"],
                )
        for column, field in zip(st.columns(len(brand.COLORS)), brand.COLORS, strict=True):
            with column:
                st.color_picker(brand.BRAND_LABELS[field], key=form.key(field), help=brand.BRAND_HELP[field])
                form.error(field)
        if st.form_submit_button("Save brand", type="primary"):
            values = form.values(brand.BRAND_FIELDS)
            version = st.session_state[f"{BRAND_FORM}version"]
            run_write(
                brand.save_brand,
                values,
                version,
                form=BRAND_FORM,
                reload=True,
                rerun=True,
                success="Brand saved",
            )


def brand_tags(saved: brand.Brand) -> None:
    """The merge tags an email writes for the brand, with what the saved brand fills them with."""
    rows = [
        {"merge tag": f"{{{{ brand.{field} }}}}", "field": brand.BRAND_LABELS[field], "saved value": value}
        for field, value in saved.merge_fields().items()
    ]
    st.dataframe(rows, hide_index=True, width="stretch")


def brand_preview(saved: brand.Brand) -> None:
    """A new email's skeleton rendered with the saved brand: its header bar, button, sign-off and footer."""
    result = preview(blank_email_mjml(), standard_merge_data(brand=saved.merge_fields()))
    studio_preview(
        result.email.html if result.email else None,
        width=MOBILE_PREVIEW_WIDTH,
        caption="A new email with this brand · 375 px",
        height=640,
    )
