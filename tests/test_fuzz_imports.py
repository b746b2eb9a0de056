"""The metric importers, fuzzed (issue 12, point 5): any file gives a result or a JourneyError, and a
rejection leaves the database exactly as it was.

Each example starts from a real export of one format (tests/fixtures/metrics: every format of
journey.measure.imports.formats.FORMATS, and the mapped path) and changes it as files go wrong: cells
replaced by hostile values (formulas, NUL, 400 digits, impossible dates, `inf`), header names renamed
(long, unknown, duplicated), columns dropped, rows repeated or cut, another delimiter, another encoding
(UTF-16, Windows-1252/1251, Latin-1), random bytes spliced in. It is imported with auto detection or a
format forced on it, with or without creating missing emails, as a dry run or for real. Hypothesis runs
the "ci" profile by default (fixed examples, a deadline per example: tests/conftest.py).
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from metrics_import_support import FIXTURES, make_onboarding
from support import database_snapshot

from journey.core.errors import JourneyError
from journey.measure.imports import import_metrics
from journey.measure.imports.formats import FORMATS, MAPPING_FIELDS

# One real export per format (and the second layout some formats have).
FIXTURE_OF = {
    "generic": ["generic.csv", "generic_semicolon_decimal_comma.csv"],
    "mailchimp": ["mailchimp.csv", "mailchimp_ab_pairs.csv", "mailchimp_underscores.csv"],
    "mailchimp_campaign": ["mailchimp_campaign.csv"],
    "mailchimp_ab": ["mailchimp_ab.csv"],
    "klaviyo": ["klaviyo.csv", "klaviyo_new.csv"],
    "klaviyo_flow": ["klaviyo_flow.csv", "klaviyo_flow_daily.csv"],
    "hubspot": ["hubspot.csv"],
    "campaign_monitor": ["campaign_monitor.csv"],
    "constant_contact": ["constant_contact.csv"],
    "activecampaign": ["activecampaign.csv"],
    "mailerlite": ["mailerlite.csv"],
    "mailerlite_classic": ["mailerlite_classic.csv"],
    "events": ["events_sendgrid.csv", "events_mailgun.csv", "events_postmark.csv", "events_brevo.csv"],
    "mapped": ["sendgrid_mc_stats.csv", "sendicate_messages.csv"],
}
SOURCES = {
    (name, fmt): list(csv.reader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8-sig"))))
    for fmt, names in FIXTURE_OF.items()
    for name in names
}
HOSTILE_CELLS = [
    "",
    "n/a",
    "-1",
    "1e999",
    "inf",
    "NaN",
    "=1+1",
    '\'=HYPERLINK("x")',
    "@SUM(A1)",
    "9" * 400,
    "2026-02-30",
    "9999-12-31",
    "0001-01-01T00:00:00+01:00",
    "1,234.5",
    "1.234,5",
    "27.78%",
    "150%",
    "64517.0",
    "0.5",
    "Jun 09, 2018 09:30 pm",
    "Mon, Nov 2, 2026 09:30",
    "1793610000",
    "99999999999999999999",
    "\x00",
    "Welcome 1",
    "Welcome (B)",
    "Case study",
    "Awareness",
    "Café – €5",
    "Добро",
    "a\nb",
    '"',
    "sep=;",
    "x" * 300,
]
CELLS = st.one_of(st.sampled_from(HOSTILE_CELLS), st.text(max_size=20), st.integers(-10, 10**6).map(str))
HEADER_NAMES = st.one_of(
    st.sampled_from(["", "date", "Date", "email", "sent", "opens", "Unique Opens", "event", "x" * 250]),
    st.text(max_size=30),
)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "cp1251", "latin-1"]


@st.composite
def hostile_exports(draw) -> tuple[str, bytes]:
    """(the format it was, the file's bytes): a real export, changed as files go wrong."""
    (_name, fmt) = draw(st.sampled_from(sorted(SOURCES)))
    rows = [list(row) for row in SOURCES[(_name, fmt)]]
    for _ in range(draw(st.integers(0, 6))):
        if not rows:
            break
        r = draw(st.integers(0, len(rows) - 1))
        action = draw(
            st.sampled_from(["cell", "cell", "cell", "header", "drop-column", "repeat", "cut", "add"])
        )
        if action == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELLS)
        elif action == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(HEADER_NAMES)
        elif action == "drop-column" and rows[0]:
            column = draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:column] + row[column + 1 :] for row in rows]
        elif action == "repeat":
            rows.insert(r, list(rows[r]))
        elif action == "cut":
            rows = rows[: r + 1]
        else:
            rows.insert(r, draw(st.lists(CELLS, max_size=8)))
    out = io.StringIO()
    delimiter = draw(st.sampled_from([",", ",", ",", ",", ";", "\t", "|"]))
    csv.writer(
        out, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"]))
    ).writerows(rows)
    data = out.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return fmt, data


def _mapping(draw, data: bytes) -> dict[str, str]:
    """A column mapping drawn from our fields and the first line's cells (right or wrong)."""
    first = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").split(",")
    fields = draw(st.lists(st.sampled_from(MAPPING_FIELDS), max_size=8, unique=True))
    return {field: draw(st.sampled_from([*first, "No such column"])) for field in fields}


@pytest.fixture
def onboarding(session):
    """The Onboarding journey (its emails are the fixtures' names), committed: what a rejection must keep."""
    journey_id = make_onboarding(session)
    session.commit()
    return journey_id


def test_every_format_has_a_real_export_to_start_from():
    assert set(FIXTURE_OF) == set(FORMATS)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(export=hostile_exports(), data=st.data())
def test_any_file_imports_or_is_refused_as_a_journey_error_and_a_refusal_changes_nothing(
    session, onboarding, export, data
):
    fmt, content = export
    own = fmt if fmt != "mapped" else "auto"
    format = data.draw(
        st.sampled_from(["auto", "auto", own, own, "auto", "auto", own]) | st.sampled_from(list(FORMATS))
    )
    mapping = _mapping(data.draw, content) if format == "mapped" or fmt == "mapped" else None
    options = {
        "create_missing_stage": data.draw(st.sampled_from([None, "Awareness"])),
        "dry_run": data.draw(st.booleans()),
    }
    before = database_snapshot(session)
    session.commit()
    try:
        result = import_metrics(
            session,
            onboarding,
            io.BytesIO(content),
            format="auto" if mapping else format,
            mapping=mapping,
            **options,
        )
    except JourneyError as exc:
        refused = True
        event(
            f"refused: {type(exc).__name__}: {str(exc)[:40]}"
        )  # --hypothesis-show-statistics: how examples ended
    else:
        refused = not result.ok
        event("rows rejected" if refused else f"imported ({'dry run' if options['dry_run'] else 'written'})")
        assert result.written == (result.ok and not options["dry_run"])  # written only when all rows pass
        assert all(isinstance(note, str) for note in result.notes)
    if refused or options["dry_run"]:
        session.commit()  # what the CLI's session does after a refusal: nothing may have been written
        assert database_snapshot(session) == before
    session.rollback()  # an import that went through is undone: every example starts from `before`


# --- what the fuzzing found, each fixed at its root --------------------------------------------------


def test_a_file_forced_to_be_read_as_events_without_their_columns_is_refused_naming_one(session, onboarding):
    before = database_snapshot(session)
    content = (FIXTURES / "activecampaign.csv").read_bytes()
    with pytest.raises(JourneyError, match="An events file needs a recipient column: one of “email”"):
        import_metrics(session, onboarding, io.BytesIO(content), format="events")  # was a KeyError
    session.commit()
    assert database_snapshot(session) == before


def test_blank_rows_above_the_header_are_skipped_and_counted_as_spreadsheet_rows(session, onboarding):
    header = "date,stage,email,sent,delivered,opens,clicks,conversions,unsubscribes"
    content = f"\r\n\r\n,\r\n{header}\r\n2026-11-02,Awareness,Welcome 1,10,10,-1,1,0,0\r\n".encode()
    result = import_metrics(session, onboarding, io.BytesIO(content))  # was "The file is empty"
    assert [(r.row, r.error) for r in result.rejected] == [(5, "opens is negative (-1)")]
    assert result.format == "generic"
    with pytest.raises(JourneyError, match="The file is empty"):
        import_metrics(session, onboarding, io.BytesIO(b"\r\n" * 11 + content))  # more than 10: empty
