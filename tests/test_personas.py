"""Personas persist, stay unique by name, and refuse stale saves (SQLite and PostgreSQL); the form's
merge-data grid loses nothing silently."""

import pytest
from sqlmodel import Session

from journey.core.errors import DuplicateName, InvalidInput, NotFound, StaleEdit
from journey.plan import personas


def test_create_and_read_back_a_persona_with_merge_data(session):
    persona = personas.create_persona(
        session, name="Maya", segment="Shop owners", merge_data={"first_name": "Maya", "company": "Bloom"}
    )
    session.commit()
    again = personas.get_persona(session, persona.id)
    assert again.merge_data == {"first_name": "Maya", "company": "Bloom"}
    assert again.version == 1
    assert [p.name for p in personas.list_personas(session)] == ["Maya"]


def test_duplicate_persona_names_are_refused_whatever_the_case(session):
    personas.create_persona(session, name="Maya")
    with pytest.raises(DuplicateName, match="already exists") as caught:
        personas.create_persona(session, name="maya")
    assert caught.value.field == "name"


def test_empty_name_is_refused_and_nothing_is_written(session):
    with pytest.raises(InvalidInput, match="empty"):
        personas.create_persona(session, name="  ")
    assert personas.list_personas(session) == []


def test_update_bumps_the_version(session):
    persona = personas.create_persona(session, name="Maya")
    updated = personas.update_persona(session, persona.id, 1, goals="Grow the shop")
    assert (updated.goals, updated.version) == ("Grow the shop", 2)


def test_a_save_against_a_stale_version_is_refused_and_overwrites_nothing(engine):
    with Session(engine) as session:
        persona_id = personas.create_persona(session, name="Maya").id
        session.commit()
    with Session(engine) as teammate:
        personas.update_persona(teammate, persona_id, 1, description="Teammate's words")
        teammate.commit()
    with Session(engine) as session:
        with pytest.raises(StaleEdit, match="saved this persona at .* after you opened it"):
            personas.update_persona(session, persona_id, 1, description="My words")
        session.rollback()
        assert personas.get_persona(session, persona_id).description == "Teammate's words"


def test_deleting_a_persona_removes_it(session):
    persona = personas.create_persona(session, name="Maya")
    personas.delete_persona(session, persona.id)
    with pytest.raises(NotFound):
        personas.get_persona(session, persona.id)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [{"field": "first_name", "value": "Maya"}, {"field": " company ", "value": "Bloom & Co"}],
            {"first_name": "Maya", "company": "Bloom & Co"},
            id="names-stripped-values-kept",
        ),
        pytest.param(
            [{"field": "first_name", "value": ""}, {"field": "city", "value": None}],
            {},
            id="a-field-without-a-value-is-not-stored",
        ),
        pytest.param(
            [
                {"field": None, "value": None},
                {"field": "", "value": "   "},
                {"field": "city", "value": "Leeds"},
            ],
            {"city": "Leeds"},
            id="empty-rows-skipped",
        ),
        pytest.param(
            [{"field": "plan", "value": float("nan")}, {"field": "city", "value": 7}],
            {"city": "7"},
            id="nan-is-empty-numbers-as-text",
        ),
    ],
)
def test_merge_data_from_the_grid_rows(rows, expected):
    assert personas.merge_data_from_rows(rows) == expected


@pytest.mark.parametrize(
    ("rows", "row", "message"),
    [
        pytest.param(
            [{"field": "first_name", "value": "Maya"}, {"field": "", "value": "Bloom"}],
            2,
            "Row 2 of the merge data has a value (“Bloom”) but no field name: name the field (e.g. company) "
            "or clear the value.",
            id="value-without-a-name",
        ),
        pytest.param(
            [
                {"field": "first_name", "value": ""},
                {"field": "company", "value": "Bloom"},
                {"field": "first_name", "value": "Maya"},
            ],
            3,
            "Row 3: the merge field “first_name” is already on row 1; keep one of the two.",
            id="duplicate-name-even-of-an-empty-hint",
        ),
        pytest.param(
            [{"field": "First Name", "value": "Maya"}],
            1,
            "Row 1: Merge field 'First Name' is not a valid name: use lowercase letters, digits and "
            "underscores, starting with a letter (e.g. first_name).",
            id="invalid-name",
        ),
    ],
)
def test_merge_data_rows_that_would_lose_data_are_refused_naming_the_row(rows, row, message):
    with pytest.raises(InvalidInput) as caught:
        personas.merge_data_from_rows(rows)
    assert (str(caught.value), caught.value.row, caught.value.field) == (message, row, "merge_data")
