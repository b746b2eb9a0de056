"""The providers' per-campaign reports: one fixture per layout, hand-computed counts and stage rates.

Each fixture (tests/fixtures/metrics/, sources in tests/fixtures/README.md) is imported into the
Onboarding journey of metrics_import_support; the expected numbers are worked out by hand below each
test from the file's cells. Then the same file again changes nothing, and a copy with one bad number
or without a needed column is refused naming the row and the column, and changes nothing.
"""

from __future__ import annotations

import csv
import io

import pytest
from metrics_import_support import FIXTURES, counts, dump, make_onboarding, row
from sqlalchemy import update

from db.models import Email
from journey.core.errors import ImportRejected
from journey.measure.imports.formats import FORMATS, detect_format, normalize_header
from journey.measure.imports.importer import import_metrics
from journey.measure.metrics import stage_metrics


@pytest.fixture
def journey_id(session):
    journey_id = make_onboarding(session)
    # MailerLite Classic's report names its email by subject only.
    session.execute(update(Email).where(Email.name == "Win-back").values(subject="We miss you – 20% off"))
    session.commit()
    return journey_id


def stage_rates(session, journey_id) -> dict[str, tuple[int, int, float | None, float | None]]:
    """Stage → (sent, delivered, open rate, click rate) for the stages that have metrics."""
    return {
        s.stage: (s.counts.sent, s.counts.delivered, s.rates["open_rate"], s.rates["click_rate"])
        for s in stage_metrics(session, journey_id)
        if not s.counts.is_empty
    }


def header_of(fixture: str) -> list[str]:
    first = (FIXTURES / fixture).read_text(encoding="utf-8").splitlines()[0]
    return [normalize_header(cell) for cell in next(csv.reader([first]))]


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("mailchimp_campaign.csv", "mailchimp_campaign"),
        ("mailchimp_ab.csv", "mailchimp_ab"),  # "Campaign Report": told from MailerLite's when read
        ("mailerlite_classic.csv", "mailchimp_ab"),
        ("klaviyo_new.csv", "klaviyo"),
        ("hubspot.csv", "hubspot"),
        ("campaign_monitor.csv", "campaign_monitor"),
        ("constant_contact.csv", "constant_contact"),
        ("activecampaign.csv", "activecampaign"),
        ("mailerlite.csv", "mailerlite"),
    ],
)
def test_each_report_is_detected_by_its_header(fixture, expected):
    assert detect_format(header_of(fixture)) == expected


# (fixture, format, {(email, variant, day): counts}, {stage: (sent, delivered, open rate, click rate)})
CASES = [
    pytest.param(
        "mailchimp_campaign.csv",
        "mailchimp_campaign",
        # Total Recipients 1,204, Successful Deliveries 1,190, Bounces 14, opened 476, clicked 83
        {("Welcome 2", "", "2026-11-03"): row(1204, 1190, 476, 83, unsub=5, bounces=14, complaints=1)},
        # the report's own 40.0 % = 476 / 1,190 and 7.0 % ≈ 83 / 1,190
        {"Awareness": (1204, 1190, 476 / 1190, 83 / 1190)},
        id="mailchimp-single-campaign",
    ),
    pytest.param(
        "mailchimp_ab.csv",
        "mailchimp_ab",
        # Combination 1 → A, 2 → B; Total Sales $120.00 and $310.50
        {
            ("Case study", "A", "2026-11-04"): row(1000, 992, 298, 41, unsub=2, bounces=8, revenue=120.0),
            ("Case study", "B", "2026-11-04"): row(
                1000, 995, 352, 63, unsub=1, bounces=5, complaints=1, revenue=310.5
            ),
        },
        # (298 + 352) / (992 + 995) and (41 + 63) / 1,987
        {"Consideration": (2000, 1987, 650 / 1987, 104 / 1987)},
        id="mailchimp-ab",
    ),
    pytest.param(
        "mailerlite_classic.csv",
        "mailerlite_classic",
        # matched by subject; delivered = 2,400 sent − 12 hard − 28 soft = 2,360 (its 38.64 % = 912 / 2,360)
        {("Win-back", "", "2026-11-05"): row(2400, 2360, 912, 118, unsub=19, bounces=40, complaints=2)},
        {"Retention": (2400, 2360, 912 / 2360, 118 / 2360)},
        id="mailerlite-classic",
    ),
    pytest.param(
        "klaviyo_new.csv",
        "klaviyo",
        # SMS and push rows skipped; delivered = recipients − bounced; Apple privacy opens taken out of
        # the unique opens (1,188 − 396 = 792; 441 − 147 = 294); Spam Rate × delivered: 0.10 % × 1,980 = 2,
        # 0.14 % × 1,470 = 2.06 → 2
        {
            ("Welcome 1", "", "2026-11-09"): row(
                2000, 1980, 792, 99, machine=396, conv=12, unsub=6, bounces=20, complaints=2, revenue=1440.0
            ),
            ("Win-back", "", "2026-11-10"): row(
                1500, 1470, 294, 44, machine=147, conv=3, unsub=9, bounces=30, complaints=2, revenue=210.5
            ),
        },
        {"Awareness": (2000, 1980, 792 / 1980, 99 / 1980), "Retention": (1500, 1470, 294 / 1470, 44 / 1470)},
        id="klaviyo-newer-header",
    ),
    pytest.param(
        "hubspot.csv",
        "hubspot",
        # bounces = hard + soft (16 + 8, 5 + 3); "Click-through rate" (clicks ÷ opens) not read;
        # "December newsletter" is not in the journey: listed, skipped
        {
            ("Welcome 1", "", "2026-11-02"): row(1500, 1476, 590, 74, unsub=4, bounces=24, complaints=1),
            ("Case study", "", "2026-11-04"): row(800, 792, 238, 40, unsub=2, bounces=8),
        },
        {"Awareness": (1500, 1476, 590 / 1476, 74 / 1476), "Consideration": (800, 792, 238 / 792, 40 / 792)},
        id="hubspot",
    ),
    pytest.param(
        "campaign_monitor.csv",
        "campaign_monitor",
        # delivered = recipients − bounced: 640 − 10, 900 − 18; total opens and clicks not read
        {
            ("Welcome 2", "", "2026-11-03"): row(640, 630, 255, 31, unsub=2, bounces=10),
            ("Win-back", "", "2026-11-06"): row(900, 882, 216, 27, unsub=7, bounces=18, complaints=1),
        },
        {"Awareness": (640, 630, 255 / 630, 31 / 630), "Retention": (900, 882, 216 / 882, 27 / 882)},
        id="campaign-monitor",
    ),
    pytest.param(
        "constant_contact.csv",
        "constant_contact",
        # delivered = sends − bounces: its 42.0 % = 546 / 1,300
        {
            ("Welcome 1", "", "2026-11-02"): row(1320, 1300, 546, 65, unsub=3, bounces=20, complaints=1),
            ("Case study", "", "2026-11-05"): row(600, 594, 208, 30, unsub=1, bounces=6),
        },
        {"Awareness": (1320, 1300, 546 / 1300, 65 / 1300), "Consideration": (600, 594, 208 / 594, 30 / 594)},
        id="constant-contact",
    ),
    pytest.param(
        "activecampaign.csv",
        "activecampaign",
        {
            ("Welcome 2", "", "2026-11-03"): row(410, 405, 162, 24, unsub=1, bounces=5),
            ("Win-back", "", "2026-11-07"): row(1050, 1035, 231, 19, unsub=8, bounces=15),
        },
        {"Awareness": (410, 405, 162 / 405, 24 / 405), "Retention": (1050, 1035, 231 / 1035, 19 / 1035)},
        id="activecampaign",
    ),
    pytest.param(
        "mailerlite.csv",
        "mailerlite",
        # delivered = sent − hard − soft: 700 − 10 (its 43.62 % = 301 / 690), 1,200 − 24
        {
            ("Welcome 1", "", "2026-11-02"): row(700, 690, 301, 41, unsub=2, bounces=10),
            ("Win-back", "", "2026-11-08"): row(1200, 1176, 330, 35, unsub=6, bounces=24, complaints=1),
        },
        {"Awareness": (700, 690, 301 / 690, 41 / 690), "Retention": (1200, 1176, 330 / 1176, 35 / 1176)},
        id="mailerlite-new",
    ),
]


@pytest.mark.parametrize(("fixture", "format", "expected", "stages"), CASES)
def test_report_imports_hand_computed_counts_and_stage_rates(
    session, journey_id, fixture, format, expected, stages
):
    result = import_metrics(session, journey_id, FIXTURES / fixture)
    assert (result.format, result.detected, result.rejected) == (format, True, [])
    assert result.imported == len(expected)
    assert counts(session) == expected
    got = stage_rates(session, journey_id)
    assert got.keys() == stages.keys()
    for stage, (sent, delivered, open_rate, click_rate) in stages.items():
        assert got[stage][:2] == (sent, delivered)
        assert got[stage][2:] == pytest.approx((open_rate, click_rate))


@pytest.mark.parametrize(("fixture", "format", "expected", "stages"), CASES)
def test_reimporting_a_report_changes_nothing(session, journey_id, fixture, format, expected, stages):
    import_metrics(session, journey_id, FIXTURES / fixture)
    session.commit()
    first = dump(session)
    again = import_metrics(session, journey_id, FIXTURES / fixture)
    session.commit()
    assert (again.imported, again.rejected) == (len(expected), [])
    assert [r[:13] for r in dump(session)] == [r[:13] for r in first]  # the same numbers, a new imported_at


def test_the_klaviyo_export_notes_the_sms_and_push_rows_it_skips(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "klaviyo_new.csv")
    assert result.rows_read == 4
    assert result.notes[0] == "Skipped 2 rows that are not email (Send channel: Push: 1, SMS: 1); rows 3, 5."
    assert result.notes[1].startswith("Kept per segment (Audiences list): 2 segments")  # the email rows' only


def test_the_older_klaviyo_header_skips_sms_rows_by_campaign_channel(session, journey_id):
    lines = (FIXTURES / "klaviyo.csv").read_text(encoding="utf-8").splitlines()
    sms = lines[1].replace(",Email,", ",SMS,")
    result = import_metrics(session, journey_id, io.BytesIO("\n".join([lines[0], sms, *lines[2:]]).encode()))
    assert result.notes[0] == "Skipped 1 row that is not email (Campaign Channel: SMS: 1); row 2."
    assert set(counts(session)) == {("Case study", "A", "2026-11-06"), ("Case study", "B", "2026-11-06")}


def test_a_klaviyo_spam_count_wins_over_its_rate(session, journey_id):
    lines = [
        "Campaign name,Message send date time,Total recipients,Total bounced,Unique opens,Unique clicks,"
        "Spam,Spam Rate",
        "Win-back,2026-11-10 10:00:00,1000,0,300,30,3,0.50%",
    ]
    import_metrics(session, journey_id, io.BytesIO("\n".join(lines).encode()))
    assert counts(session)[("Win-back", "", "2026-11-10")]["complaints"] == 3  # not 0.5 % × 1,000 = 5


def test_the_a_side_of_a_mailchimp_title_ab_test_becomes_variant_a(session, journey_id):
    lines = (FIXTURES / "mailchimp.csv").read_text(encoding="utf-8").splitlines()
    b_side = lines[2].replace('"Welcome 2","Your first week"', '"Welcome 2 (B)","Your first week!"')
    b_side = b_side.replace("mc-w2a", "mc-w2x")
    result = import_metrics(session, journey_id, io.BytesIO("\n".join([lines[0], lines[2], b_side]).encode()))
    assert result.rejected == []
    got = counts(session)
    assert got[("Welcome 2", "A", "2026-11-03")] == row(100, 98, 40, 5, bounces=2)
    assert got[("Welcome 2", "B", "2026-11-03")] == row(100, 98, 40, 5, bounces=2)
    assert ("Welcome 2", "", "2026-11-03") not in got


def test_a_plain_title_alone_keeps_no_variant(session, journey_id):
    lines = (FIXTURES / "mailchimp.csv").read_text(encoding="utf-8").splitlines()
    import_metrics(session, journey_id, io.BytesIO("\n".join([lines[0], lines[2]]).encode()))
    assert set(counts(session)) == {("Welcome 2", "", "2026-11-03")}


def _with(fixture: str, old: str, new: str) -> io.BytesIO:
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    return io.BytesIO(text.replace(old, new).encode())


BAD_NUMBER = [
    pytest.param(
        "mailchimp_campaign.csv",
        ('"Recipients Who Opened:","476 (40.0%)"', '"Recipients Who Opened:","four hundred"'),
        12,
        "Recipients Who Opened: “four hundred” is not a number",
        id="mailchimp-single-campaign",
    ),
    pytest.param(
        "mailchimp_ab.csv",
        ('"Successful Deliveries:","995"', '"Successful Deliveries:","99.5"'),
        29,
        "Successful Deliveries: “99.5” is not a whole number",
        id="mailchimp-ab",
    ),
    pytest.param(
        "mailerlite_classic.csv",
        ('"Hard bounce:","12 (0.5%)"', '"Hard bounce:","=12+1"'),
        13,
        "Hard bounce: “=12+1” is a formula",
        id="mailerlite-classic",
    ),
    pytest.param(
        "klaviyo_new.csv", (",441,147,", ",441,abc,"), 4, "Unique Apple privacy opens", id="klaviyo"
    ),
    pytest.param("hubspot.csv", (",238,40,", ",238,-40,"), 3, "clicks is negative", id="hubspot"),
    pytest.param(
        "campaign_monitor.csv", (",900,216,", ",900,2l6,"), 3, "Unique Opened: “2l6” is not a number", id="cm"
    ),
    pytest.param(
        "constant_contact.csv", (",600,6,208,", ",600,6,800,"), 3, "opens (800) are more than", id="cc"
    ),
    pytest.param(
        "activecampaign.csv",
        ("2026-11-07", "2026-11-31"),
        3,
        "Date: “2026-11-31” is not a real date",
        id="ac",
    ),
    pytest.param("mailerlite.csv", (",2,0,4,6", ",2,0,4,x"), 2, "Soft bounces: “x” is not a number", id="ml"),
]


@pytest.mark.parametrize(("fixture", "change", "bad_row", "reason"), BAD_NUMBER)
def test_a_bad_number_is_rejected_with_its_row_and_column_and_nothing_changes(
    session, journey_id, fixture, change, bad_row, reason
):
    import_metrics(session, journey_id, FIXTURES / "generic.csv")  # something to keep intact
    session.commit()
    before = dump(session)
    result = import_metrics(session, journey_id, _with(fixture, *change))
    assert not result.written
    assert [r.row for r in result.rejected] == [bad_row]
    assert reason in result.rejected[0].error
    assert dump(session) == before


MISSING_COLUMN = [
    pytest.param(
        "mailchimp_campaign.csv",
        ('"Recipients Who Clicked:","83 (7.0%)"', '"Clicks:","83"'),
        "“Recipients Who Clicked:”",
        id="mailchimp-single-campaign",
    ),
    pytest.param(
        "mailchimp_ab.csv",
        ('"Successful Deliveries:","995"', '"Deliveries:","995"'),
        "Combination 2 has no “Successful Deliveries:” line",
        id="mailchimp-ab",
    ),
    pytest.param(
        "mailerlite_classic.csv",
        ('"Opened:","912 (38.64%)"', '"Views:","912"'),
        "“Opened:”",
        id="mailerlite-classic",
    ),
    pytest.param("klaviyo_new.csv", ("Unique opens,", "Opens,"), "“unique opens”", id="klaviyo"),
    pytest.param("hubspot.csv", (",Delivered,", ",Delivery,"), "“delivered”", id="hubspot"),
    pytest.param("campaign_monitor.csv", (",Unique Clicked,", ",Clicked,"), "“unique clicked”", id="cm"),
    pytest.param("constant_contact.csv", (",Sends,", ",Sent,"), "“sends”", id="cc"),
    pytest.param("activecampaign.csv", (",Total Sends,", ",Sends,"), "“total sends”", id="ac"),
    pytest.param("mailerlite.csv", (",Unique clicks,", ",Unique click,"), "“unique clicks”", id="ml"),
]


@pytest.mark.parametrize(("fixture", "change", "named"), MISSING_COLUMN)
def test_a_missing_column_is_refused_by_name_and_nothing_changes(session, journey_id, fixture, change, named):
    import_metrics(session, journey_id, FIXTURES / "generic.csv")
    session.commit()
    before = dump(session)
    with pytest.raises(ImportRejected) as refused:
        import_metrics(session, journey_id, _with(fixture, *change), format=detect_format(header_of(fixture)))
    assert named in str(refused.value)
    session.rollback()
    assert dump(session) == before


def test_a_report_of_the_wrong_kind_is_refused_naming_the_format(session, journey_id):
    with pytest.raises(ImportRejected, match="no “Combination 1 Stats” block"):
        import_metrics(session, journey_id, FIXTURES / "mailchimp_campaign.csv", format="mailchimp_ab")


def test_the_format_lists_of_the_cli_and_the_page_are_formats():
    from journey.cli.import_metrics import FORMAT_CHOICES

    assert set(FORMAT_CHOICES) == {"auto", *FORMATS} - {"mapped"}


def test_a_klaviyo_flow_export_reads_its_counts_skips_sms_and_the_lines_above_its_header(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "klaviyo_flow_daily.csv")
    assert (result.format, result.detected, result.rows_read, result.rejected) == (
        "klaviyo_flow",
        True,
        3,
        [],
    )
    assert result.notes == [
        "The header is row 3: the 2 lines above it (a title or a date range) were not read.",
        "Skipped 1 row that is not email (Flow Message Channel: SMS: 1); row 5.",
    ]
    # sent = delivered + bounced; Unique Placed Order, Unsubscribes and Spam counts read as they are
    assert counts(session) == {
        ("Welcome 1", "", "2026-11-02"): row(1000, 980, 441, 49, conv=4, unsub=10, bounces=20, revenue=200.0),
        ("Welcome 2", "", "2026-11-03"): row(
            495, 490, 196, 20, conv=1, bounces=5, complaints=1, revenue=35.5
        ),
    }
    assert stage_rates(session, journey_id) == {
        "Awareness": (1495, 1470, pytest.approx(637 / 1470), pytest.approx(69 / 1470))
    }


def test_a_bad_count_under_a_preamble_is_named_with_its_spreadsheet_row(session, journey_id):
    result = import_metrics(
        session, journey_id, _with("klaviyo_flow_daily.csv", ",490.0,5.0,", ",490.0,five,")
    )
    assert [(r.row, r.error) for r in result.rejected] == [(6, "Bounced: “five” is not a number")]
    assert counts(session) == {}


def test_a_report_that_never_ends_is_refused(session, journey_id, monkeypatch):
    from journey.measure.imports import reports

    monkeypatch.setattr(reports, "MAX_REPORT_LINES", 20)
    with pytest.raises(ImportRejected, match="goes on past row 24"):
        import_metrics(session, journey_id, FIXTURES / "mailchimp_campaign.csv")
