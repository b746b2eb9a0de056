"""Personas page: create, edit, validation beside the field with the input kept, stale saves, delete."""

import json

from support import click, in_db, open_page, texts

from journey.plan import personas


def test_empty_workspace_says_what_to_do(app_db):
    at = open_page("personas")
    assert not at.exception
    assert "No personas yet" in texts(at)


def test_create_a_persona_and_see_it_listed(app_db):
    at = open_page("personas")
    at.text_input(key="personas_name").input("Maya the maker")
    at.text_input(key="personas_segment").input("Etsy sellers")
    at.text_area(key="personas_goals").input("Sell more in December")
    click(at, "Create persona")
    assert not at.exception
    assert "Maya the maker" in texts(at)
    with in_db(app_db) as session:
        (maya,) = personas.list_personas(session)
        assert (maya.segment, maya.goals, maya.merge_data) == ("Etsy sellers", "Sell more in December", {})


def test_an_empty_name_is_flagged_beside_the_field_and_the_rest_is_kept(app_db):
    at = open_page("personas")
    at.text_area(key="personas_description").input("Runs a small shop")
    click(at, "Create persona")
    assert not at.exception
    assert any("Persona name is empty" in c.value for c in at.caption)
    assert at.text_area(key="personas_description").value == "Runs a small shop"
    with in_db(app_db) as session:
        assert personas.list_personas(session) == []


def test_a_duplicate_name_is_refused(app_db):
    with in_db(app_db) as session:
        personas.create_persona(session, name="Maya")
    at = open_page("personas")
    at.text_input(key="personas_name").input("maya")
    click(at, "Create persona")
    assert any("already exists" in c.value for c in at.caption)
    assert at.text_input(key="personas_name").value == "maya"


def test_edit_a_persona_and_a_stale_save_is_refused(app_db):
    with in_db(app_db) as session:
        persona_id = personas.create_persona(session, name="Maya", goals="Old goal").id
    at = open_page("personas")
    at.selectbox(key="personas_selected").select(persona_id).run()
    assert at.text_area(key="personas_goals").value == "Old goal"
    at.text_area(key="personas_goals").input("New goal")
    click(at, "Save changes")
    assert not at.exception
    with in_db(app_db) as session:
        assert personas.get_persona(session, persona_id).goals == "New goal"

    # A teammate saves in between: my next save is refused and my text stays in the form.
    at.text_area(key="personas_goals").input("My goal")
    with in_db(app_db) as session:
        current = personas.get_persona(session, persona_id)
        personas.update_persona(session, persona_id, current.version, goals="Teammate goal")
    click(at, "Save changes")
    assert "Local user (no sign-in) saved this persona at" in texts(at)
    assert at.text_area(key="personas_goals").value == "My goal"
    with in_db(app_db) as session:
        assert personas.get_persona(session, persona_id).goals == "Teammate goal"

    # Compare: mine beside theirs; then reload theirs, and the form holds the teammate's goal.
    at.button(key=f"stale_personas_{persona_id}_toggle").click().run()
    compared = at.table[0].value
    assert compared.loc["Goals", "Yours (unsaved)"] == "My goal"
    assert compared.loc["Goals", "Theirs (saved)"] == "Teammate goal"
    at.button(key=f"stale_personas_{persona_id}_reload").click().run()
    assert at.text_area(key="personas_goals").value == "Teammate goal"
    assert "saved this persona at" not in texts(at)


def test_delete_needs_confirmation(app_db):
    with in_db(app_db) as session:
        persona_id = personas.create_persona(session, name="Maya").id
    at = open_page("personas")
    at.selectbox(key="personas_selected").select(persona_id).run()
    assert at.button(key="personas_delete").disabled
    at.checkbox(key=f"personas_confirm_delete_{persona_id}").check().run()
    at.button(key="personas_delete").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert personas.list_personas(session) == []


def _with_merge_rows(rows):
    """The personas page with `rows` in the merge-data grid (as if typed: AppTest cannot edit a grid)."""
    at = open_page("personas")
    at.session_state["personas_merge_rows"] = rows
    at.text_input(key="personas_name").input("Maya")
    return at


def test_a_merge_value_without_a_field_name_is_refused_under_the_grid_and_kept(app_db):
    rows = [{"field": "first_name", "value": "Maya"}, {"field": "", "value": "Bloom"}]
    at = click(_with_merge_rows(rows), "Create persona")
    assert not at.exception
    assert "⚠️ Row 2 of the merge data has a value (“Bloom”) but no field name" in texts(at)
    assert at.session_state["personas_merge_rows"] == rows
    assert at.text_input(key="personas_name").value == "Maya"
    with in_db(app_db) as session:
        assert personas.list_personas(session) == []


def test_a_duplicate_merge_field_is_refused_naming_both_rows(app_db):
    rows = [{"field": "company", "value": "Bloom"}, {"field": "company", "value": "Petal"}]
    at = click(_with_merge_rows(rows), "Create persona")
    assert "Row 2: the merge field “company” is already on row 1; keep one of the two." in texts(at)
    with in_db(app_db) as session:
        assert personas.list_personas(session) == []


def test_merge_data_rows_are_saved_and_a_new_rows_cells_start_empty(app_db):
    at = click(_with_merge_rows([{"field": "company", "value": "Bloom"}]), "Create persona")
    assert not at.exception
    with in_db(app_db) as session:
        assert personas.get_persona_by_name(session, "Maya").merge_data == {"company": "Bloom"}
    (grid,) = at.get("dataframe")
    columns = json.loads(grid.proto.columns)
    assert (columns["field"]["default"], columns["value"]["default"]) == ("", "")  # not None
    assert columns["_index"]["hidden"]  # rows are counted from 1 at the top, as the refusals say
    assert at.session_state["personas_merge_rows"] == [{"field": "company", "value": "Bloom"}]


def test_a_refusal_quoting_what_was_typed_shows_it_as_written(app_db):
    rows = [{"field": "", "value": "*VIP*] :red[x]"}]
    at = click(_with_merge_rows(rows), "Create persona")
    (caption,) = [c.value for c in at.caption if "no field name" in c.value]
    assert caption.startswith(r":red[⚠️ Row 1 of the merge data has a value (“\*VIP\*\] \:red\[x\]”)")
    assert "“*VIP*] :red[x]”" in texts(at)
