"""Journey editor: the journey's details, stages and their lanes, emails in order — saved, moved, refused."""

import pytest
from support import click, in_db, make_journey, make_persona, open_page, texts

from journey.plan import journeys


@pytest.fixture
def journey_id(app_db):
    with in_db(app_db) as session:
        maya = make_persona(session, "Maya")
        made = make_journey(
            session,
            stages={
                "Awareness": [
                    {"name": "Welcome 1", "trigger": "signup", "subject": "Hi"},
                    {"name": "Welcome 2", "trigger": "previous_email", "delay_hours": 48},
                ],
                "Decision": [],
            },
            lanes={"Awareness": {"obstacles": "Too busy to read"}},
            personas=[maya],
        )
        return made.id


def tree(app_db, journey_id):
    with in_db(app_db) as session:
        t = journeys.load_tree(session, journey_id)
        return [(n.stage.name, [e.name for e in n.emails]) for n in t.stages], t


def open_editor(app_db, journey_id):
    """The editor with every stage's expander open (a closed stage draws none of its forms or emails)."""
    _, t = tree(app_db, journey_id)
    return open_page("editor", **{f"editor_open_s{node.stage.id}": True for node in t.stages})


def test_without_journeys_the_page_says_where_to_create_one(app_db):
    at = open_page("editor")
    assert not at.exception
    assert "No journeys yet" in texts(at)


def test_the_journey_goal_and_kpi_are_saved(app_db, journey_id):
    at = open_page("editor")
    assert not at.exception
    prefix = f"editor_j{journey_id}_"
    at.text_area(key=f"{prefix}goal").input("Turn trials into customers")
    at.text_input(key=f"{prefix}target_kpi").input("12 % trial to paid")
    click(at, "Save journey")
    assert not at.exception
    _, t = tree(app_db, journey_id)
    assert (t.journey.goal, t.journey.target_kpi, t.journey.version) == (
        "Turn trials into customers",
        "12 % trial to paid",
        2,
    )


def test_stage_lanes_are_saved_and_an_empty_name_is_flagged_with_the_lanes_kept(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    stage_id = t.stages[0].stage.id
    at = open_editor(app_db, journey_id)
    prefix = f"editor_s{stage_id}_"
    assert at.text_area(key=f"{prefix}obstacles").value == "Too busy to read"
    at.text_area(key=f"{prefix}motivations").input("Wants a quick win")
    at.text_input(key=f"{prefix}name").input("")
    click(at, "Save stage")
    assert any("Stage name is empty" in c.value for c in at.caption)
    assert at.text_area(key=f"{prefix}motivations").value == "Wants a quick win"
    at.text_input(key=f"{prefix}name").input("Discover")
    click(at, "Save stage")
    assert not at.exception
    _, t = tree(app_db, journey_id)
    assert (t.stages[0].stage.name, t.stages[0].stage.motivations) == ("Discover", "Wants a quick win")


def test_stages_reorder_and_a_position_past_the_end_is_refused(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    at = open_editor(app_db, journey_id)
    at.button(key=f"editor_s{t.stages[1].stage.id}_up").click().run()
    assert not at.exception
    assert [name for name, _ in tree(app_db, journey_id)[0]] == ["Decision", "Awareness"]
    at.text_input(key="editor_new_stage_name").input("Retention")
    at.number_input(key="editor_new_stage_position").set_value(9)
    click(at, "Add stage")
    assert any("position 9" in c.value for c in at.caption)
    assert at.text_input(key="editor_new_stage_name").value == "Retention"
    assert [name for name, _ in tree(app_db, journey_id)[0]] == ["Decision", "Awareness"]
    at.number_input(key="editor_new_stage_position").set_value(1)
    click(at, "Add stage")
    assert [name for name, _ in tree(app_db, journey_id)[0]] == ["Retention", "Decision", "Awareness"]


def test_emails_are_added_reordered_edited_and_moved_between_stages(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    awareness, decision = t.stages[0].stage.id, t.stages[1].stage.id
    second = t.stages[0].emails[1].id
    at = open_editor(app_db, journey_id)
    at.button(key=f"editor_e{second}_up").click().run()
    assert tree(app_db, journey_id)[0][0] == ("Awareness", ["Welcome 2", "Welcome 1"])

    at.text_input(key=f"editor_new_email_s{decision}_name").input("Abandoned cart")
    at.selectbox(key=f"editor_new_email_s{decision}_trigger").select("cart_abandoned")
    [b for b in at.button if b.label == "Add email"][1].click().run()
    assert not at.exception
    assert tree(app_db, journey_id)[0][1] == ("Decision", ["Abandoned cart"])

    at.toggle(key=f"editor_open_e{second}").set_value(True).run()
    at.text_input(key=f"editor_e{second}_subject").input("Three ideas for your week")
    at.number_input(key=f"editor_e{second}_delay_hours").set_value(72)
    click(at, "Save email")
    assert not at.exception
    email = next(e for e in tree(app_db, journey_id)[1].emails if e.id == second)
    assert (email.subject, email.delay_hours, email.version) == ("Three ideas for your week", 72, 2)

    at.selectbox(key=f"editor_e{second}_target").select(decision)
    at.button(key=f"editor_e{second}_move").click().run()
    assert tree(app_db, journey_id)[0] == [
        ("Awareness", ["Welcome 1"]),
        ("Decision", ["Welcome 2", "Abandoned cart"]),
    ]
    assert awareness != decision


def test_a_bad_cta_url_is_flagged_beside_its_field_and_the_edit_is_kept(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    email_id = t.stages[0].emails[0].id
    at = open_editor(app_db, journey_id)
    at.toggle(key=f"editor_open_e{email_id}").set_value(True).run()
    at.text_input(key=f"editor_e{email_id}_cta_url").input("javascript:alert(1)")
    at.text_input(key=f"editor_e{email_id}_subject").input("Kept subject")
    click(at, "Save email")
    assert "must start with https://" in texts(at)  # under the field, its escapes read back
    assert at.text_input(key=f"editor_e{email_id}_subject").value == "Kept subject"
    assert tree(app_db, journey_id)[1].stages[0].emails[0].subject == "Hi"


def _stale_email_save(app_db, journey_id):
    """The editor with the first email open, saved as "Mine" after a teammate saved it: (at, email id)."""
    _, t = tree(app_db, journey_id)
    email_id = t.stages[0].emails[0].id
    at = open_editor(app_db, journey_id)
    at.toggle(key=f"editor_open_e{email_id}").set_value(True).run()
    with in_db(app_db) as session:
        journeys.update_email(session, email_id, 1, subject="Teammate's subject")
    at.text_input(key=f"editor_e{email_id}_subject").input("Mine")
    click(at, "Save email")
    return at, email_id


def test_a_stale_email_save_is_refused_and_the_edit_is_kept(app_db, journey_id):
    at, email_id = _stale_email_save(app_db, journey_id)
    assert "Local user (no sign-in) saved this email at" in texts(at)
    assert at.text_input(key=f"editor_e{email_id}_subject").value == "Mine"
    assert tree(app_db, journey_id)[1].stages[0].emails[0].subject == "Teammate's subject"


def test_after_a_stale_save_the_form_compares_both_versions_and_reloads_theirs(app_db, journey_id):
    at, email_id = _stale_email_save(app_db, journey_id)
    at.button(key=f"stale_editor_e{email_id}__toggle").click().run()
    (table,) = at.table
    compared = table.value
    assert compared.loc["Subject", "Yours (unsaved)"] == "Mine"
    assert compared.loc["Subject", "Theirs (saved)"] == "Teammate's subject"
    assert compared.loc["Subject", "≠"] == "≠"
    assert compared.loc["Name", "≠"] == ""

    at.button(key=f"stale_editor_e{email_id}__reload").click().run()
    assert not at.exception
    assert at.text_input(key=f"editor_e{email_id}_subject").value == "Teammate's subject"
    assert "saved this email at" not in texts(at)
    click(at, "Save email")  # against their version now: it goes through
    assert tree(app_db, journey_id)[1].stages[0].emails[0].subject == "Teammate's subject"
    assert tree(app_db, journey_id)[1].stages[0].emails[0].version == 3


def test_deleting_a_stage_needs_confirmation(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    stage_id = t.stages[0].stage.id
    at = open_editor(app_db, journey_id)
    assert at.button(key=f"editor_s{stage_id}_delete").disabled
    at.checkbox(key=f"editor_s{stage_id}_confirm").check().run()
    at.button(key=f"editor_s{stage_id}_delete").click().run()
    assert not at.exception
    assert tree(app_db, journey_id)[0] == [("Decision", [])]


def test_a_closed_stage_draws_none_of_its_emails_until_it_is_opened(app_db, journey_id):
    _, t = tree(app_db, journey_id)
    awareness, decision = t.stages[0].stage.id, t.stages[1].stage.id
    at = open_page("editor")
    assert not at.exception
    stages = [e.label for e in at.expander if e.label[0].isdigit()]
    assert stages == ["1. Awareness — 2 emails", "2. Decision — 0 emails"]
    assert not at.get("toggle")
    assert "Welcome 1" not in texts(at)

    at.session_state[f"editor_open_s{awareness}"] = True  # the user opens Awareness
    at.run()
    assert "Welcome 1" in texts(at)
    assert "Welcome 2" in texts(at)
    assert at.text_input(key=f"editor_s{awareness}_name").value == "Awareness"
    assert not [w for w in at.text_input if w.key == f"editor_s{decision}_name"]  # Decision stays closed
