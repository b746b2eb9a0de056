"""Walk-through page: a preset path gives the persona's inbox (timeline and list) and the unreached emails."""

from support import in_db, open_page, texts

from journey.plan import journeys, personas


def setup_journey(app_db):
    with in_db(app_db) as session:
        olivia = personas.create_persona(session, name="Olivia", merge_data={"first_name": "Olivia"})
        journey = journeys.create_journey(
            session, name="Spring", goal="Grow", persona_ids=[olivia.id], template="demo"
        )
        welcome = journeys.load_tree(session, journey.id).stages[0].emails[0]
        journeys.update_email(
            session, welcome.id, welcome.version, subject='Welcome, {{ first_name | default: "there" }}'
        )
        return olivia.id


def table(at, key):
    """The inbox (it has a Subject column) or the unreached list (a Trigger column)."""
    column = {"walk_inbox": "Subject", "walk_unreached": "Trigger"}[key]
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_empty_workspace_says_what_to_do(app_db):
    at = open_page("walkthrough")
    assert not at.exception
    assert "No journeys yet" in texts(at)


def test_the_default_preset_shows_the_inbox_as_a_timeline_and_a_list(app_db):
    setup_journey(app_db)
    at = open_page("walkthrough")
    assert not at.exception
    assert at.selectbox(key="walk_preset").value == "Buys after an abandoned cart"
    assert len(at.get("vega_lite_chart")) == 1
    inbox = table(at, "walk_inbox")
    assert list(inbox["Email"][:2]) == ["Welcome", "Three brewing mistakes"]
    assert list(inbox["Day"][:2]) == [0, 2]
    assert inbox["Subject"][0] == "Welcome, Olivia"  # the journey's persona is picked by default
    unreached = table(at, "walk_unreached")
    assert "Birthday treat" in list(unreached["Email"])
    assert at.metric[0].value == str(len(inbox))


def test_without_a_persona_the_subject_uses_the_fallback(app_db):
    setup_journey(app_db)
    at = open_page("walkthrough")
    at.selectbox(key="walk_persona").set_value(0).run()  # 0: no persona
    assert table(at, "walk_inbox")["Subject"][0] == "Welcome, there"


def test_choosing_another_preset_loads_its_path(app_db):
    setup_journey(app_db)
    at = open_page("walkthrough")
    at.selectbox(key="walk_preset").set_value("Browses but never buys").run()
    assert not at.exception
    inbox = table(at, "walk_inbox")
    assert "Re-engagement after 60 days" in list(inbox["Email"])
    assert "Order confirmation" not in list(inbox["Email"])
    assert "Order confirmation" in list(table(at, "walk_unreached")["Email"])


def test_a_busy_week_over_the_cap_is_flagged(app_db):
    setup_journey(app_db)
    at = open_page("walkthrough")
    assert any("over this journey's cap of 3" in w.value for w in at.warning)
