"""Personas persist, stay unique by name, and refuse stale saves (SQLite and PostgreSQL)."""

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
        with pytest.raises(StaleEdit, match="changed by someone else"):
            personas.update_persona(session, persona_id, 1, description="My words")
        session.rollback()
        assert personas.get_persona(session, persona_id).description == "Teammate's words"


def test_deleting_a_persona_removes_it(session):
    persona = personas.create_persona(session, name="Maya")
    personas.delete_persona(session, persona.id)
    with pytest.raises(NotFound):
        personas.get_persona(session, persona.id)
