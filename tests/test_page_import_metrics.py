"""The Import metrics page: upload, check (dry run), mapping, rejected rows, create missing, commit."""

from __future__ import annotations

import pytest
from conftest import ROOT
from metrics_import_support import FIXTURES, counts, dump, make_onboarding
from streamlit.testing.v1 import AppTest
from support import in_db, make_journey, texts

from ui.navigation import page_path

PAGE = str(ROOT / page_path("import_metrics"))


@pytest.fixture
def page(app_db):
    with in_db(app_db) as session:
        make_onboarding(session)
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="import_file").set_value((name, content, "text/csv"))
    return at.run()


def db_counts(url):
    with in_db(url) as session:
        return counts(session)


def test_page_asks_for_a_file_first(page):
    assert "Choose a CSV file" in texts(page)
    with pytest.raises(KeyError):
        page.button(key="import_commit")


def test_check_then_commit_imports_and_says_where_to_look(page, app_db):
    at = upload(page, "mailchimp.csv", (FIXTURES / "mailchimp.csv").read_bytes())
    assert not at.exception
    shown = texts(at)
    assert "Mailchimp all-campaigns report (detected from the header)" in shown
    assert "These emails are not in the journey" in shown
    assert [m.value for m in at.metric] == ["6", "4", "0", "1"]
    assert db_counts(app_db) == {}  # the check writes nothing
    at.selectbox(key="import_create_stage").set_value("Retention")
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    assert (
        "Imported 5 rows (Mailchimp all-campaigns report) from 2026-11-02 to 2026-11-05"
        in at.success[0].value
    )
    assert "Black Friday teaser" in at.success[0].value
    assert "Weekly review" in at.success[0].value
    got = db_counts(app_db)
    assert got[("Welcome 2", "", "2026-11-03")]["sent"] == 150
    assert got[("Black Friday teaser", "", "2026-11-05")]["sent"] == 2000


def test_rejected_rows_are_listed_and_there_is_no_commit(page, app_db):
    lines = (FIXTURES / "generic.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("2026-11-02", "2026-02-30")
    at = upload(page, "bad.csv", ("\n".join(lines) + "\n").encode("utf-16"))
    assert not at.exception
    assert "nothing will be imported" in at.error[0].value
    table = at.dataframe[0].value
    assert list(table["Row"]) == [3]
    assert "not a real date" in table["Reason"][0]
    with pytest.raises(KeyError):
        at.button(key="import_commit")
    assert db_counts(app_db) == {}


def test_a_file_rejected_as_a_whole_shows_the_error_and_keeps_the_file(page):
    at = upload(page, "empty.csv", b"")
    assert not at.exception
    assert "The file is empty" in at.error[0].value
    kept = at.file_uploader(key="import_file").value
    assert (kept.name, kept.getvalue()) == ("empty.csv", b"")
    at = at.run()
    assert "The file is empty" in at.error[0].value


def test_events_the_importer_does_not_count_are_listed_in_the_check_and_the_file_imports(page, app_db):
    lines = ["email,timestamp,event,category"]
    lines += [f"r{i}@example.com,1793610000,processed,Welcome 2" for i in range(3)]
    lines += [f"r{i}@example.com,1793610060,delivered,Welcome 2" for i in range(3)]
    lines += [f"r{i % 3}@example.com,1793610100,deferred,Welcome 2" for i in range(27)]
    lines += ["r0@example.com,1793610200,account_status_change,Welcome 2"]
    at = upload(page, "events.csv", ("\n".join(lines) + "\n").encode())
    assert not at.exception
    assert not at.error
    shown = at.info[0].value
    assert "- 27 rows of event “deferred” ignored" in shown
    assert "- 1 row of event “account_status_change” ignored (an event we do not know)" in shown
    assert [m.value for m in at.metric] == ["34", "1", "0", "0"]  # rows read, to import, rejected, unmatched
    assert "Per-recipient events (SendGrid, Mailgun, Postmark, Brevo) (detected from the header)" in texts(at)
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    assert "Imported 1 row" in at.success[0].value
    assert db_counts(app_db)[("Welcome 2", "", "2026-11-02")]["delivered"] == 3


def test_a_providers_event_export_is_named_in_the_check(page):
    at = upload(page, "activity.csv", (FIXTURES / "events_sendgrid_activity.csv").read_bytes())
    assert not at.exception
    assert (
        "Per-recipient events (SendGrid, Mailgun, Postmark, Brevo): SendGrid Email Activity CSV "
        "(detected from the header)" in texts(at)
    )
    assert "1 row of event “group resubscribe” ignored" in at.info[0].value


UNKNOWN = "Day;Message;Recipients;Delivered;Opened;Clicked\n2026-11-09;Welcome 2;1.000;980;400;50\n"


def use_mapping(at: AppTest) -> AppTest:
    return [b for b in at.button if b.label == "Use this mapping"][0].click().run()


def test_unknown_header_gets_a_mapping_form_guessed_from_synonyms_and_saved_with_the_import(page, app_db):
    at = upload(page, "weekly_esp_export.csv", UNKNOWN.encode())
    assert not at.exception
    # while the mapping step is open the "header not recognised" error is not shown: the form says what to do
    assert not at.error
    assert "Map the columns below." in texts(at)
    assert [at.selectbox(key=f"import_map_{f}").value for f in ("date", "email", "sent", "delivered")] == [
        "Day",
        "Message",
        "Recipients",
        "Delivered",
    ]
    assert (at.selectbox(key="import_map_opens").value, at.selectbox(key="import_map_clicks").value) == (
        "Opened",
        "Clicked",
    )
    assert at.selectbox(key="import_map_opens").label == "Unique opens *"
    assert "people who opened it at least once (not total opens)" in texts(at)
    assert at.text_input(key="import_map_name").value == "weekly esp export"
    at.text_input(key="import_map_name").set_value("Weekly ESP export")
    at = use_mapping(at)
    assert not at.exception
    assert "Mapped columns" in texts(at)
    assert "1 row → 1 email in “Onboarding”: 1 new day, 0 updated" in texts(at)
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    assert "Saved the column mapping as “Weekly ESP export”." in at.success[0].value
    assert db_counts(app_db)[("Welcome 2", "", "2026-11-09")]["sent"] == 1000


def test_a_mapping_missing_a_needed_field_says_which(page, app_db):
    at = upload(page, "export.csv", UNKNOWN.encode())
    at.selectbox(key="import_map_clicks").set_value("—")
    at = use_mapping(at)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Choose the column that holds Unique clicks (clicks): it is needed to import."
    ]
    with pytest.raises(KeyError):
        at.button(key="import_commit")
    assert db_counts(app_db) == {}


def test_the_next_file_with_that_header_imports_with_the_saved_mapping_until_it_is_forgotten(page, app_db):
    at = upload(page, "week1.csv", UNKNOWN.encode())
    at = use_mapping(at)
    at = at.button(key="import_commit").click().run()
    week2 = "day;MESSAGE;recipients;delivered;opened;clicked\n2026-11-16;Welcome 2;500;490;200;20\n"
    at = upload(at, "week2.csv", week2.encode())
    assert not at.exception
    assert "Using saved mapping “week1”" in texts(at)
    with pytest.raises(KeyError):
        at.selectbox(key="import_map_date")  # no mapping step
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    assert "Saved the column mapping" not in at.success[0].value
    assert db_counts(app_db)[("Welcome 2", "", "2026-11-16")]["opens"] == 200
    at = upload(at, "week3.csv", week2.replace("2026-11-16", "2026-11-23").encode())
    at = at.button(key="import_mapping_edit").click().run()
    assert not at.exception
    assert at.text_input(key="import_map_name").value == "week1"  # the saved mapping, to edit
    assert at.selectbox(key="import_map_date").value == "day"  # its "Day", as this file spells it
    at = at.button(key="import_mapping_forget").click().run()
    assert not at.exception
    at = upload(at, "week4.csv", week2.encode())
    assert "Using saved mapping" not in texts(at)
    assert at.selectbox(key="import_map_date").value == "day"  # guessed again


def test_the_check_shows_each_email_with_new_and_updated_days(page, app_db):
    at = upload(page, "generic.csv", (FIXTURES / "generic.csv").read_bytes())
    at = at.button(key="import_commit").click().run()
    at = upload(at, "mailchimp.csv", (FIXTURES / "mailchimp.csv").read_bytes())
    assert not at.exception
    assert "6 rows → 3 emails in “Onboarding”: 3 new days, 1 updated, 1 row skipped" in texts(at)
    table = at.dataframe[0].value
    assert list(table["Email in the journey"]) == [
        "Welcome 1 (Awareness)",
        "Welcome 2 (Awareness)",
        "Welcome 2 (Awareness)",
        "Case study / A (Consideration)",
        "Case study / B (Consideration)",
        "no match",
    ]
    assert (list(table["New days"]), list(table["Updated days"])) == ([0, 1, 1, 1, 1, 0], [1, 0, 0, 0, 0, 0])
    assert table["Skipped"][5] == "no email named “Black Friday teaser” in this journey"


def test_the_picker_moves_to_the_journey_that_matches_the_file_and_says_so(page, app_db):
    with in_db(app_db) as session:
        make_journey(session, "Alpha", stages={"Decision": ["Black Friday teaser"]})
        session.commit()
    at = page.run()
    at.selectbox(key="import_journey").set_value(_journey_id(app_db, "Alpha"))
    at = upload(at.run(), "mailchimp.csv", (FIXTURES / "mailchimp.csv").read_bytes())
    assert not at.exception
    assert at.selectbox(key="import_journey").value == _journey_id(app_db, "Onboarding")
    assert "Picked “Onboarding”: 5 of 6 email names in the file match." in [c.value for c in at.caption]
    # the user's choice then holds, and the caption says how it compares
    at.selectbox(key="import_journey").set_value(_journey_id(app_db, "Alpha"))
    at = at.run()
    assert at.selectbox(key="import_journey").value == _journey_id(app_db, "Alpha")
    assert "Importing into “Alpha”: 1 of 6 email names in the file match. “Onboarding” matches 5." in [
        c.value for c in at.caption
    ]


def test_a_file_no_journey_matches_says_so(page):
    content = "date,stage,email,sent,delivered,opens,clicks,conversions,unsubscribes\n"
    content += "2026-11-09,Awareness,Nobody's email,100,90,30,5,1,0\n"
    at = upload(page, "other.csv", content.encode())
    assert not at.exception
    assert "None of the file's email names is in a journey: check the file, or create its emails below." in [
        c.value for c in at.caption
    ]
    assert "1 row → 0 emails in “Onboarding”: 0 new days, 0 updated, 1 row skipped" in texts(at)


def _journey_id(url: str, name: str) -> int:
    from journey.plan import journeys

    with in_db(url) as session:
        return journeys.get_journey_by_name(session, name).id


def test_reimport_on_the_page_replaces_rather_than_adds(page, app_db):
    data = (FIXTURES / "generic.csv").read_bytes()
    at = upload(page, "generic.csv", data)
    at = at.button(key="import_commit").click().run()
    with in_db(app_db) as session:
        first = [row[:13] for row in dump(session)]
    at = upload(at, "generic-again.csv", data)
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert [row[:13] for row in dump(session)] == first


def test_the_page_is_in_the_app_navigation(app_db):
    from support import open_page

    at = open_page("import_metrics")
    assert not at.exception
    assert at.title[0].value == "Import metrics"


def test_a_campaign_report_shows_its_format_and_what_was_skipped(page, app_db):
    at = upload(page, "klaviyo_new.csv", (FIXTURES / "klaviyo_new.csv").read_bytes())
    assert not at.exception
    assert "Klaviyo campaign export (detected from the header)" in texts(at)
    notes = [i.value for i in at.info]
    assert notes[0] == "Skipped 2 rows that are not email (Send channel: Push: 1, SMS: 1); rows 3, 5."
    assert "Kept per segment (Audiences list): 2 segments" in notes[1]
    assert [m.value for m in at.metric] == ["4", "2", "0", "0"]
    at = at.button(key="import_commit").click().run()
    assert not at.exception
    assert db_counts(app_db)[("Win-back", "", "2026-11-10")]["machine_opens"] == 147
