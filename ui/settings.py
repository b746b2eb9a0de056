"""The Settings page's glue: the workspace brand form, its merge tags and a preview of an email with it;
the workspace's time zone; the download of a backup of the whole workspace.

The form's widgets are keyed `settings_brand_` + field (ui.forms): filled from the saved brand once, they
keep what was typed until a save succeeds; a refusal shows beside its field. The save is made against
the version the form was loaded from, so a teammate's save in between is refused, not overwritten.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from journey.core.access import Role
from journey.measure import time_zone, weeks
from journey.plan import backup
from journey.plan.starter import blank_email_mjml
from journey.write import brand
from journey.write.render import preview, standard_merge_data
from ui.auth import current_actor
from ui.db import get_engine
from ui.forms import Fields, load_form
from ui.loaders import load_brand, load_time_zone, workspace_today
from ui.previews import MOBILE_PREVIEW_WIDTH, studio_preview
from ui.widgets import download
from ui.writes import run_write

BRAND_FORM = "settings_brand_"
ZONE_FORM = "settings_time_zone_"
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


def time_zone_form() -> None:
    """The workspace's time zone (an IANA name), saved against the version it was loaded from."""
    saved = load_time_zone()
    load_form(ZONE_FORM, saved, ("name",))
    with st.form(f"{ZONE_FORM}form"):
        form = Fields(ZONE_FORM, {"name": time_zone.MAX_LENGTH})
        form.text(
            "name",
            time_zone.LABEL,
            placeholder="e.g. Europe/Paris",
            help="An IANA name such as Europe/Paris, America/New_York or Asia/Tokyo; UTC by default. A week "
            "is complete once its Sunday is over here.",
        )
        if st.form_submit_button("Save time zone", type="primary"):
            version = st.session_state[f"{ZONE_FORM}version"]
            run_write(
                time_zone.save_time_zone,
                form.values(("name",))["name"],
                version,
                form=ZONE_FORM,
                reload=True,
                rerun=True,
                success="Time zone saved",
            )
    today = saved.today()
    st.caption(
        f"Today in {saved.name} is {today:%A} {today.day} {today:%B %Y}: week {weeks.iso_week_label(today)} "
        f"({weeks.week_label(today, today=today)}). Reviews, alerts, the map's latest rates and the Metrics "
        f"page use complete weeks only; the last one is {weeks.last_complete_week(today).dates(year=True)}."
    )


def backup_download() -> None:
    """A backup of the whole workspace (journey.plan.backup), read from the database only when the button
    is clicked. An owner's task: others see why there is no button (and the service refuses them too)."""
    if not current_actor().role.allows(Role.owner):
        st.info("Backups are for the workspace's owners: ask one of them for a copy.")
        return
    st.caption(
        "Everything in the workspace in one file: personas, journeys, stages, emails and their variants, "
        "snippets, metrics, notes, settings and the team's accounts (without their passwords). It is read as one "
        "consistent copy while teammates keep working. Restore it with `python -m journey restore FILE` "
        "into a new database (see the README's *Backups*)."
    )
    download(
        st,
        "Download a backup",
        partial(backup.backup_bytes, get_engine(), actor=current_actor()),
        file_name=f"journey-backup-{workspace_today():%Y-%m-%d}{backup.SUFFIX}",
        mime="application/gzip",
        key="settings_backup",
    )
