"""import_metrics: all-or-nothing, row numbers, encodings, idempotence, matching, creation, progress."""

from __future__ import annotations

import io

import pytest
from metrics_import_support import FIXTURES, counts, dump, make_onboarding
from sqlalchemy import func, select

from db.models import Email, MetricDaily
from journey.core.errors import ImportRejected
from journey.measure.imports.formats import read_header
from journey.measure.imports.importer import import_metrics

HEADER = (
    "date,stage,email,variant,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue"
)
GOOD = "2026-11-09,Awareness,Welcome 1,,100,90,30,5,1,0,10,0,0"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> io.BytesIO:
    return io.BytesIO(("\r\n".join(lines) + "\r\n").encode(encoding))


@pytest.fixture
def journey_id(session):
    journey_id = make_onboarding(session)
    import_metrics(session, journey_id, FIXTURES / "generic.csv")  # something to keep intact
    session.commit()  # the caller commits: import_metrics leaves the transaction to it
    return journey_id


@pytest.mark.parametrize(
    ("lines", "row", "reason"),
    [
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,-3,5,1,0,10,0,0"],
            3,
            "opens is negative",
            id="negative-count",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,thirty,5,1,0,10,0,0"],
            3,
            "opens: “thirty” is not a number",
            id="text-in-number",
        ),
        pytest.param(
            [HEADER, "2026-02-30,Awareness,Welcome 1,,100,90,30,5,1,0,10,0,0", GOOD],
            2,
            "not a real date",
            id="impossible-date",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,95,5,1,0,10,0,0"],
            3,
            "opens (95) are more than delivered (90)",
            id="opens-over-delivered",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,30,91,1,0,10,0,0"],
            3,
            "clicks (91) are more than delivered (90)",
            id="clicks-over-delivered",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,101,30,5,1,0,10,0,0"],
            3,
            "delivered (101) is more than sent (100)",
            id="delivered-over-sent",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Onboarding,Welcome 1,,100,90,30,5,1,0,10,0,0"],
            3,
            "unknown stage “Onboarding”",
            id="unknown-stage",
        ),
        pytest.param([HEADER, GOOD, GOOD], 3, "duplicate of row 2", id="duplicated-row"),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,=A1+B1,90,30,5,1,0,10,0,0"],
            3,
            "formula",
            id="formula-cell",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,1,751,90,30,5,1,0,10,0,0"],
            3,
            "cells but the header has 13",
            id="unquoted-thousands",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Consideration,Welcome 1,,100,90,30,5,1,0,10,0,0"],
            3,
            "not in the stage “Consideration”",
            id="wrong-stage",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,,,100,90,30,5,1,0,10,0,0"],
            3,
            "email: the email name is empty",
            id="empty-email-name",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,=HYPERLINK(1),,100,90,30,5,1,0,10,0,0"],
            3,
            "is a formula, not an email name",
            id="formula-email-name",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,,Welcome 1,,100,90,30,5,1,0,10,0,0"],
            3,
            "stage: the stage is empty",
            id="empty-stage",
        ),
        pytest.param(
            [HEADER, GOOD, f"2026-11-10,Awareness,Welcome 1,{'B' * 41},100,90,30,5,1,0,10,0,0"],
            3,
            "variant names are limited to 40 characters",
            id="variant-too-long",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,30,5,1,0,10,0,lots"],
            3,
            "revenue: “lots” is not a number",
            id="revenue-not-a-number",
        ),
        pytest.param(
            [HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,30,5,1,0,10,0,-5"],
            3,
            "revenue is negative",
            id="negative-revenue",
        ),
    ],
)
def test_a_rejected_row_is_named_and_nothing_is_written(session, journey_id, lines, row, reason):
    before = dump(session)
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert not result.written
    assert result.imported == 0
    assert [r.row for r in result.rejected] == [row]
    assert reason in result.rejected[0].error
    assert dump(session) == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param(b"", "The file is empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf", "The file is empty", id="bom-only"),
        pytest.param((HEADER + "\r\n").encode(), "no data rows", id="header-only"),
        pytest.param(
            b"when,what,how many\r\n2026-11-02,x,3\r\n", "header is not one we recognise", id="bad-header"
        ),
        pytest.param(
            b"date,email,sent,delivered,opens,clicks\r\n2026-11-02,Welcome 1,1,1,1,1\r\n",
            "“stage”",
            id="generic-missing-columns",
        ),
        pytest.param(
            (HEADER + ",opens\r\n" + GOOD + ",3\r\n").encode(),
            "duplicated column “opens”",
            id="duplicated-header",
        ),
        pytest.param(b"date,stage,email,s\xc3\xa9nt\xff\r\n", "not text we can read", id="damaged-utf8"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not text we can read", id="binary"),
        pytest.param(
            (HEADER + "\r\n" + GOOD + "\r\n" + GOOD.replace("Welcome 1", "W" * 1_100_000)).encode(),
            "not valid CSV after row 2: field larger than field limit",
            id="giant-cell",
        ),
        pytest.param(
            b"when,what\r\n" + b"W" * 1_100_000 + b",1\r\n",
            "not valid CSV after row 1: field larger than field limit",
            id="giant-cell-below-an-unknown-header",  # read looking for a header further down: was a traceback
        ),
        pytest.param(
            (HEADER + "\r\n" + (GOOD + "\r\n") * 20_000).encode()
            + "2026-11-10,Awareness,Café".encode("cp1252"),
            r"not utf-8 text after row [\d,]+ \(its first megabyte is\)",
            id="cp1252-after-the-first-megabyte",
        ),
    ],
)
def test_a_file_rejected_as_a_whole_raises_and_changes_nothing(session, journey_id, payload, message):
    before = dump(session)
    with pytest.raises(ImportRejected, match=message):
        import_metrics(session, journey_id, io.BytesIO(payload))
    assert dump(session) == before


@pytest.mark.parametrize(
    "encoding",
    [
        pytest.param("utf-8", id="utf-8"),
        pytest.param("utf-8-sig", id="utf-8-bom"),
        pytest.param("utf-16", id="utf-16-bom-le"),
        pytest.param("utf-16-be-bom", id="utf-16-bom-be"),
    ],
)
def test_encodings_as_excel_writes_them(session, journey_id, encoding):
    text = "\r\n".join([HEADER, GOOD.replace("Welcome 1", "Wélcome ☕")]) + "\r\n"
    data = b"\xfe\xff" + text.encode("utf-16-be") if encoding == "utf-16-be-bom" else text.encode(encoding)
    result = import_metrics(
        session, journey_id, io.BytesIO(data), create_missing_stage="Awareness", dry_run=True
    )
    assert result.rejected == []
    assert result.created_emails == ["Wélcome ☕"]


def test_utf16_tab_separated_excel_unicode_text(session, journey_id):
    text = "\r\n".join([HEADER.replace(",", "\t"), GOOD.replace(",", "\t")]) + "\r\n"
    result = import_metrics(session, journey_id, io.BytesIO(text.encode("utf-16")))
    assert (result.delimiter, result.imported, result.encoding) == ("\t", 1, "utf-16")


def test_many_bad_rows_are_all_listed_with_their_rows(session, journey_id):
    lines = [HEADER] + [f"2026-11-{d:02d},Awareness,Welcome 1,,10,9,-1,0,0,0,1,0,0" for d in range(10, 20)]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert [r.row for r in result.rejected] == list(range(2, 12))
    assert result.rejected_total == 10


def test_reimport_replaces_rows_and_never_double_counts(session, journey_id):
    first = dump(session)
    again = import_metrics(session, journey_id, FIXTURES / "generic.csv")
    assert again.imported == 5
    assert [r[:13] for r in dump(session)] == [r[:13] for r in first]  # same numbers, new imported_at
    assert session.scalar(select(func.count()).select_from(MetricDaily)) == 5


def test_overlapping_file_replaces_the_overlap_and_keeps_the_rest(session, journey_id):
    overlap = csv_bytes(
        HEADER,
        "2026-11-03,Awareness,Welcome 1,,1100,1090,500,60,11,2,10,0,0",  # replaces Nov 3
        "2026-11-04,Awareness,Welcome 1,,900,890,300,40,8,1,10,0,0",  # new
    )
    result = import_metrics(session, journey_id, overlap)
    assert result.imported == 2
    got = counts(session)
    assert len(got) == 6
    assert got[("Welcome 1", "", "2026-11-02")]["sent"] == 1200  # untouched
    assert got[("Welcome 1", "", "2026-11-03")]["sent"] == 1100  # replaced, not added
    assert got[("Welcome 1", "", "2026-11-03")]["revenue"] == 0.0
    assert got[("Welcome 1", "", "2026-11-04")]["sent"] == 900


def test_dry_run_returns_the_summary_and_writes_nothing(session, journey_id):
    before = dump(session)
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv", dry_run=True)
    assert (result.dry_run, result.written, result.imported, result.rows_read) == (True, False, 4, 6)
    assert [u.name for u in result.unmatched] == ["Black Friday teaser"]
    assert dump(session) == before


def test_import_leaves_the_commit_to_the_caller(session, journey_id):
    before = dump(session)
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv")
    assert result.written
    assert dump(session) != before
    session.rollback()  # the caller decides: nothing of the import was committed
    assert dump(session) == before


def test_a_rejected_import_keeps_the_callers_pending_work(session, journey_id):
    import_metrics(session, journey_id, FIXTURES / "mailchimp.csv")  # not committed yet
    pending = dump(session)
    result = import_metrics(
        session, journey_id, csv_bytes(HEADER, GOOD, "2026-11-10,Awareness,Welcome 1,,100,90,-3,5,1,0,10,0,0")
    )
    assert result.rejected_total == 1
    assert not result.written
    assert dump(session) == pending
    session.commit()
    assert dump(session) == pending


def test_unmatched_emails_are_listed_and_skipped_without_create(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv")
    assert result.written
    assert result.created_emails == []
    assert ("Black Friday teaser", "", "2026-11-05") not in counts(session)


def test_create_missing_stage_creates_the_emails_in_one_transaction(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv", create_missing_stage="retention")
    assert result.created_emails == ["Black Friday teaser"]
    assert result.imported == 5
    assert counts(session)[("Black Friday teaser", "", "2026-11-05")]["delivered"] == 1980
    email = session.execute(select(Email).where(Email.name == "Black Friday teaser")).scalar_one()
    assert email.esp_campaign_id == "mc-bf"  # a later import matches it by id
    again = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv")
    assert again.unmatched == []
    assert again.imported == 5


def test_create_missing_uses_the_rows_own_stage_in_the_generic_format(session, journey_id):
    result = import_metrics(
        session,
        journey_id,
        csv_bytes(HEADER, "2026-11-09,Decision,Cart reminder,,100,90,30,5,1,0,10,0,0"),
        create_missing_stage="Retention",
    )
    assert result.created_emails == ["Cart reminder"]
    email = session.execute(select(Email).where(Email.name == "Cart reminder")).scalar_one()
    from db.models import Stage

    assert session.get(Stage, email.stage_id).name == "Decision"


def test_create_missing_into_an_unknown_stage_is_refused(session, journey_id):
    with pytest.raises(ImportRejected, match="no stage named “Loyalty”"):
        import_metrics(session, journey_id, FIXTURES / "mailchimp.csv", create_missing_stage="Loyalty")


def test_rejected_rows_also_block_email_creation(session, journey_id):
    emails = session.scalar(select(func.count()).select_from(Email))
    lines = [
        HEADER,
        "2026-11-09,Decision,Cart reminder,,100,90,30,5,1,0,10,0,0",
        "2026-11-09,Awareness,Welcome 1,,1,2,0,0,0,0,0,0,0",
    ]
    result = import_metrics(session, journey_id, csv_bytes(*lines), create_missing_stage="Retention")
    assert result.rejected[0].row == 3
    assert not result.written
    assert session.scalar(select(func.count()).select_from(Email)) == emails


def test_same_campaign_twice_in_a_report_is_a_duplicate(session, journey_id):
    lines = (FIXTURES / "mailchimp.csv").read_text(encoding="utf-8").splitlines()
    result = import_metrics(session, journey_id, csv_bytes(*lines, lines[1]))
    assert [(r.row, r.error) for r in result.rejected] == [
        (8, "duplicate of row 2 (the same campaign twice)")
    ]


def test_two_names_resolving_to_one_email_and_day_are_duplicates_in_generic(session, journey_id):
    lines = [HEADER, GOOD, GOOD.replace("Welcome 1", "WELCOME 1")]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert [r.row for r in result.rejected] == [3]


def test_column_mapping_reads_any_csv(session, journey_id):
    data = csv_bytes(
        "Day;Message;Recipients;Delivered;Opened;Clicked;Revenue (€)",
        "09.11.2026;Welcome 2;1.000;980;400;50;12,50",
    )
    with pytest.raises(ImportRejected) as excinfo:
        import_metrics(session, journey_id, data)
    assert excinfo.value.field == "header"
    assert read_header(data) == [
        "Day",
        "Message",
        "Recipients",
        "Delivered",
        "Opened",
        "Clicked",
        "Revenue (€)",
    ]
    mapping = {
        "date": "Day",
        "email": "Message",
        "sent": "Recipients",
        "delivered": "Delivered",
        "opens": "Opened",
        "clicks": "Clicked",
        "revenue": "Revenue (€)",
    }
    result = import_metrics(session, journey_id, data, mapping=mapping)
    # a dotted date is not a date we guess at: the row is rejected, not misread
    assert result.format == "mapped"
    assert "not a date" in result.rejected[0].error
    data = csv_bytes(
        "Day;Message;Recipients;Delivered;Opened;Clicked;Revenue (€)",
        "2026-11-09;Welcome 2;1.000;980;400;50;12,50",
    )
    result = import_metrics(session, journey_id, data, mapping=mapping)
    assert result.imported == 1
    assert counts(session)[("Welcome 2", "", "2026-11-09")] == {
        "sent": 1000,
        "delivered": 980,
        "opens": 400,
        "machine_opens": 0,
        "clicks": 50,
        "conversions": 0,
        "unsubscribes": 0,
        "bounces": 0,
        "complaints": 0,
        "revenue": 12.5,
    }


def test_mapping_must_name_real_columns_and_the_required_fields(session, journey_id):
    data = csv_bytes("Day,Message,Recipients", "2026-11-09,Welcome 2,10")
    with pytest.raises(ImportRejected, match="no column “Nope”"):
        import_metrics(session, journey_id, data, mapping={"date": "Nope"})
    with pytest.raises(ImportRejected, match="Map a column to each of: opens, clicks, sent or delivered"):
        import_metrics(session, journey_id, data, mapping={"date": "Day", "email": "Message"})


def test_esp_campaign_id_on_a_variant_gives_the_variant(session, journey_id):
    from db.models import EmailVariant

    variant = session.execute(select(EmailVariant).where(EmailVariant.label == "B")).scalar_one()
    variant.esp_campaign_id = "01HCASE-B"
    session.commit()
    data = csv_bytes(
        "email,timestamp,event,campaign_id",
        "z@example.com,1793610000,delivered,01HCASE-B",
        "z@example.com,1793610100,open,01HCASE-B",
    )
    result = import_metrics(session, journey_id, data)
    assert result.imported == 1
    assert counts(session)[("Case study", "B", "2026-11-02")]["opens"] == 1


def test_events_with_an_open_but_no_delivery_are_rejected_with_the_reason(session, journey_id):
    before = dump(session)
    data = csv_bytes("email,timestamp,event,category", "z@example.com,1793610000,open,Welcome 1")
    result = import_metrics(session, journey_id, data)
    assert result.rejected[0].row == 2
    assert "opens (1) are more than delivered (0)" in result.rejected[0].error
    assert dump(session) == before


def test_events_of_unknown_kinds_are_counted_and_listed_and_the_import_still_succeeds(session, journey_id):
    lines = ["email,timestamp,event,category"]
    lines += [f"r{i}@example.com,1793610000,processed,Welcome 2" for i in range(3)]
    lines += [f"r{i}@example.com,1793610060,delivered,Welcome 2" for i in range(3)]
    lines += [f"r{i % 3}@example.com,1793610100,deferred,Welcome 2" for i in range(27)]
    lines += [
        "r0@example.com,1793610200,teleported,Welcome 2",
        "r1@example.com,1793610200, Teleported ,Welcome 2",
    ]
    lines += ["r2@example.com,1793610300,account_status_change,Welcome 2"]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert (result.ok, result.written, result.rows_read, result.imported) == (True, True, 36, 1)
    assert [(e.event, e.rows, e.known) for e in result.ignored_events] == [
        ("deferred", 27, True),
        ("teleported", 2, False),  # any case and spacing: one kind
        ("account_status_change", 1, False),
    ]
    assert result.ignored_events[0].message == "27 rows of event “deferred” ignored"
    assert (
        result.ignored_events[1].message == "2 rows of event “teleported” ignored (an event we do not know)"
    )
    assert result.ignored_events[2].message.startswith("1 row of event")
    assert counts(session)[("Welcome 2", "", "2026-11-02")] == {
        **dict.fromkeys(("opens", "machine_opens", "clicks", "conversions", "unsubscribes"), 0),
        **dict.fromkeys(("bounces", "complaints"), 0),
        "sent": 3,
        "delivered": 3,
        "revenue": 0.0,
    }
    assert result.to_dict()["ignored_events"][0] == {
        "event": "deferred",
        "rows": 27,
        "known": True,
        "reason": "",
    }


def test_a_file_of_many_unknown_event_spellings_lists_fifty_and_sums_the_rest(session, journey_id):
    lines = ["email,timestamp,event,category", "a@example.com,1793610000,processed,Welcome 2"]
    lines += [f"a@example.com,1793610000,custom_{i:02d},Welcome 2" for i in range(60)]
    result = import_metrics(session, journey_id, csv_bytes(*lines), dry_run=True)
    assert (result.ok, result.imported, len(result.ignored_events)) == (True, 1, 51)
    assert (
        result.ignored_events[0].message
        == "10 rows of event “… other events” ignored (an event we do not know)"
    )
    assert sum(e.rows for e in result.ignored_events) == 60


def test_an_empty_event_is_still_a_rejected_row_and_nothing_is_written(session, journey_id):
    before = dump(session)
    data = csv_bytes(
        "email,timestamp,event,category",
        "a@example.com,1793610000,processed,Welcome 2",
        "a@example.com,1793610000,,Welcome 2",
        "a@example.com,1793610000,teleported,Welcome 2",
    )
    result = import_metrics(session, journey_id, data)
    assert [(r.row, r.error) for r in result.rejected] == [(3, "event: the event is empty")]
    assert not result.written
    assert dump(session) == before


def test_events_rows_that_break_a_rule_are_named(session, journey_id):
    data = csv_bytes(
        "email,timestamp,event,category,variant",
        "a@example.com,1793610000,processed,Welcome 1,",
        "b@example.com,1793610000",
        "b@example.com,yesterday,processed,Welcome 1,",
        ",1793610000,processed,Welcome 1,",
        "b@example.com,1793610000,processed,,",
        "b@example.com,1793610000,processed,=cmd(),",
        f"b@example.com,1793610000,processed,Welcome 1,{'B' * 41}",
    )
    result = import_metrics(session, journey_id, data)
    assert not result.written
    assert [(r.row, r.error) for r in result.rejected] == [
        (3, "the row has 2 cells but the header has 5"),
        (4, "timestamp: “yesterday” is not a timestamp (unix seconds or ISO 8601)"),
        (5, "email: the recipient is empty"),
        (6, "category: no email or campaign named"),
        (7, "category: “=cmd()” is a formula, not an email name"),
        (8, "variant: variant names are limited to 40 characters"),
    ]


def test_events_take_a_sendgrid_category_list_and_the_next_time_column(session, journey_id):
    data = csv_bytes(
        "email,timestamp,delivered_at,event,category",
        'a@example.com,1793610000,,processed,"[""Welcome 1"", ""promo""]"',
        'a@example.com,,2026-11-02T10:00:00Z,delivered,"[""Welcome 1""]"',
        "a@example.com,1793610000,,deferred,Welcome 1",
    )
    result = import_metrics(session, journey_id, data)
    assert (result.imported, result.rejected) == (1, [])
    assert counts(session)[("Welcome 1", "", "2026-11-02")]["delivered"] == 1


def test_events_header_with_a_duplicated_column_is_refused(session, journey_id):
    with pytest.raises(ImportRejected, match="duplicated columns “event”"):
        import_metrics(
            session, journey_id, csv_bytes("email,timestamp,event,event,category", "a,1,open,open,W")
        )


def test_events_file_without_an_email_column_is_refused(session, journey_id):
    with pytest.raises(ImportRejected, match="needs a column naming the email"):
        import_metrics(session, journey_id, csv_bytes("email,timestamp,event", "a@x.com,1793610000,open"))


def test_progress_reports_fractions_up_to_one(session, journey_id):
    seen = []
    lines = [HEADER] + [
        f"2026-{m:02d}-{d:02d},Awareness,Welcome 2,,10,9,3,1,0,0,1,0,0"
        for m in range(1, 13)
        for d in range(1, 29)
    ]
    import_metrics(session, journey_id, csv_bytes(*lines), progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions)
    assert fractions[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in fractions)
    assert seen[-1][1] == "Imported 336 rows."


def test_unknown_format_name_is_refused(session, journey_id):
    with pytest.raises(ImportRejected, match="Unknown format"):
        import_metrics(session, journey_id, FIXTURES / "generic.csv", format="excel")


def test_wrong_explicit_format_names_the_missing_columns(session, journey_id):
    with pytest.raises(ImportRejected, match="“send date”"):
        import_metrics(session, journey_id, FIXTURES / "generic.csv", format="mailchimp")


def test_rows_written_by_the_bulk_upsert_read_back_through_the_orm(session, journey_id):
    from datetime import date, datetime

    rows = session.execute(select(MetricDaily).order_by(MetricDaily.day)).scalars().all()
    assert len(rows) == 5
    assert rows[0].day == date(2026, 11, 2)
    assert isinstance(rows[0].imported_at, datetime)
    assert rows[0].source == "generic"
    assert {(r.variant, r.day.isoformat()) for r in rows} >= {("A", "2026-11-02"), ("", "2026-11-03")}


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Case study (B)", ("Case study", "B"), id="letter-in-brackets"),
        pytest.param("Case study (c)", ("Case study", "C"), id="lower-case-letter"),
        pytest.param("case study", ("Case study", ""), id="exact-name-any-case"),
        pytest.param("Case study - Variant b", None, id="no-brackets-no-pair"),
        pytest.param("Case study | Combination 2", None, id="combination-word"),
        pytest.param("Case study (copy 01)", None, id="mailchimp-replicate-copy"),
        pytest.param("Case study (Nov)", None, id="a-word-in-brackets"),
        pytest.param("Case study — December edition", None, id="not-a-variant"),
        pytest.param("Case studying (A)", None, id="prefix-inside-a-word"),
    ],
)
def test_mailchimp_title_suffixes_map_to_variants_only_when_they_look_like_one(
    session, journey_id, title, expected
):
    line = (FIXTURES / "mailchimp.csv").read_text(encoding="utf-8").splitlines()
    row = line[4].replace('"Case study (A)"', f'"{title}"')
    result = import_metrics(session, journey_id, csv_bytes(line[0], row), dry_run=True)
    if expected is None:
        assert [u.name for u in result.unmatched] == [title]
    else:
        assert result.unmatched == []
        import_metrics(session, journey_id, csv_bytes(line[0], row))
        assert (expected[0], expected[1], "2026-11-04") in counts(session)


def test_the_same_flow_message_twice_on_one_day_is_a_duplicate(session, journey_id):
    lines = (FIXTURES / "klaviyo_flow.csv").read_text(encoding="utf-8").splitlines()
    result = import_metrics(session, journey_id, csv_bytes(*lines, lines[1]))
    assert [(r.row, r.error) for r in result.rejected] == [
        (4, "duplicate of row 2 (the same email, variant and day)")
    ]


def test_excels_sep_line_sets_the_delimiter_and_is_not_counted_as_a_row(session, journey_id):
    lines = ["sep=;", HEADER.replace(",", ";"), GOOD.replace(",", ";"), GOOD.replace(",", ";")]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert result.delimiter == ";"
    assert [(r.row, r.error) for r in result.rejected] == [
        (3, "duplicate of row 2 (the same email, variant and day)")
    ]


def test_an_email_deleted_while_the_file_is_read_rejects_the_import(session, engine, journey_id):
    from sqlmodel import Session

    from journey.plan import journeys

    before = dump(session)
    session.rollback()  # end the read, as a caller should: the file is then read without holding a transaction

    def delete_welcome(fraction, message):
        if message.startswith("Reading"):  # the file is read without holding a transaction
            with Session(engine) as other:
                email = other.execute(select(Email).where(Email.name == "Win-back")).scalar_one()
                journeys.delete_email(other, email.id)
                other.commit()

    with pytest.raises(ImportRejected, match="deleted while the file was read"):
        import_metrics(session, journey_id, FIXTURES / "generic.csv", progress=delete_welcome)
    assert [row for row in dump(session) if row[0] != "Win-back"] == [r for r in before if r[0] != "Win-back"]


# --- the generic import streams: two passes over the file, no counts held ----------------------------


def _days(count: int, *, email: str = "Welcome 1", stage: str = "Awareness") -> list[str]:
    from datetime import date, timedelta

    first = date(2022, 1, 3)  # 1,500 days end in February 2026
    return [f"{first + timedelta(days=n)},{stage},{email},,100,90,30,5,1,0,10,0,0" for n in range(count)]


def test_a_streamed_import_writes_while_it_reads_the_file_again(session, journey_id, monkeypatch):
    import itertools

    from journey.measure.imports import importer

    passes: list[list[int]] = []
    real_rows, real_upsert = importer._aggregate_rows, importer._upsert

    def counting_rows(*args, **kwargs):
        read = []
        passes.append(read)
        for item in real_rows(*args, **kwargs):
            read.append(1)
            yield item

    def first_value_then_all(session, values, total, progress):
        values = iter(values)
        first = next(values)
        at_first_write.append(len(passes[-1]))
        real_upsert(session, itertools.chain([first], values), total, progress)

    at_first_write: list[int] = []
    monkeypatch.setattr(importer, "_aggregate_rows", counting_rows)
    monkeypatch.setattr(importer, "_upsert", first_value_then_all)
    result = import_metrics(session, journey_id, csv_bytes(HEADER, *_days(1000)))
    assert result.written
    assert result.imported == 1000
    assert [len(read) for read in passes] == [1000, 1000]  # checked whole, then read again to write
    assert at_first_write == [1]  # the first row went to the database when one row had been read again


def test_a_row_refused_on_the_second_pass_at_the_end_leaves_the_database_unchanged(session, journey_id):
    before = dump(session)
    lines = [HEADER, *_days(1500), "2026-11-09,Retention,Welcome 1,,100,90,30,5,1,0,10,0,0"]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert not result.written
    assert result.imported == 0
    assert [(r.row, r.error) for r in result.rejected] == [
        (1502, "the email “Welcome 1” is not in the stage “Retention”")
    ]
    session.commit()
    assert dump(session) == before


def test_a_bad_value_near_the_end_of_a_long_file_names_its_line_and_writes_nothing(session, journey_id):
    before = dump(session)
    lines = [HEADER, *_days(1500), "2026-11-10,Awareness,Welcome 1,,100,90,300,5,1,0,10,0,0"]
    result = import_metrics(session, journey_id, csv_bytes(*lines))
    assert not result.written
    assert [r.row for r in result.rejected] == [1502]
    assert "opens (300) are more than delivered (90)" in result.rejected[0].error
    session.commit()
    assert dump(session) == before


# --- the check before an import (a dry run) streams too: the same table, no counts held ----------------

CHECKED_FILES = [
    pytest.param(lambda: FIXTURES / "generic.csv", {}, id="generic"),
    pytest.param(lambda: FIXTURES / "generic_semicolon_decimal_comma.csv", {}, id="semicolon"),
    pytest.param(lambda: FIXTURES / "klaviyo_flow_daily.csv", {}, id="klaviyo-flow-daily"),
    pytest.param(
        lambda: csv_bytes(HEADER, *_days(40), "2026-11-10,Awareness,Brand new email,,100,90,30,5,1,0,10,0,0"),
        {"create_missing_stage": "Decision"},
        id="creates-a-missing-email",
    ),
    pytest.param(
        lambda: csv_bytes(HEADER, *_days(30), "2026-11-09,Retention,Welcome 1,,100,90,30,5,1,0,10,0,0"),
        {},
        id="a-row-in-the-wrong-stage",
    ),
    pytest.param(lambda: csv_bytes(HEADER, *_days(30), *_days(2)), {}, id="duplicated-days"),
]


@pytest.mark.parametrize(("source", "options"), CHECKED_FILES)
def test_a_streamed_check_gives_the_table_the_in_memory_check_gives(
    session, journey_id, monkeypatch, source, options
):
    from dataclasses import asdict

    from journey.measure.imports import importer

    streamed = import_metrics(session, journey_id, source(), dry_run=True, **options)
    with monkeypatch.context() as patch:
        patch.setattr(importer, "_streams", lambda *args: False)
        in_memory = import_metrics(session, journey_id, source(), dry_run=True, **options)
    assert not streamed.written
    assert asdict(streamed) == asdict(in_memory)


def test_a_check_of_a_generic_file_keeps_no_counts_while_it_reads(session, journey_id, monkeypatch):
    from journey.measure.imports import importer

    kept = []
    real = importer._add_entry
    monkeypatch.setattr(
        importer, "_add_entry", lambda *args, **kwargs: kept.append(1) or real(*args, **kwargs)
    )
    before = dump(session)
    result = import_metrics(session, journey_id, csv_bytes(HEADER, *_days(1500)), dry_run=True)
    assert kept == []  # every row went through the streamed first pass, which keeps one int per email-day
    assert result.imported == 1500
    assert (result.new_days, result.updated_days) == (1500, 0)
    assert [(c.email, c.rows, c.new_days) for c in result.check] == [("Welcome 1", 1500, 1500)]
    session.commit()
    assert dump(session) == before
