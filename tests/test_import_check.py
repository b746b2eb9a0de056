"""The dry run's check: per email and variant of the file, the journey's email it matches, new and updated
days, rows skipped with the reason; the summary line; the journey that fits a file best."""

from __future__ import annotations

import pytest
from metrics_import_support import FIXTURES, dump, make_onboarding
from support import make_journey

from journey.measure.imports.importer import CheckRow, import_metrics
from journey.measure.imports.preview import JourneyFit, check_summary, check_table, rank_journeys

MAILCHIMP = FIXTURES / "mailchimp.csv"
GENERIC = FIXTURES / "generic.csv"


@pytest.fixture
def journey_id(session):
    """Onboarding with the generic fixture imported: Welcome 1 on 11-02 and 11-03, Case study A and B on
    11-02, Win-back on 11-03."""
    journey_id = make_onboarding(session)
    import_metrics(session, journey_id, GENERIC)
    session.commit()
    return journey_id


def test_the_check_lists_each_email_and_variant_with_new_and_updated_days(session, journey_id):
    before = dump(session)
    result = import_metrics(session, journey_id, MAILCHIMP, dry_run=True)
    assert dump(session) == before  # a dry run writes nothing
    assert result.check == [
        # Welcome 1 already has 2026-11-02 (from the generic file): replaced, not added
        CheckRow("Welcome email #1 (Nov)", "mc-a1b2c3", "", 2, 1, "Welcome 1", "Awareness", "", 0, 1),
        # two campaigns of Welcome 2 on one day: each row's day is new (they are summed into one)
        CheckRow("Welcome 2", "mc-w2a", "", 3, 1, "Welcome 2", "Awareness", "", 1, 0),
        CheckRow("Welcome 2", "mc-w2b", "", 4, 1, "Welcome 2", "Awareness", "", 1, 0),
        CheckRow(
            "Case study (A)",
            "mc-cs-a",
            "",
            5,
            1,
            "Case study",
            "Consideration",
            "A",
            1,
            0,
            pair="A/B test: “Case study (A)” is variant A of “Case study”, beside “Case study (B)”",
        ),
        CheckRow(
            "Case study (B)",
            "mc-cs-b",
            "",
            6,
            1,
            "Case study",
            "Consideration",
            "B",
            1,
            0,
            pair="A/B test: “Case study (B)” is variant B of “Case study”, beside “Case study (A)”",
        ),
        CheckRow(
            "Black Friday teaser",
            "mc-bf",
            "",
            7,
            1,
            skipped="no email named “Black Friday teaser” in this journey",
        ),
    ]
    # metric rows: Welcome 1 11-02 (updated); Welcome 2 11-03, Case study A and B 11-04 (new)
    assert (result.new_days, result.updated_days, result.skipped_rows, result.imported) == (3, 1, 1, 4)
    assert check_summary(result, "Onboarding") == (
        "6 rows → 3 emails in “Onboarding”: 3 new days, 1 updated, 1 row skipped"
    )


def test_the_check_table_says_what_each_row_group_becomes(session, journey_id):
    result = import_metrics(session, journey_id, GENERIC, dry_run=True)
    assert check_table(result) == [
        {
            "Rows": "2 (+1)",
            "In the file": "Welcome 1",
            "Email in the journey": "Welcome 1 (Awareness)",
            "New days": 0,
            "Updated days": 2,
            "Skipped": "",
        },
        {
            "Rows": "3",
            "In the file": "Case study / A",
            "Email in the journey": "Case study / A (Consideration)",
            "New days": 0,
            "Updated days": 1,
            "Skipped": "",
        },
        {
            "Rows": "4",
            "In the file": "Case study / B",
            "Email in the journey": "Case study / B (Consideration)",
            "New days": 0,
            "Updated days": 1,
            "Skipped": "",
        },
        {
            "Rows": "6",
            "In the file": "win-back",
            "Email in the journey": "Win-back (Retention)",
            "New days": 0,
            "Updated days": 1,
            "Skipped": "",
        },
    ]
    assert check_summary(result, "Onboarding") == "5 rows → 3 emails in “Onboarding”: 0 new days, 5 updated"


def test_a_near_miss_name_is_skipped_with_a_suggestion_and_a_campaign_id_with_its_reason(
    session, journey_id, tmp_path
):
    data = tmp_path / "near.csv"
    data.write_text(
        "date,stage,email,campaign_id,sent,delivered,opens,clicks,conversions,unsubscribes\n"
        "2026-11-09,Awareness,Welcom 2,,100,90,30,5,1,0\n"
        "2026-11-10,Awareness,Welcom 2,,100,90,30,5,1,0\n"
        "2026-11-09,Retention,,mc-zzz,100,90,30,5,1,0\n"
    )
    result = import_metrics(session, journey_id, data, dry_run=True)
    assert result.rejected == []
    assert [(c.first_row, c.rows, c.skipped) for c in result.check] == [
        (2, 2, "no email named “Welcom 2” in this journey: did you mean “Welcome 2”?"),
        (4, 1, "no email of this journey has the ESP campaign id “mc-zzz”"),
    ]
    assert check_summary(result, "Onboarding") == (
        "3 rows → 0 emails in “Onboarding”: 0 new days, 0 updated, 3 rows skipped"
    )


def test_emails_to_create_are_new_days_not_skipped(session, journey_id):
    result = import_metrics(session, journey_id, MAILCHIMP, dry_run=True, create_missing_stage="Retention")
    teaser = result.check[-1]
    assert (teaser.email, teaser.stage, teaser.created, teaser.new_days, teaser.skipped) == (
        "Black Friday teaser",
        "Retention",
        True,
        1,
        "",
    )
    assert check_table(result)[-1]["Email in the journey"] == "new email: Black Friday teaser (Retention)"
    assert check_summary(result, "Onboarding") == (
        "6 rows → 4 emails in “Onboarding”: 4 new days, 1 updated (1 email to create)"
    )


def test_events_are_counted_per_email_with_their_rows(session, journey_id):
    result = import_metrics(session, journey_id, FIXTURES / "events_sendgrid.csv", dry_run=True)
    assert result.check
    assert sum(c.rows for c in result.check) == result.rows_read - _ignored_events(
        FIXTURES / "events_sendgrid.csv"
    )
    assert result.new_days + result.updated_days == result.imported


def _ignored_events(path) -> int:
    """Rows of events the importer ignores (deferred, group_resubscribe…): in no email's rows."""
    from journey.measure.imports.formats import IGNORED_EVENTS

    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    event = header.index("event")
    return sum(line.split(",")[event] in IGNORED_EVENTS for line in lines[1:] if line)


def test_a_rejected_file_or_a_real_import_has_no_check(session, journey_id, tmp_path):
    bad = tmp_path / "bad.csv"
    lines = GENERIC.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",170,", ",-170,")
    bad.write_text("\n".join(lines) + "\n")
    assert import_metrics(session, journey_id, bad, dry_run=True).check == []
    assert import_metrics(session, journey_id, GENERIC).check == []


def test_rank_journeys_puts_the_journey_with_the_files_emails_first(session, journey_id):
    make_journey(session, "Alpha", stages={"Decision": ["Black Friday teaser"]})
    alpha = make_journey(session, "Empty")
    session.commit()
    result = import_metrics(session, alpha.id, MAILCHIMP, dry_run=True)  # checked against the wrong journey
    assert all(c.skipped for c in result.check)
    # six (campaign id, name) pairs in the file; Onboarding matches five (by id, name or "(B)" suffix)
    assert rank_journeys(session, result) == [
        JourneyFit(journey_id, "Onboarding", 5, 6),
        JourneyFit(rank_journeys(session, result)[1].journey_id, "Alpha", 1, 6),
        JourneyFit(alpha.id, "Empty", 0, 6),
    ]
    assert JourneyFit(journey_id, "Onboarding", 5, 6).caption(picked=True) == (
        "Picked “Onboarding”: 5 of 6 email names in the file match."
    )
