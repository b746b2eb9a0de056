"""The one optimistic-concurrency write (db.crud.update_versioned) that every editable table saves through."""

import pytest
from sqlmodel import SQLModel

from db.crud import update_versioned
from db.models import (
    Email,
    EmailVariant,
    Journey,
    Persona,
    Setting,
    Snippet,
    Stage,
    UserAccount,
    WeeklyNote,
)
from journey.plan import personas

EDITABLE = [Persona, Journey, Stage, Email, EmailVariant, WeeklyNote, Setting, Snippet, UserAccount]


@pytest.mark.parametrize("model", [pytest.param(m, id=m.__tablename__) for m in EDITABLE])
def test_every_editable_table_has_a_version_that_starts_at_one(model):
    column = model.__table__.c.version
    assert not column.nullable
    assert column.default.arg == 1


def test_versioned_tables_are_exactly_the_editable_ones():
    versioned = {t.name for t in SQLModel.metadata.sorted_tables if "version" in t.c}
    assert versioned == {m.__tablename__ for m in EDITABLE}


def test_a_save_without_changes_checks_the_version_and_writes_nothing(session):
    persona = personas.create_persona(session, name="Maya")
    assert update_versioned(session, Persona, persona.id, 1, {}) == 1
    assert update_versioned(session, Persona, persona.id, 2, {}) is None
    assert personas.get_persona(session, persona.id).version == 1


def test_a_row_keyed_by_name_is_saved_the_same_way(session):
    session.add(Setting(key="k", value={"a": 1}))
    session.flush()
    assert update_versioned(session, Setting, "k", 1, {"value": {"a": 2}}) == 2
    assert update_versioned(session, Setting, "k", 1, {"value": {"a": 3}}) is None
    assert session.get(Setting, "k").value == {"a": 2}
