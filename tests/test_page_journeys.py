"""Journeys page: list with counts, create from the starter or blank, duplicate, import, delete."""

from support import click, in_db, open_page, texts

from journey.plan import demo, journeys
from journey.plan.demo_content import DEMO_JOURNEY


def test_empty_workspace_says_what_to_do(app_db):
    at = open_page("journeys")
    assert not at.exception
    assert "No journeys yet" in texts(at)
    at.button(key="journeys_demo").click().run()  # the demo journey, as `python -m journey demo` loads it
    assert not at.exception
    with in_db(app_db) as session:
        assert [s.name for s in journeys.list_journeys(session)] == [DEMO_JOURNEY["name"]]
    assert "No journeys yet" not in texts(at)
    assert "journeys_demo" not in [b.key for b in at.button]


def test_the_list_shows_stage_and_email_counts(app_db):
    with in_db(app_db) as session:
        demo.load_demo(session)
    at = open_page("journeys")
    table = at.dataframe[0].value
    assert list(table["Stages"]) == [5]
    assert list(table["Emails"]) == [19]


def test_create_a_blank_journey(app_db):
    at = open_page("journeys")
    at.text_input(key="journeys_new_name").input("Trial to paid")
    at.text_input(key="journeys_new_kpi").input("12 % of trials convert")
    at.radio(key="journeys_new_template").set_value("blank")
    click(at, "Create journey")
    assert not at.exception
    with in_db(app_db) as session:
        (summary,) = journeys.list_journeys(session)
    assert (summary.name, summary.target_kpi, summary.stages) == (
        "Trial to paid",
        "12 % of trials convert",
        0,
    )


def test_create_from_the_starter_gives_five_stages(app_db):
    at = open_page("journeys")
    at.text_input(key="journeys_new_name").input("Spring")
    click(at, "Create journey")
    with in_db(app_db) as session:
        (summary,) = journeys.list_journeys(session)
    assert summary.stages == 5


def test_an_empty_or_duplicate_name_is_flagged_beside_the_field(app_db):
    at = open_page("journeys")
    at.text_area(key="journeys_new_goal").input("Convert more")
    click(at, "Create journey")
    assert any("Journey name is empty" in c.value for c in at.caption)
    assert at.text_area(key="journeys_new_goal").value == "Convert more"
    with in_db(app_db) as session:
        demo.load_demo(session)
        name = journeys.list_journeys(session)[0].name
    at.text_input(key="journeys_new_name").input(name)
    click(at, "Create journey")
    assert any("already exists" in c.value for c in at.caption)
    with in_db(app_db) as session:
        assert len(journeys.list_journeys(session)) == 1


def test_duplicate_as_future_state_and_delete_with_confirmation(app_db):
    with in_db(app_db) as session:
        journey_id = demo.load_demo(session)
    at = open_page("journeys")
    at.text_input(key=f"journeys_copy_name_{journey_id}").input("Future")
    at.checkbox(key="journeys_copy_future").check()
    at.button(key="journeys_duplicate").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        future = journeys.get_journey_by_name(session, "Future")
        assert (future.map_type, future.source_journey_id) == ("future_state", journey_id)

    at.selectbox(key="journeys_manage").select(future.id).run()
    assert at.button(key="journeys_delete").disabled
    at.checkbox(key=f"journeys_confirm_delete_{future.id}").check().run()
    at.button(key="journeys_delete").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert [s.name for s in journeys.list_journeys(session)] == [
            journeys.get_journey(session, journey_id).name
        ]


def test_export_offers_the_journey_as_json_built_only_when_clicked(app_db):
    # What the file holds is tested in test_transfer.py; here: the button is there, and the
    # export is deferred to the click instead of running on every rerun of the page.
    with in_db(app_db) as session:
        demo.load_demo(session)
    at = open_page("journeys")
    assert not at.exception
    (button,) = at.get("download_button")
    assert button.proto.label == "⬇️ Download as JSON"
    assert button.proto.deferred_file_id


def test_start_blank_removes_the_demo(app_db):
    with in_db(app_db) as session:
        demo.load_demo(session)
    at = open_page("journeys")
    at.checkbox(key="journeys_confirm_blank").check().run()
    at.button(key="journeys_start_blank").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert journeys.list_journeys(session) == []


def test_the_first_start_of_the_app_loads_the_demo_journey(app_db, monkeypatch):
    monkeypatch.setenv("JOURNEY_SEED_DEMO", "1")
    at = open_page("journeys")
    assert not at.exception
    assert list(at.dataframe[0].value["Journey"]) == ["Office coffee subscription"]
    with in_db(app_db) as session:
        assert len(journeys.list_journeys(session)) == 1
