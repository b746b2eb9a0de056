"""The metrics import's widgets: run it with a progress bar, map an unknown header's columns, the summary."""

from __future__ import annotations

import streamlit as st

from journey.measure.imports.formats import MAPPING_FIELDS, MAPPING_REQUIRED, guess_mapping
from journey.measure.imports.importer import import_metrics
from journey.plan import journeys
from ui.db import db_session
from ui.writes import run_write

IMPORT_CHECK = "import_check"  # the form key under which a dry run's refusal is kept (ui.forms)


def import_stage_names(journey_id: int) -> list[str]:
    """The journey's stage names in order, for "create missing emails in stage"."""
    with db_session() as session:
        return [node.stage.name for node in journeys.load_tree(session, journey_id).stages]


def run_import(journey_id: int, upload, *, form: str | None = None, **options):
    """import_metrics on an uploaded file with a progress bar: the ImportResult, or None when refused.

    The refusal is shown here, or kept with `form` (ui.forms.form_errors) for the page to show.
    """
    bar = st.progress(0.0, text="Reading the file…")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        return run_write(import_metrics, journey_id, upload, form=form, progress=progress, **options)
    finally:
        bar.empty()


def import_mapping_form(columns: list[str], *, key: str = "import_map") -> dict[str, str] | None:
    """Pick which of the file's columns holds each of our fields; the mapping once submitted."""
    guesses = guess_mapping(columns)
    with st.form(key):
        st.markdown(
            "**Map the columns.** The header is not one we know: say which column holds what "
            "(fields marked * are needed; dates as YYYY-MM-DD; counts are unique recipients)."
        )
        picked = {}
        grid = st.columns(3)
        options = ["—", *columns]
        for index, name in enumerate(MAPPING_FIELDS):
            guess = guesses[name]
            picked[name] = grid[index % 3].selectbox(
                f"{name}{' *' if name in MAPPING_REQUIRED else ''}",
                options,
                index=options.index(guess) if guess else 0,
                key=f"{key}_{name}",
            )
        if not st.form_submit_button("Use this mapping", type="primary"):
            return None
    return {name: column for name, column in picked.items() if column != "—"}


def show_import_summary(result) -> None:
    """What a dry run found: format, counts, rejected rows with their reasons, unmatched emails."""
    how = "detected from the header" if result.detected else "chosen"
    separator = {"\t": "tab", ",": "comma", ";": "semicolon"}[result.delimiter]
    st.markdown(f"**Format:** {result.format_label} ({how}) · {result.encoding} · {separator}-separated")
    left, middle, right, last = st.columns(4)
    left.metric("Rows read", f"{result.rows_read:,}")
    middle.metric("Rows to import", f"{result.imported:,}", help="One per email, variant and day.")
    right.metric("Rejected rows", f"{result.rejected_total:,}")
    last.metric("Emails not in the journey", f"{len(result.unmatched):,}")
    for note in result.notes:
        st.info(note)
    if result.ignored_events:
        st.info(
            "These events count towards no metric, so their rows are left out (the rest of the file is "
            "read as usual):\n" + "\n".join(f"- {event.message}" for event in result.ignored_events)
        )
    if result.rejected_total:
        st.error(
            f"{result.rejected_total:,} rows break a rule, so nothing will be imported. Fix them in the file "
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
