"""Personas: who the journey is for, and the sample merge data previews use."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from db.crud import name_taken, update_versioned
from db.models import Persona, PersonaBase, PersonaUpdate
from journey.core.errors import DuplicateName, InvalidInput, NotFound
from journey.core.fields import clean_field, clean_merge_data, model_fields
from journey.plan.activity import stale_edit

# The persona form's fields, in the model's order (the merge data has its own editor).
FORM_FIELDS = model_fields(PersonaBase, without=("merge_data",))

LABELS = {
    "name": "Persona name",
    "description": "Description",
    "goals": "Goals",
    "motivations": "Motivations",
    "segment": "Segment",
}


def _cell(value: Any) -> str:
    """A grid cell as text: an empty cell (None, or NaN from a DataFrame) is ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _shown(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def merge_data_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The sample merge data of the persona form's grid: rows of {"field", "value"}, numbered from 1.

    A row with neither is skipped and a field with no value is not stored (the `first_name` hint of a
    new persona), but nothing typed is dropped silently: a value with no field name, a field name on
    two rows, or a name that is not a merge-field name is refused with its row (InvalidInput, field
    "merge_data").
    """
    data: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=1):
        name, value = _cell(row.get("field")).strip(), _cell(row.get("value"))
        if not name:
            if value.strip():
                raise InvalidInput(
                    f"Row {number} of the merge data has a value (“{_shown(value)}”) but no field name: "
                    "name the field (e.g. company) or clear the value.",
                    field="merge_data",
                    row=number,
                )
            continue
        if name in first_row:
            raise InvalidInput(
                f"Row {number}: the merge field “{name}” is already on row {first_row[name]}; "
                "keep one of the two.",
                field="merge_data",
                row=number,
            )
        first_row[name] = number
        try:
            cleaned = clean_merge_data({name: value})  # the name's rule and the value's length
        except InvalidInput as exc:
            raise InvalidInput(f"Row {number}: {exc.message}", field="merge_data", row=number) from exc
        if value.strip():
            data.update(cleaned)
    return data


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for field, label in LABELS.items():
        if field in values:
            cleaned[field] = clean_field(PersonaUpdate, field, values[field], label=label)
    if "merge_data" in values:
        cleaned["merge_data"] = clean_merge_data(values["merge_data"])
    return cleaned


def _ensure_unique(session: Session, name: str, exclude_id: int | None = None) -> None:
    if name_taken(session, Persona, name, exclude_id=exclude_id):
        raise DuplicateName(f'A persona named "{name}" already exists: pick another name.', field="name")


def list_personas(session: Session) -> list[Persona]:
    """Every persona, by name."""
    return list(session.execute(select(Persona).order_by(func.lower(Persona.name))).scalars())


def get_persona(session: Session, persona_id: int) -> Persona:
    persona = session.get(Persona, persona_id)
    if persona is None:
        raise NotFound("That persona no longer exists: it may have been deleted by a teammate.")
    return persona


def get_persona_by_name(session: Session, name: str) -> Persona:
    persona = session.execute(select(Persona).where(Persona.name == name)).scalar_one_or_none()
    if persona is None:
        raise NotFound(f'No persona named "{name}".', field="name")
    return persona


def create_persona(session: Session, **values: Any) -> Persona:
    """A new persona; the name is required and unique."""
    cleaned = _clean({"name": values.get("name"), **values})
    _ensure_unique(session, cleaned["name"])
    persona = Persona(**cleaned)
    session.add(persona)
    session.flush()
    return persona


def update_persona(session: Session, persona_id: int, expected_version: int, **changes: Any) -> Persona:
    """Save `changes` made against `expected_version`; refused if a teammate saved since."""
    get_persona(session, persona_id)
    cleaned = _clean(changes)
    if "name" in cleaned:
        _ensure_unique(session, cleaned["name"], exclude_id=persona_id)
    if update_versioned(session, Persona, persona_id, expected_version, cleaned) is None:
        raise stale_edit(session, Persona, persona_id, "persona")
    return get_persona(session, persona_id)


def delete_persona(session: Session, persona_id: int) -> None:
    """Delete a persona; journeys that followed it simply stop following it."""
    session.delete(get_persona(session, persona_id))
    session.flush()


def personas_journey_first(session: Session, journey_id: int) -> list[tuple[Persona, bool]]:
    """Every persona as (persona, follows the journey): the journey's own first, each group by name."""
    from db.models import JourneyPersona

    own = set(
        session.execute(
            select(JourneyPersona.persona_id).where(JourneyPersona.journey_id == journey_id)
        ).scalars()
    )
    everyone = list_personas(session)
    return [(p, True) for p in everyone if p.id in own] + [(p, False) for p in everyone if p.id not in own]
