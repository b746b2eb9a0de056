"""Import metrics: upload an ESP export, check it (nothing written), then commit it in one go."""

import streamlit as st

from journey.measure.imports.formats import FORMATS, read_header
from ui.forms import form_errors
from ui.imports import IMPORT_CHECK, import_mapping_form, import_stage_names, run_import, show_import_summary
from ui.pickers import journey_picker
from ui.writes import attempt

FORMAT_CHOICES = ("auto", *(name for name in FORMATS if name != "mapped"))
KEEP = "Don't create them (skip their rows)"

st.title("Import metrics")
st.caption(
    "Upload the CSV your email service exported: a Mailchimp, Klaviyo, HubSpot, Campaign Monitor, Constant "
    "Contact, ActiveCampaign or MailerLite campaign report, per-recipient events (SendGrid, Mailgun, Postmark, Brevo) "
    "or the generic format. The file is checked first and nothing is written until you commit. Importing the "
    "same days again replaces them."
)
state = st.session_state.setdefault("import_state", {})

journey = journey_picker(key="import_journey")
if journey is None:
    st.stop()
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

fingerprint = (upload.file_id, upload.name, journey.id, chosen)
if state.get("fingerprint") != fingerprint:
    state.clear()
    form_errors(IMPORT_CHECK).clear()
    state["fingerprint"] = fingerprint


def check(mapping=None) -> None:
    """Dry run: the summary, or the refusal (and the file's columns when its header is unknown)."""

    def refused(exc) -> None:
        state.update(preview=None, mapping=mapping, done=None)
        if exc.field == "header" and not mapping:
            state["columns"] = attempt(read_header, upload)

    result = run_import(
        journey.id, upload, form=IMPORT_CHECK, refused=refused, format=chosen, mapping=mapping, dry_run=True
    )
    state.update(preview=result, mapping=mapping, done=None)


if "preview" not in state:
    check()

if state.get("columns"):
    mapping = import_mapping_form(state["columns"])
    if mapping is not None:
        check(mapping)
for message in form_errors(IMPORT_CHECK).values():
    st.error(message)

preview = state.get("preview")
if preview is not None and state.get("done") is None:
    show_import_summary(preview)
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
        result = run_import(
            journey.id,
            upload,
            format=chosen,
            mapping=state.get("mapping"),
            create_missing_stage=None if create_in == KEEP else create_in,
        )
        if result is not None:  # not ok: the file changed since the check
            state["done" if result.ok else "preview"] = result
            st.rerun()

done = state.get("done")
if done is not None:
    created = (
        f" Created {len(done.created_emails)} emails: {', '.join(done.created_emails)}."
        if done.created_emails
        else ""
    )
    span = f" from {done.first_day} to {done.last_day}" if done.first_day else ""
    st.success(
        f"Imported {done.imported:,} rows ({done.format_label}){span} into “{journey.name}”.{created} "
        "See them on the **Weekly review** and **Metrics** pages."
    )
    skipped = [u.name for u in done.unmatched] if not done.created_emails else []
    if skipped:
        st.info(f"Skipped the rows of emails not in the journey: {', '.join(skipped)}.")
