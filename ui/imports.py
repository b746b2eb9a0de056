"""The metrics import's widgets: run it with a progress bar, map an unknown header's columns (and keep the
mapping), the summary and the check per email, and the journey that fits the file best."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.measure.imports.formats import (
    MAPPING_FIELDS,
    MAPPING_ONE_OF,
    MAPPING_REQUIRED,
    normalize_header,
    read_header,
)
from journey.measure.imports.importer import import_metrics
from journey.measure.imports.mappings import (
    FIELD_LABELS,
    default_mapping_name,
    forget_mapping,
    guess_mapping,
    import_mapped,
    saved_mapping_for_file,
)
from journey.measure.imports.preview import check_summary, check_table, rank_journeys
from journey.plan import journeys
from ui.current import set_current_journey
from ui.db import db_session
from ui.forms import form_errors
from ui.pickers import journey_picker
from ui.writes import attempt, run_write

IMPORT_CHECK = "import_check"  # the form key under which a dry run's refusal is kept (ui.forms)
PICKED = "import_picked"  # file id → the journey picked for it (once per file: then the user's choice holds)
PICK_NEXT = "import_pick_next"  # the journey to put in the picker on the next run


def import_stage_names(journey_id: int) -> list[str]:
    """The journey's stage names in order, for "create missing emails in stage"."""
    with db_session() as session:
        return [node.stage.name for node in journeys.load_tree(session, journey_id).stages]


def import_journey_picker(key: str = "import_journey"):
    """The journey picker, set first to the journey picked for the file on the previous run, if any."""
    picked = st.session_state.pop(PICK_NEXT, None)
    if picked is not None:
        set_current_journey(picked)
    return journey_picker(key=key)


def reset_import_state(state: dict, upload, journey_id: int, chosen: str) -> None:
    """Forget everything about the previous file; on another journey, only its check (the mapping holds)."""
    if state.get("file") != (upload.file_id, upload.name, chosen):
        state.clear()
        form_errors(IMPORT_CHECK).clear()
        for widget in [k for k in st.session_state if isinstance(k, str) and k.startswith("import_map_")]:
            del st.session_state[widget]  # the mapping form starts again from this file's columns
        state["file"] = (upload.file_id, upload.name, chosen)
        with db_session() as session:
            state["saved"] = saved_mapping_for_file(session, upload) if chosen == "auto" else None
    if state.get("journey") != journey_id:
        for stale in ("preview", "done", "fits", "fits_for"):
            state.pop(stale, None)
        form_errors(IMPORT_CHECK).clear()
        state["journey"] = journey_id


def check_mapping_to_use(state: dict) -> dict[str, str] | None:
    """The mapping the next check uses: the one just chosen, else the header's saved one, else none."""
    saved = state.get("saved")
    return state.get("mapping") or (dict(saved.columns) if saved is not None else None)


def run_import(journey_id: int, upload, *, form: str | None = None, **options):
    """import_metrics (import_mapped with a `mapping`) on an uploaded file with a progress bar: the
    ImportResult, or None when refused. The refusal is shown here, or kept with `form`
    (ui.forms.form_errors) for the page to show.
    """
    action = import_mapped if options.get("mapping") else import_metrics
    bar = st.progress(0.0, text="Reading the file…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        return run_write(action, journey_id, upload, form=form, progress=progress, **options)
    finally:
        bar.empty()


def commit_import(state: dict, journey_id: int, upload, chosen: str, create_in: str | None):
    """The real import, with the checked mapping; a new or edited mapping is saved with it."""
    mapping, saved = state.get("mapping"), state.get("saved")
    if not mapping and saved is None:
        return run_import(journey_id, upload, format=chosen, create_missing_stage=create_in)
    return run_import(
        journey_id,
        upload,
        mapping=mapping or dict(saved.columns),
        save_as=state.get("mapping_name") if mapping else None,
        expected_version=saved.version if saved is not None and mapping else None,
        create_missing_stage=create_in,
    )


def saved_mapping_notice(state: dict, upload) -> None:
    """ "Using saved mapping …" with Edit (opens the mapping form on it) and Forget (deletes it)."""
    saved = state.get("saved")
    if saved is None or state.get("mapping"):
        return
    st.info(
        f"Using saved mapping “{escape_markdown(saved.name)}”: this file's header was mapped before.",
        icon="🗂️",
    )
    edit, forget = st.columns(2)
    if not state.get("columns") and edit.button("Edit the mapping", key="import_mapping_edit"):
        state["columns"] = attempt(read_header, upload)
        st.rerun()
    if forget.button("Forget this mapping", key="import_mapping_forget") and run_write(
        forget_mapping, saved.key
    ):
        for stale in ("preview", "done", "fits", "fits_for", "columns"):
            state.pop(stale, None)
        state["saved"] = None
        st.rerun()


def import_mapping_form(
    columns: list[str], *, file_name: str, saved=None, key: str = "import_map"
) -> tuple[dict[str, str], str] | None:
    """Pick which of the file's columns holds each of our fields (guessed, or the saved mapping being
    edited) and the name to save it as; (mapping, name) once submitted."""
    initial = guess_mapping(columns)
    if saved is not None:  # the saved columns, as this file spells them
        spelled = {normalize_header(c): c for c in columns}
        initial = {f: spelled.get(normalize_header(c)) for f, c in saved.columns.items()}
    with st.form(key):
        st.markdown(
            "**Map the columns below.** The header is not one we know: say which column holds what. "
            "Fields marked * are needed (of *Sent* and *Delivered*, one is enough); counts are unique "
            "recipients. The mapping is saved with the import, so next time this header imports at once."
        )
        picked = {}
        options = ["—", *columns]
        for index, name in enumerate(MAPPING_FIELDS):
            if index % 3 == 0:
                row = st.columns(3)  # a row of three, so each field's caption stays under it
            words, explanation = FIELD_LABELS[name]
            needed = name in MAPPING_REQUIRED or name in MAPPING_ONE_OF
            guess = initial.get(name)
            cell = row[index % 3]
            picked[name] = cell.selectbox(
                f"{words}{' *' if needed else ''}",
                options,
                index=options.index(guess) if guess in options else 0,
                key=f"{key}_{name}",
                help=f"Our field `{name}`.",
            )
            cell.caption(explanation)
        label = st.text_input(
            "Save this mapping as",
            value=saved.name if saved is not None else default_mapping_name(file_name),
            key=f"{key}_name",
            max_chars=80,
        )
        if not st.form_submit_button("Use this mapping", type="primary"):
            return None
    return {name: column for name, column in picked.items() if column != "—"}, label


def show_import_errors(state: dict) -> None:
    """The check's refusals; while the mapping form is open, "header not recognised" is its note instead."""
    for field, message in form_errors(IMPORT_CHECK).items():
        if not (field == "header" and state.get("columns")):
            st.error(escape_markdown(message))


def journey_fit_caption(where, state: dict, upload, journey) -> None:
    """Once per file, move the picker to the journey whose emails match the file best; say how well
    the chosen journey fits (in `where`, a placeholder under the picker)."""
    preview = state.get("preview")
    if preview is None or not preview.check:
        return
    if state.get("fits_for") is not preview:
        with db_session() as session:
            state["fits"], state["fits_for"] = rank_journeys(session, preview), preview
    fits = state["fits"]
    best = fits[0]
    here = next(f for f in fits if f.journey_id == journey.id)
    picked = st.session_state.setdefault(PICKED, {})
    if upload.file_id not in picked:
        picked[upload.file_id] = best.journey_id if best.matched > here.matched else journey.id
        if picked[upload.file_id] != journey.id:
            st.session_state[PICK_NEXT] = best.journey_id
            st.rerun()
    if best.matched == 0:
        where.caption(
            "None of the file's email names is in a journey: check the file, or create its emails below."
        )
    elif picked[upload.file_id] == journey.id:
        where.caption(escape_markdown(here.caption(picked=True)))
    else:
        where.caption(
            escape_markdown(f"{here.caption(picked=False)} “{best.name}” matches {best.matched:,}.")
            if best.matched > here.matched
            else escape_markdown(here.caption(picked=False))
        )


def show_import_check(result, journey_name: str) -> None:
    """What committing will change: the summary line, then one row per email and variant of the file."""
    if not result.check:
        return
    st.markdown(f"**{escape_markdown(check_summary(result, journey_name))}**")
    st.dataframe(
        check_table(result),
        hide_index=True,
        width="stretch",
        column_config={
            "Rows": st.column_config.TextColumn(help="The first row (the header is row 1) and how many more"),
            "New days": st.column_config.NumberColumn(help="Days of that email and variant not saved yet"),
            "Updated days": st.column_config.NumberColumn(help="Saved days the import replaces"),
        },
    )


def show_import_summary(result, journey_name: str) -> None:
    """What a dry run found: format, counts, what each email will change, rejected rows with their
    reasons, unmatched emails."""
    how = "detected from the header" if result.detected else "chosen"
    separator = {"\t": "tab", ",": "comma", ";": "semicolon"}[result.delimiter]
    st.markdown(f"**Format:** {result.format_label} ({how}) · {result.encoding} · {separator}-separated")
    left, middle, right, last = st.columns(4)
    left.metric("Rows read", f"{result.rows_read:,}")
    middle.metric("Rows to import", f"{result.imported:,}", help="One per email, variant and day.")
    right.metric("Rejected rows", f"{result.rejected_total:,}")
    last.metric("Emails not in the journey", f"{len(result.unmatched):,}")
    for note in result.notes:
        st.info(escape_markdown(note))
    if result.ignored_events:
        st.info(
            "These events count towards no metric, so their rows are left out (the rest of the file is "
            "read as usual):\n"
            + "\n".join(f"- {escape_markdown(event.message)}" for event in result.ignored_events)
        )
    show_import_check(result, journey_name)
    if result.rejected_total:
        st.error(
            f"{plural(result.rejected_total, 'row')} {'breaks' if result.rejected_total == 1 else 'break'} a rule, "
            "so nothing will be imported. Fix them in the file "
            "and upload it again. Row numbers are as a spreadsheet shows them (the header is row 1)."
        )
        st.dataframe(
            [{"Row": r.row, "Reason": r.error} for r in result.rejected],
            hide_index=True,
            width="stretch",
        )
    if result.unmatched:
        st.warning(
            "These emails are not in the journey: their rows are skipped unless you create them below."
        )
        st.dataframe(
            [
                {
                    "Email": u.name,
                    "Campaign id": u.campaign_id,
                    "Rows": u.rows,
                    "Sent": u.sent,
                    "Delivered": u.delivered,
                    "Opens": u.opens,
                    "Clicks": u.clicks,
                }
                for u in result.unmatched
            ],
            hide_index=True,
            width="stretch",
        )


def show_import_done(done, journey_name: str, *, mapping_saved: bool) -> None:
    """What the commit wrote, created and saved, and where to look next."""
    created = (
        f" Created {plural(len(done.created_emails), 'email')}: {escape_markdown(', '.join(done.created_emails))}."
        if done.created_emails
        else ""
    )
    span = f" from {done.first_day} to {done.last_day}" if done.first_day else ""
    saved = (
        f" Saved the column mapping as “{escape_markdown(done.mapping_name)}”."
        if mapping_saved and done.mapping_name
        else ""
    )
    st.success(
        f"Imported {plural(done.imported, 'row')} ({done.format_label}){span} into “{escape_markdown(journey_name)}”.{created}{saved} "
        "See them on the **Weekly review** and **Metrics** pages."
    )
    skipped = [u.name for u in done.unmatched] if not done.created_emails else []
    if skipped:
        st.info(f"Skipped the rows of emails not in the journey: {escape_markdown(', '.join(skipped))}.")
