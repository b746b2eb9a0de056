"""Journey map page: the map (chart, lanes, cards, rates), checks, duplicate as future state, compare, downloads."""

from support import click, in_db, open_page, texts

from journey.plan import demo, journeys


def map_html(at) -> str:
    return at.get("html")[0].proto.body


def test_empty_workspace_says_what_to_do(app_db):
    at = open_page("journey_map")
    assert not at.exception
    assert "No journeys yet" in texts(at)


def test_the_map_shows_the_emotion_chart_every_stage_lane_and_email(app_db):
    with in_db(app_db) as session:
        journey = journeys.create_journey(session, name="Spring", goal="Grow")
        tree = journeys.load_tree(session, journey.id)
    at = open_page("journey_map")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    html = map_html(at)
    for node in tree.stages:
        assert node.stage.name in html
        for email in node.emails:
            assert email.name.replace("'", "&#x27;") in html
    assert "Obstacles" in html
    assert "**Map type:** Current state" in texts(at)
    assert "No metrics for this journey yet" in texts(at)


def test_demo_metrics_show_each_stage_latest_rates(app_db):
    with in_db(app_db) as session:
        demo.load_demo(session)
    at = open_page("journey_map")
    assert not at.exception
    assert "Latest rates" in map_html(at)
    assert "No metrics for this journey yet" not in texts(at)


def test_a_journey_without_stages_gets_an_empty_state(app_db):
    with in_db(app_db) as session:
        journeys.create_journey(session, name="Blank", template="blank")
    at = open_page("journey_map")
    assert not at.exception
    assert "no stages yet" in texts(at)


def test_checks_are_listed_with_rule_stage_and_fix(app_db):
    with in_db(app_db) as session:
        journey = journeys.create_journey(session, name="Blank", template="blank")
        stage = journeys.add_stage(session, journey.id, name="Awareness")
        journeys.add_email(session, stage.id, name="Hello", mjml="<mjml><mj-body></mj-body></mjml>")
    at = open_page("journey_map")
    table = at.table[0].value
    row = table[table["Rule"] == "email-no-unsubscribe"].iloc[0]
    assert (row["Stage"], row["Email"]) == ("Awareness", "Hello")
    assert "unsubscribe_url" in row["Fix"]
    assert any("errors" in t.label for t in at.tabs)


def test_duplicate_as_future_state_then_compare_marks_the_differences(app_db):
    with in_db(app_db) as session:
        journeys.create_journey(session, name="Spring", goal="Grow")
    at = open_page("journey_map")
    at.text_input(key="map_future_name").input("Spring 2027")
    click(at, "Duplicate as future state")
    assert not at.exception
    with in_db(app_db) as session:
        current = journeys.get_journey_by_name(session, "Spring")
        future = journeys.get_journey_by_name(session, "Spring 2027")
        assert (future.map_type, future.source_journey_id) == ("future_state", current.id)
        tree = journeys.load_tree(session, future.id)
        decision = next(n for n in tree.stages if n.stage.name == "Decision")
        journeys.add_email(session, decision.stage.id, name="Invoice reminder", subject="Your invoice")
    at.run()
    assert at.selectbox(key="map_compare_current").value == current.id
    assert at.selectbox(key="map_compare_future").value == future.id
    comparison = at.get("html")[1].proto.body
    assert "Future: Spring 2027" in comparison
    assert "jm-card jm-draft jm-added" in comparison  # a new email starts as a draft
    assert "Invoice reminder" in comparison
    assert "1 stage and 1 email differ." in texts(at)


def test_comparing_a_journey_with_itself_asks_for_two(app_db):
    with in_db(app_db) as session:
        journeys.create_journey(session, name="Spring")
    at = open_page("journey_map")
    assert "Pick two different journeys" in texts(at)


def test_a_download_button_for_each_export(app_db):
    with in_db(app_db) as session:
        journeys.create_journey(session, name="Spring")
    at = open_page("journey_map")
    labels = {b.proto.label for b in at.get("download_button")}
    assert labels == {
        "PNG image",
        "SVG image",
        "Printable page (A4)",
        "CSV (lanes)",
        "Empty template (CSV)",
        "Empty template (printable)",
    }
    deferred = {b.proto.label for b in at.get("download_button") if b.proto.deferred_file_id}
    assert {"PNG image", "SVG image", "Printable page (A4)", "CSV (lanes)"} <= deferred  # built when clicked


def test_import_lanes_from_a_csv_updates_the_map(app_db):
    with in_db(app_db) as session:
        journey = journeys.create_journey(session, name="Spring")
    at = open_page("journey_map")
    csv_text = b"Stage,Obstacles,Emotion\nDecision,Shipping costs too high,-2\nWin-back,Forgot about us,\n"
    at.file_uploader(key="map_import_file").set_value(("workshop.csv", csv_text, "text/csv")).run()
    at.button(key="map_import_button").click().run()
    assert not at.exception
    assert "Imported the lanes of 1 stage; added Win-back." in texts(at)
    assert "Shipping costs too high" in map_html(at)
    with in_db(app_db) as session:
        stages = {n.stage.name: n.stage for n in journeys.load_tree(session, journey.id).stages}
    assert (stages["Decision"].obstacles, stages["Decision"].emotion) == ("Shipping costs too high", -2)
    assert "Win-back" in stages


def test_a_bad_lane_csv_shows_the_row_and_changes_nothing(app_db):
    with in_db(app_db) as session:
        journey = journeys.create_journey(session, name="Spring")
        before = [n.stage.obstacles for n in journeys.load_tree(session, journey.id).stages]
    at = open_page("journey_map")
    csv_text = b"Stage,Obstacles,Emotion\nDecision,changed,1\nRetention,changed,9\n"
    at.file_uploader(key="map_import_file").set_value(("workshop.csv", csv_text, "text/csv")).run()
    at.button(key="map_import_button").click().run()
    assert not at.exception
    assert any("Row 3, column “Emotion”" in e.value for e in at.error)
    with in_db(app_db) as session:
        assert [n.stage.obstacles for n in journeys.load_tree(session, journey.id).stages] == before


def test_opening_a_future_state_compares_it_with_its_source(app_db):
    with in_db(app_db) as session:
        current = journeys.create_journey(session, name="Spring")
        journeys.create_journey(session, name="Autumn")
        future = journeys.duplicate_journey(session, current.id, name="Spring 2027", as_future_state=True)
    at = open_page("journey_map")
    at.selectbox(key="map_journey").set_value(future.id).run()
    assert not at.exception
    assert at.selectbox(key="map_compare_current").value == current.id
    assert at.selectbox(key="map_compare_future").value == future.id
    assert "The two journeys are the same." in texts(at)
    at.selectbox(key="map_journey").set_value(current.id).run()
    assert (at.selectbox(key="map_compare_current").value, at.selectbox(key="map_compare_future").value) == (
        current.id,
        future.id,
    )
