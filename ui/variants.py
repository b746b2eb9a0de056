"""The studio's A/B variants: add one, edit one (versioned), delete one; edits kept per browser session."""

from __future__ import annotations

import streamlit as st

from db.models import EmailVariantBase
from journey.core.fields import field_limits, model_fields
from journey.core.text import escape_markdown
from journey.write import variants
from ui.studio import UNSAVED
from ui.writes import run_write

VARIANT_FIELDS = model_fields(EmailVariantBase)  # label, subject, preheader, mjml, esp_campaign_id
DRAFTS = "studio_variant_drafts"


def _limit(field: str) -> int | None:
    """A variant field's `max_length`, as the widget's `max_chars`."""
    return field_limits(EmailVariantBase, field).max_length


def _variant_saved(variant_id: int) -> None:
    st.session_state.setdefault(DRAFTS, {}).pop(variant_id, None)


def _variant_state(row, prefix: str) -> dict:
    """The variant's edits in this session ({"values", "saved", "version"}), put into its widgets."""
    drafts = st.session_state.setdefault(DRAFTS, {})
    state = drafts.get(row.id)
    if state is None:
        loaded = {f: getattr(row, f) or "" for f in VARIANT_FIELDS}
        state = drafts[row.id] = {"values": dict(loaded), "saved": loaded, "version": row.version}
        for field, value in loaded.items():
            st.session_state[prefix + field] = value
    for field, value in state["values"].items():
        st.session_state.setdefault(prefix + field, value)
    return state


def studio_variant_editor(email, row) -> variants.VariantContent:
    """Edit one A/B variant (label, overrides, ESP id): save (versioned) or delete; its content as edited.

    Edits are kept in session state (by variant id), so they survive reruns and page switches.
    """
    prefix = f"studio_variant_{row.id}_"
    state = _variant_state(row, prefix)
    top = st.columns([1, 3, 3])
    top[0].text_input("Label", key=prefix + "label", max_chars=_limit("label"))
    top[1].text_input(
        "Subject override", key=prefix + "subject", placeholder=email.subject, max_chars=_limit("subject")
    )
    top[2].text_input(
        "Preheader override",
        key=prefix + "preheader",
        placeholder=email.preheader,
        max_chars=_limit("preheader"),
    )
    st.text_area(
        "Body override (MJML; empty uses the email's body)",
        key=prefix + "mjml",
        height=240,
        max_chars=_limit("mjml"),
    )
    st.text_input("ESP campaign id", key=prefix + "esp_campaign_id", max_chars=_limit("esp_campaign_id"))
    state["values"] = {f: st.session_state.get(prefix + f) or "" for f in VARIANT_FIELDS}
    if state["values"] != state["saved"]:
        st.warning(f"**Unsaved changes** to variant {escape_markdown(row.label)}.", icon="✏️")
    save_col, confirm_col, delete_col = st.columns(3)
    if save_col.button("Save variant", key=prefix + "save"):
        saved = run_write(
            variants.update_variant, row.id, state["version"], refusal=UNSAVED, **state["values"]
        )
        if saved is not None:
            _variant_saved(row.id)
            st.rerun()
    sure = confirm_col.checkbox("Yes, delete it", key=prefix + "confirm_delete")
    deleting = delete_col.button("Delete variant", key=prefix + "delete", disabled=not sure)
    if deleting and run_write(variants.delete_variant, row.id):
        _variant_saved(row.id)
        st.rerun()
    values = state["values"]
    return variants.VariantContent(
        label=values["label"],
        subject=values["subject"] or email.subject,
        preheader=values["preheader"] or email.preheader,
        mjml=values["mjml"] or email.mjml,
    )


def studio_add_variant(email_id: int, current_mjml: str) -> None:
    """The form that adds an A/B variant: label, subject override, optionally the current body to edit."""
    with st.form("studio_variant_new", clear_on_submit=True):
        st.markdown("**Add a variant** (leave a field empty to use the email's own)")
        label = st.text_input(
            "Label", key="studio_variant_new_label", placeholder="B", max_chars=_limit("label")
        )
        subject = st.text_input(
            "Subject override", key="studio_variant_new_subject", max_chars=_limit("subject")
        )
        copy_body = st.checkbox("Start a body override from the current MJML", key="studio_variant_new_body")
        if not st.form_submit_button("Add variant"):
            return
        added = run_write(
            variants.add_variant,
            email_id,
            label=label,
            subject=subject,
            mjml=current_mjml if copy_body else None,
        )
    if added is not None:
        st.rerun()
