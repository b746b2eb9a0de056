"""Column mappings: guessing from synonyms on real headers, checking, saving per header, importing mapped."""

from __future__ import annotations

import pytest
from metrics_import_support import FIXTURES, SENDGRID, SENDGRID_MAPPING, counts, dump, make_onboarding

from db.models import Setting
from journey.core.errors import ImportRejected, StaleEdit
from journey.measure.imports.formats import MAPPING_FIELDS, read_header
from journey.measure.imports.mappings import (
    FIELD_LABELS,
    check_mapping,
    column_words,
    default_mapping_name,
    find_saved_mapping,
    forget_mapping,
    get_saved_mapping,
    guess_mapping,
    header_key,
    import_mapped,
    list_saved_mappings,
    map_example,
    parse_map_options,
    save_mapping,
)


def test_every_field_has_plain_words_and_an_explanation():
    assert list(FIELD_LABELS) == list(MAPPING_FIELDS)
    assert all(words and explanation for words, explanation in FIELD_LABELS.values())


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(
            read_header(SENDGRID),
            SENDGRID_MAPPING,
            id="sendgrid-marketing-campaigns-stats",
        ),
        pytest.param(
            # SendGrid's v3 stats API fields as a CSV header (snake case)
            [
                "date",
                "requests",
                "delivered",
                "unique_opens",
                "unique_clicks",
                "unsubscribes",
                "spam_reports",
            ],
            {
                "date": "date",
                "sent": "requests",
                "delivered": "delivered",
                "opens": "unique_opens",
                "clicks": "unique_clicks",
                "unsubscribes": "unsubscribes",
                "complaints": "spam_reports",
            },
            id="sendgrid-stats-api-snake-case",
        ),
        pytest.param(
            # Robly: Emails Sent, Successful Deliveries, Bounced (documented); the name and date column ours
            ["Campaign", "Date Sent", "Emails Sent", "Successful Deliveries", "Bounced", "Unique Opens"],
            {
                "date": "Date Sent",
                "email": "Campaign",
                "sent": "Emails Sent",
                "delivered": "Successful Deliveries",
                "bounces": "Bounced",
                "opens": "Unique Opens",
            },
            id="robly-campaign-report",
        ),
        pytest.param(
            # SendX: unique counts win over the totals beside them
            [
                "Newsletter",
                "Date",
                "Sent",
                "Opens",
                "Clicks",
                "Unique Opens",
                "Unique Clicks",
                "Unsubscribes",
                "Bounced",
            ],
            {
                "date": "Date",
                "email": "Newsletter",
                "sent": "Sent",
                "opens": "Unique Opens",
                "clicks": "Unique Clicks",
                "unsubscribes": "Unsubscribes",
                "bounces": "Bounced",
            },
            id="sendx-newsletter-report",
        ),
        pytest.param(
            ["Campaign", "Date", "Queued", "Sent", "Opens", "Clicks", "Unsubs", "Complaints", "Bounces"],
            {
                "date": "Date",
                "email": "Campaign",
                "sent": "Sent",
                "opens": "Opens",
                "clicks": "Clicks",
                "unsubscribes": "Unsubs",
                "complaints": "Complaints",
                "bounces": "Bounces",
            },
            id="mustang-list-campaign-summary",
        ),
        pytest.param(
            # Brevo's campaign statistics fields, camel case as its API writes them
            [
                "campaignName",
                "sentDate",
                "sent",
                "delivered",
                "uniqueViews",
                "uniqueClicks",
                "unsubscriptions",
            ],
            {
                "date": "sentDate",
                "email": "campaignName",
                "sent": "sent",
                "delivered": "delivered",
                "opens": "uniqueViews",
                "clicks": "uniqueClicks",
                "unsubscribes": "unsubscriptions",
            },
            id="brevo-camel-case",
        ),
        pytest.param(
            ["Message", "Sent On", "Delivered", "Total Opens", "Total Clicks", "Open Rate", "Click Rate"],
            {"date": "Sent On", "email": "Message", "delivered": "Delivered"},
            id="totals-and-rates-are-never-guessed",
        ),
    ],
)
def test_guess_mapping_on_real_headers(header, expected):
    guesses = guess_mapping(header)
    assert list(guesses) == list(MAPPING_FIELDS)
    assert {field: column for field, column in guesses.items() if column} == expected


def test_a_name_column_wins_over_the_subject_which_is_the_last_resort():
    assert guess_mapping(["Subject", "Campaign Name", "Day"])["email"] == "Campaign Name"
    assert guess_mapping(["Subject line", "Day"])["email"] == "Subject line"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        pytest.param("Unique_Opens", "unique opens", id="underscores"),
        pytest.param("uniqueOpens", "unique opens", id="camel-case"),
        pytest.param(" \ufeffUnique opens (#) ", "unique opens", id="bom-and-punctuation"),
        pytest.param("Open %", "open %", id="percent-kept"),
    ],
)
def test_column_words(name, words):
    assert column_words(name) == words


def test_parse_map_options_reads_field_equals_column():
    assert parse_map_options(["opens=Unique Opens", " Date = Sent on ", "campaign-id=Id"]) == {
        "opens": "Unique Opens",
        "date": "Sent on",
        "campaign_id": "Id",
    }


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["opens"], "write it as our_field=Their Column", id="no-equals"),
        pytest.param(["opens="], "write it as our_field=Their Column", id="no-column"),
        pytest.param(["opens=A", "opens=B"], "--map names opens twice", id="twice"),
    ],
)
def test_parse_map_options_refuses_malformed_options(options, message):
    with pytest.raises(ImportRejected, match=message):
        parse_map_options(options)


def test_check_mapping_names_the_bad_field_the_missing_column_and_the_needed_fields():
    header = ["Day", "Message", "Opened", "Clicked", "Recipients"]
    with pytest.raises(ImportRejected) as bad_field:
        check_mapping({"openz": "Opened"}, header)
    assert "“openz” is not one of our fields" in str(bad_field.value)
    assert "Unique opens (opens)" in str(bad_field.value)
    with pytest.raises(ImportRejected) as bad_column:
        check_mapping({"opens": "Opens"}, header)
    assert str(bad_column.value) == (
        "The file has no column “Opens” (mapped to Unique opens (opens)). "
        "Its columns: “Day”, “Message”, “Opened”, “Clicked”, “Recipients”."
    )
    with pytest.raises(ImportRejected) as missing:
        check_mapping({"date": "Day", "email": "Message", "opens": "Opened"}, header)
    assert str(missing.value) == (
        "Choose the column that holds Unique clicks (clicks), Sent (sent) or Delivered (delivered): "
        "they are needed to import."
    )
    # any case and spacing names the column; the file's own spelling is kept; empty choices are dropped
    assert check_mapping(
        {
            "date": "day",
            "email": "MESSAGE",
            "opens": "Opened",
            "clicks": "Clicked",
            "sent": "Recipients",
            "bounces": "",
        },
        header,
    ) == {"date": "Day", "email": "Message", "opens": "Opened", "clicks": "Clicked", "sent": "Recipients"}


def test_map_example_is_built_from_the_files_header():
    assert map_example(["Day", "Message", "Recipients", "Opened", "Weird"]) == (
        '--map date="Day" --map email="Message" --map sent="Recipients" --map opens="Opened" --map clicks="…"'
    )


def test_default_mapping_name_comes_from_the_file_name():
    assert default_mapping_name("weekly_esp  export.csv") == "weekly esp export"
    assert default_mapping_name(".csv") == ".csv"
    assert default_mapping_name("") == "My export"


# --- saved mappings ---------------------------------------------------------------------


def test_a_saved_mapping_is_found_again_by_the_normalised_header(session):
    header = read_header(SENDGRID)
    saved = save_mapping(session, header, "  SendGrid   stats ", SENDGRID_MAPPING)
    session.commit()
    assert (saved.name, saved.version, saved.columns) == ("SendGrid stats", 1, SENDGRID_MAPPING)
    # next week's file: other case, underscores, a trailing empty column
    again = [c.upper().replace(" ", "_") for c in header] + [""]
    assert header_key(again) == saved.key
    assert find_saved_mapping(session, again).name == "SendGrid stats"
    assert find_saved_mapping(session, header[:-1]) is None  # a column less: another header
    assert get_saved_mapping(session, "sendgrid STATS").key == saved.key
    assert [m.name for m in list_saved_mappings(session)] == ["SendGrid stats"]


def test_saving_again_replaces_the_headers_mapping_and_checks_the_version(session):
    header = read_header(SENDGRID)
    first = save_mapping(session, header, "SendGrid stats", SENDGRID_MAPPING)
    session.commit()
    second = save_mapping(
        session, header, "SendGrid weekly", {**SENDGRID_MAPPING, "bounces": ""}, expected_version=1
    )
    session.commit()
    assert (second.key, second.name, second.version) == (first.key, "SendGrid weekly", 2)
    assert "bounces" not in second.columns
    with pytest.raises(StaleEdit, match="A teammate changed this mapping"):
        save_mapping(session, header, "SendGrid old", SENDGRID_MAPPING, expected_version=1)
    assert [m.name for m in list_saved_mappings(session)] == ["SendGrid weekly"]


def test_a_mapping_name_is_unique_in_the_workspace_and_unknown_names_list_the_saved_ones(session):
    save_mapping(session, read_header(SENDGRID), "Weekly export", SENDGRID_MAPPING)
    other = ["Day", "Message", "Opened", "Clicked", "Recipients"]
    mapping = {
        "date": "Day",
        "email": "Message",
        "opens": "Opened",
        "clicks": "Clicked",
        "sent": "Recipients",
    }
    with pytest.raises(
        ImportRejected, match="Another file's mapping is already called “Weekly export”"
    ) as taken:
        save_mapping(session, other, "weekly EXPORT", mapping)
    assert taken.value.field == "mapping_name"
    with pytest.raises(ImportRejected, match="Give the mapping a name"):
        save_mapping(session, other, "  ", mapping)
    save_mapping(session, other, "Monthly", mapping)
    with pytest.raises(ImportRejected) as unknown:
        get_saved_mapping(session, "Daily")
    assert (
        str(unknown.value)
        == "No saved mapping is called “Daily”. Saved mappings: “Monthly”, “Weekly export”."
    )


def test_forget_mapping_deletes_it_and_nothing_else(session):
    saved = save_mapping(session, read_header(SENDGRID), "Weekly export", SENDGRID_MAPPING)
    session.add(Setting(key="alert_thresholds", value={}))
    session.commit()
    forget_mapping(session, saved.key)
    forget_mapping(session, saved.key)  # already gone: nothing happens
    session.commit()
    assert list_saved_mappings(session) == []
    assert session.get(Setting, "alert_thresholds") is not None
    with pytest.raises(ImportRejected, match="not a saved mapping"):
        forget_mapping(session, "alert_thresholds")


# --- mapped imports -----------------------------------------------------------------------


@pytest.fixture
def journey_id(session):
    return make_onboarding(session)


def test_import_mapped_writes_hand_computed_counts_and_saves_the_mapping(session, journey_id):
    result = import_mapped(session, journey_id, SENDGRID, mapping=SENDGRID_MAPPING, save_as="SendGrid stats")
    session.commit()
    assert (result.format, result.imported, result.written, result.mapping_name) == (
        "mapped",
        2,
        True,
        "SendGrid stats",
    )
    assert [u.name for u in result.unmatched] == ["Spring sale"]
    got = counts(session)
    assert got[("Welcome 1", "", "2026-11-09")] == {
        "sent": 1000,
        "delivered": 980,
        "opens": 400,
        "machine_opens": 0,
        "clicks": 50,
        "conversions": 0,
        "unsubscribes": 3,
        "bounces": 20,
        "complaints": 1,
        "revenue": 0.0,
    }
    assert got[("Welcome 2", "", "2026-11-10")]["opens"] == 200
    assert find_saved_mapping(session, read_header(SENDGRID)).columns == SENDGRID_MAPPING
    # re-importing the same file changes nothing
    before = [row[:13] for row in dump(session)]
    import_mapped(session, journey_id, SENDGRID, mapping=SENDGRID_MAPPING)
    session.commit()
    assert [row[:13] for row in dump(session)] == before


def test_a_dry_run_or_a_rejected_file_saves_no_mapping(session, journey_id, tmp_path):
    import_mapped(
        session, journey_id, SENDGRID, mapping=SENDGRID_MAPPING, save_as="SendGrid stats", dry_run=True
    )
    session.commit()
    assert list_saved_mappings(session) == []
    bad = tmp_path / "bad.csv"
    lines = SENDGRID.read_text().splitlines()
    lines[2] = lines[2].replace(",490,", ",590,")  # delivered over sent
    bad.write_text("\n".join(lines) + "\n")
    result = import_mapped(session, journey_id, bad, mapping=SENDGRID_MAPPING, save_as="SendGrid stats")
    session.commit()
    assert result.rejected[0].row == 3
    assert "delivered (590) is more than sent (500)" in result.rejected[0].error
    assert (list_saved_mappings(session), dump(session)) == ([], [])


def test_a_taken_name_refuses_the_import_before_anything_is_written(session, journey_id):
    save_mapping(
        session,
        ["Day", "Message", "Opened", "Clicked", "Sent"],
        "SendGrid stats",
        {"date": "Day", "email": "Message", "opens": "Opened", "clicks": "Clicked", "sent": "Sent"},
    )
    session.commit()
    with pytest.raises(ImportRejected, match="already called “SendGrid stats”"):
        import_mapped(session, journey_id, SENDGRID, mapping=SENDGRID_MAPPING, save_as="SendGrid stats")
    session.rollback()
    assert dump(session) == []


def test_sent_or_delivered_is_enough_the_other_is_derived_from_bounces(session, journey_id):
    sendicate = FIXTURES / "sendicate_messages.csv"
    guessed = {f: c for f, c in guess_mapping(read_header(sendicate)).items() if c}
    assert "sent" not in guessed
    import_mapped(session, journey_id, sendicate, mapping=guessed)
    got = counts(session)
    # sent = delivered + bounced: 1180 + 20, 297 + 3
    assert (got[("Welcome 1", "", "2026-11-16")]["sent"], got[("Case study", "", "2026-11-17")]["sent"]) == (
        1200,
        300,
    )
    assert got[("Welcome 1", "", "2026-11-16")]["complaints"] == 1
    no_delivered = {k: v for k, v in SENDGRID_MAPPING.items() if k != "delivered"}
    import_mapped(session, journey_id, SENDGRID, mapping=no_delivered)
    # delivered = requests − bounces: 1000 − 20
    assert counts(session)[("Welcome 1", "", "2026-11-09")]["delivered"] == 980
