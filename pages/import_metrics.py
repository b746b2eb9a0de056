"""Import metrics: upload an ESP export, check it (nothing written), then commit it in one go."""

import streamlit as st

from journey.measure.imports.formats import FORMATS, read_header
from ui.auth import editing
from ui.imports import (
    IMPORT_CHECK,
    check_mapping_to_use,
    commit_import,
    import_journey_picker,
    import_mapping_form,
    import_stage_names,
    journey_fit_caption,
    reset_import_state,
    run_import,
    saved_mapping_notice,
    show_import_done,
    show_import_errors,
    show_import_summary,
)
from ui.writes import attempt

FORMAT_CHOICES = ("auto", *(name for name in FORMATS if name != "mapped"))
KEEP = "Don't create them (skip their rows)"

st.title("Import metrics")
st.caption(
    "Upload the CSV your email service exported: a Mailchimp, Klaviyo, HubSpot, Campaign Monitor, Constant "
    "Contact, ActiveCampaign or MailerLite campaign report, per-recipient events (SendGrid, Mailgun, Postmark, Brevo), "
    "the generic format, or any other report once its columns are mapped. The file is checked first and nothing is written until you commit. Importing the "
    "same days again replaces them."
)
if not editing():  # importing is the whole page
    st.stop()
state = st.session_state.setdefault("import_state", {})

journey = import_journey_picker()
if journey is None:
    st.stop()
fit_note = st.empty()
upload = st.file_uploader(
    "Metrics CSV",
    type=["csv", "tsv", "txt"],
    key="import_file",
    help="UTF-8 (with or without BOM) or UTF-16 as Excel saves it; comma, semicolon or tab separated.",
)
chosen = st.selectbox(
    "Format",
    FORMAT_CHOICES,
    format_func=lambda f: "Detect from the header" if f == "auto" else FORMATS[f],
    key="import_format",
)
if upload is None:
    st.info("Choose a CSV file to see what it holds before anything is imported.")
    st.stop()
reset_import_state(state, upload, journey.id, chosen)


def check(mapping=None) -> None:
    """Dry run: the summary, or the refusal (and the file's columns when its header is unknown)."""

    def refused(exc) -> None:
        state.update(preview=None, done=None)
        if exc.field == "header" and not mapping:
            state["columns"] = attempt(read_header, upload)

    result = run_import(
        journey.id, upload, form=IMPORT_CHECK, refused=refused, format=chosen, mapping=mapping, dry_run=True
    )
    state.update(preview=result, done=None)


if "preview" not in state:
    check(check_mapping_to_use(state))

saved_mapping_notice(state, upload)
if state.get("columns"):
    picked = import_mapping_form(state["columns"], file_name=upload.name, saved=state.get("saved"))
    if picked is not None:
        state["mapping"], state["mapping_name"] = picked
        check(picked[0])
show_import_errors(state)

preview = state.get("preview")
journey_fit_caption(fit_note, state, upload, journey)
if preview is not None and state.get("done") is None:
    show_import_summary(preview, journey.name)
    create_in = KEEP
    if preview.unmatched and preview.ok:
        create_in = st.selectbox(
            "Create the missing emails in stage",
            [KEEP, *import_stage_names(journey.id)],
            key="import_create_stage",
            help="Rows of the generic format create their email in the stage the row names.",
        )
    if (
        preview.ok
        and preview.rows_read
        and st.button("Commit the import", key="import_commit", type="primary")
    ):
        result = commit_import(state, journey.id, upload, chosen, None if create_in == KEEP else create_in)
        if result is not None:  # not ok: the file changed since the check
            state["done" if result.ok else "preview"] = result
            st.rerun()

if state.get("done") is not None:
    show_import_done(state["done"], journey.name, mapping_saved=bool(state.get("mapping")))
