"""Each export format, from a fixture shaped like the real export, against hand-computed counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from metrics_import_support import FIXTURES, counts, make_onboarding, row

from journey.measure.imports.formats import (
    CellError,
    detect_format,
    normalize_header,
    parse_count,
    parse_day,
    parse_decimal,
    parse_event_day,
    parse_rate,
    sniff_delimiter,
)
from journey.measure.imports.importer import import_metrics

# --- cells ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        pytest.param("1751", False, 1751, id="plain"),
        pytest.param("1,751", False, 1751, id="thousands-comma"),
        pytest.param("1,234,567", False, 1234567, id="millions"),
        pytest.param("64517.0", False, 64517, id="klaviyo-float"),
        pytest.param("1.751", True, 1751, id="thousands-dot-in-semicolon-file"),
        pytest.param("64517,0", True, 64517, id="decimal-comma-float"),
        pytest.param("1 751", False, 1751, id="thousands-space"),
        pytest.param("n/a", False, 0, id="n/a"),
        pytest.param("", False, 0, id="empty"),
        pytest.param("'42", False, 42, id="excel-escaped"),
    ],
)
def test_parse_count_reads_what_exports_write(text, decimal_comma, expected):
    assert parse_count(text, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("abc", id="text"),
        pytest.param("12.5", id="fraction"),
        pytest.param("=SUM(A1:A3)", id="formula"),
        pytest.param("@cmd", id="at-formula"),
        pytest.param("inf", id="infinity"),
        pytest.param("1,75", id="comma-decimal-in-comma-file"),
    ],
)
def test_parse_count_refuses_what_is_not_a_count(text):
    with pytest.raises(CellError):
        parse_count(text)


def test_parse_decimal_handles_both_decimal_marks():
    assert parse_decimal("1,250.50") == 1250.5
    assert parse_decimal("1.250,50", decimal_comma=True) == 1250.5
    assert parse_decimal("99,9", decimal_comma=True) == 99.9
    assert parse_decimal("€1,250.50") == 1250.5


def test_parse_rate_reads_percent_text_and_fractions():
    assert parse_rate("27.78%") == pytest.approx(0.2778)
    assert parse_rate("0.708") == pytest.approx(0.708)
    with pytest.raises(CellError):
        parse_rate("70.8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-11-02", date(2026, 11, 2), id="iso"),
        pytest.param("2026-11-02 10:00:00", date(2026, 11, 2), id="iso-time"),
        pytest.param("2026-11-02T10:00:00Z", date(2026, 11, 2), id="iso-t"),
        pytest.param("Jun 09, 2018 09:30 pm", date(2018, 6, 9), id="mailchimp"),
        pytest.param("Jun 9, 2018 9:30 PM", date(2018, 6, 9), id="mailchimp-short"),
    ],
)
def test_parse_day(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "Feb 30, 2026", "tomorrow", "", "30/02/2026"])
def test_parse_day_refuses_impossible_or_unknown_dates(text):
    with pytest.raises(CellError):
        parse_day(text)


def test_parse_event_day_reads_unix_seconds_milliseconds_and_iso():
    nov2 = date(2026, 11, 2).toordinal()
    assert parse_event_day("1793610000") == nov2
    assert parse_event_day("1793610000123") == nov2
    assert parse_event_day("1793610000.5") == nov2
    assert parse_event_day("2026-11-02T23:59:59Z") == nov2
    assert parse_event_day("2026-11-03T00:30:00+02:00") == nov2  # 22:30 UTC the day before
    with pytest.raises(CellError):
        parse_event_day("yesterday")


def test_header_names_and_delimiters():
    assert normalize_header("\ufeffSend_Date ") == "send date"
    assert sniff_delimiter('date;stage;"a,b";email') == ";"
    assert sniff_delimiter("date,stage,email") == ","
    assert sniff_delimiter("date\tstage\temail") == "\t"
    assert sniff_delimiter("email") == ","


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        pytest.param("Date;Open rate (%, unique);Clicks", ";", id="comma-in-a-semicolon-header"),
        pytest.param(
            "Datum;Kampagne;Öffnungsrate (%, eindeutig)\n2026-11-09;Welcome;27,5\n2026-11-10;Welcome;28,5",
            ";",
            id="one-comma-on-every-line-of-a-semicolon-file",
        ),
        pytest.param("date;stage;revenue\n2026-11-09;A;1,5\n2026-11-10;A;2", ";", id="decimal-commas"),
        pytest.param(
            "Date\tCampaign\tOpens\n2026-11-09\tWelcome, part 1\t30", "\t", id="comma-in-a-tab-file"
        ),
        pytest.param('"Campaign, title",Sent,Opens\n"Welcome; part 1",100,30', ",", id="quoted-delimiters"),
    ],
)
def test_the_delimiter_is_the_one_consistent_on_every_line(sample, expected):
    assert sniff_delimiter(sample) == expected


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("generic.csv", "generic"),
        ("mailchimp.csv", "mailchimp"),
        ("mailchimp_underscores.csv", "mailchimp"),
        ("klaviyo.csv", "klaviyo"),
        ("klaviyo_flow.csv", "klaviyo_flow"),
        ("events_sendgrid.csv", "events"),
        ("events_mailgun.csv", "events"),
        ("events_postmark.csv", "events"),
    ],
)
def test_detect_format_from_the_header(fixture, expected):
    header = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()[0]
    import csv

    names = [normalize_header(n) for n in next(csv.reader([header]))]
    assert detect_format(names) == expected


# --- whole files ----------------------------------------------------------------------


@pytest.fixture
def journey_id(session):
    return make_onboarding(session)


def test_generic_file_imports_hand_computed_counts(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "generic.csv")
    assert (result.format, result.detected, result.rows_read, result.imported) == ("generic", True, 5, 5)
    assert result.rejected == []
    assert result.unmatched == []
    assert counts(session) == {
        ("Welcome 1", "", "2026-11-02"): row(
            1200, 1180, 472, 59, conv=12, unsub=3, bounces=20, complaints=1, revenue=480.0
        ),
        ("Case study", "A", "2026-11-02"): row(500, 495, 150, 25, conv=5, unsub=1, bounces=5),
        ("Case study", "B", "2026-11-02"): row(500, 490, 170, 30, conv=6, unsub=2, bounces=10),
        ("Welcome 1", "", "2026-11-03"): row(
            1000, 990, 400, 50, conv=10, unsub=2, bounces=10, revenue=1250.5
        ),
        ("Win-back", "", "2026-11-03"): row(
            300, 297, 60, 9, conv=2, unsub=4, bounces=3, complaints=1, revenue=99.9
        ),
    }
    assert (result.first_day, result.last_day) == (date(2026, 11, 2), date(2026, 11, 3))


def test_semicolon_file_with_decimal_commas_and_crlf(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "generic_semicolon_decimal_comma.csv")
    assert (result.delimiter, result.imported) == (";", 3)
    got = counts(session)
    assert got[("Welcome 1", "", "2026-11-02")] == row(
        1200, 1180, 472, 59, conv=12, unsub=3, bounces=20, complaints=1, revenue=480.0
    )
    assert got[("Welcome 1", "", "2026-11-03")]["revenue"] == 1250.5
    assert got[("Win-back", "", "2026-11-03")]["revenue"] == 99.9


def test_mailchimp_without_total_bounces_adds_soft_and_hard_and_skips_blank_rows(session, journey_id):
    lines = [
        "Title,Send Date,Total Recipients,Successful Deliveries,Soft Bounces,Hard Bounces,Unique Opens,Unique Clicks",
        '"Welcome 2","Nov 03, 2026 09:00 am",100,97,2,1,40,5',
        "",
        ",,,,,,,",
    ]
    result = import_metrics(session, journey_id, io.BytesIO("\r\n".join(lines).encode()))
    assert (result.format, result.rows_read, result.imported, result.rejected) == ("mailchimp", 1, 1, [])
    assert counts(session)[("Welcome 2", "", "2026-11-03")] == row(100, 97, 40, 5, bounces=3)


def test_mailchimp_report_maps_ids_ab_titles_and_sums_two_sends_on_one_day(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp.csv")
    assert (result.format, result.rows_read, result.imported) == ("mailchimp", 6, 4)
    assert [(u.name, u.campaign_id, u.rows, u.sent, u.delivered) for u in result.unmatched] == [
        ("Black Friday teaser", "mc-bf", 1, 2000, 1980)
    ]
    assert counts(session) == {
        # matched by Unique Id although the title differs; "Bounce Rate" (web analytics) ignored
        ("Welcome 1", "", "2026-11-02"): row(1751, 1740, 523, 61, unsub=4, bounces=11, complaints=1),
        # two campaigns on one day (send + resend): summed
        ("Welcome 2", "", "2026-11-03"): row(150, 148, 50, 7, bounces=2),
        # "Case study (A)" / "(B)": the email plus a variant suffix
        ("Case study", "A", "2026-11-04"): row(400, 396, 120, 14, conv=3, unsub=1, bounces=4, revenue=150.0),
        ("Case study", "B", "2026-11-04"): row(400, 398, 140, 22, conv=5, bounces=2, revenue=260.5),
    }


def test_mailchimp_header_with_underscores(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "mailchimp_underscores.csv")
    assert result.format == "mailchimp"
    # REFERENCE §2: 27.78 % = 30 / 108
    assert counts(session) == {("Win-back", "", "2026-06-09"): row(108, 108, 30, 3, unsub=1)}


def test_klaviyo_campaign_export_with_floats_and_variants(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "klaviyo.csv")
    assert (result.format, result.imported) == ("klaviyo", 3)
    assert counts(session) == {
        ("Win-back", "", "2026-11-05"): row(
            64517, 64386, 45587, 3210, conv=1100, unsub=120, bounces=131, complaints=12, revenue=54321.5
        ),
        ("Case study", "A", "2026-11-06"): row(
            1000, 990, 400, 50, conv=10, unsub=2, bounces=10, revenue=500.0
        ),
        ("Case study", "B", "2026-11-06"): row(
            1000, 995, 430, 65, conv=14, unsub=1, bounces=5, revenue=700.0
        ),
    }


def test_klaviyo_flow_export_derives_counts_from_rates(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "klaviyo_flow.csv")
    assert (result.format, result.imported) == ("klaviyo_flow", 2)
    assert counts(session) == {
        # bounce rate 2 % of recipients: 20 bounced, 1,000 sent; unsub 1.02 % of 980 delivered = 10
        ("Welcome 1", "", "2026-11-02"): row(1000, 980, 441, 49, conv=4, unsub=10, bounces=20, revenue=200.0),
        # complaint rate 0.204 % of 490 = 1
        ("Welcome 2", "", "2026-11-03"): row(490, 490, 196, 20, conv=1, complaints=1, revenue=35.5),
    }


def test_sendgrid_events_become_unique_counts_with_machine_opens_apart(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "events_sendgrid.csv")
    assert (result.format, result.rows_read, result.imported) == ("events", 27, 2)
    assert [(u.name, u.rows, u.sent) for u in result.unmatched] == [("Newsletter Nov", 1, 1)]
    assert counts(session) == {
        # a opened twice (once as A@Example.com) and clicked twice: once each; b's only open was a
        # machine open; c had both: a human open. Late events count on the send day (Nov 2).
        ("Welcome 1", "", "2026-11-02"): row(5, 4, 2, 1, machine=1, unsub=1, bounces=1, complaints=1),
        ("Welcome 2", "", "2026-11-03"): row(2, 2, 1, 1),
    }


def test_explicit_format_overrides_detection(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "generic.csv", format="generic")
    assert (result.format, result.detected) == ("generic", False)
