"""How every form and import cleans a field: names, free text, numbers, choices, merge-data keys.

The limits themselves are declared once, on the models in db/models.py (`max_length`, `min_length=1`
for a required name, `ge`/`le` for a range); `field_limits(model, name)` reads them and
`clean_field(model, name, value, label=...)` cleans a value against them with the messages below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import SQLModel

from db.models import MAX_MJML, MAX_NAME, MAX_TEXT
from journey.core.errors import InvalidInput

__all__ = [
    "MAX_MJML",
    "MAX_NAME",
    "MAX_TEXT",
    "MAX_MERGE_VALUE",
    "FieldLimits",
    "clean_choice",
    "clean_field",
    "clean_int",
    "clean_merge_data",
    "clean_name",
    "clean_text",
    "field_limits",
    "model_fields",
]

MERGE_KEY = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")
MAX_MERGE_VALUE = 500


@dataclass(frozen=True)
class FieldLimits:
    """The rules a model declares for one field."""

    max_length: int | None = None
    min_length: int | None = None
    ge: int | None = None
    le: int | None = None

    @property
    def required(self) -> bool:
        return bool(self.min_length)


def model_fields(model: type[SQLModel], *, without: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The editable fields of a db model (its `…Base`), in declaration order, less `without`."""
    return tuple(name for name in model.model_fields if name not in without)


def field_limits(model: type[SQLModel], name: str) -> FieldLimits:
    """The `max_length`, `min_length`, `ge` and `le` that `model` declares for field `name`."""
    found: dict[str, int] = {}
    for item in model.model_fields[name].metadata:  # annotated_types' MaxLen, MinLen, Ge, Le
        for rule in ("max_length", "min_length", "ge", "le"):
            if isinstance(getattr(item, rule, None), int):
                found[rule] = getattr(item, rule)
    return FieldLimits(**found)


def clean_field(model: type[SQLModel], name: str, value: Any, *, label: str, strip: bool = True) -> Any:
    """`value` cleaned by the rules `model` declares for `name`: a range is a whole number, a required
    text a name (single line, trimmed), any other text free text; refused with InvalidInput naming `name`.
    """
    limits = field_limits(model, name)
    if limits.ge is not None and limits.le is not None:
        return clean_int(value, field=name, label=label, minimum=limits.ge, maximum=limits.le)
    max_length = limits.max_length if limits.max_length is not None else MAX_TEXT
    if limits.required:
        return clean_name(value, field=name, label=label, max_length=max_length)
    return clean_text(value, field=name, label=label, max_length=max_length, strip=strip)


def clean_name(value: Any, *, field: str = "name", label: str = "Name", max_length: int = MAX_NAME) -> str:
    """A required, trimmed, single-line name of at most `max_length` characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{label} is empty: give it a name.", field=field)
    _refuse_nul(value, field=field, label=label)
    name = " ".join(value.split())
    if len(name) > max_length:
        raise InvalidInput(
            f"{label} is {len(name):,} characters long: keep it under {max_length}.", field=field
        )
    return name


def clean_text(value: Any, *, field: str, label: str, max_length: int = MAX_TEXT, strip: bool = True) -> str:
    """Optional free text, trimmed unless `strip` is False, refused (not cut) when over `max_length`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field=field)
    _refuse_nul(value, field=field, label=label)
    if len(value) > max_length:
        raise InvalidInput(
            f"{label} is {len(value):,} characters long; the limit is {max_length:,}. "
            "Shorten it or keep the long version in a linked document.",
            field=field,
        )
    return value.strip() if strip else value


def _refuse_nul(value: str, *, field: str, label: str) -> None:
    """PostgreSQL refuses a NUL byte in text; it is refused here, so SQLite refuses it alike."""
    if "\x00" in value:
        raise InvalidInput(
            f"{label} holds a NUL byte (\\0), which cannot be saved: remove it (it often comes from "
            "pasting from a binary file).",
            field=field,
        )


def clean_int(value: Any, *, field: str, label: str, minimum: int, maximum: int) -> int:
    """A whole number in [minimum, maximum]; text like "3" is accepted, "three" is not."""
    if isinstance(value, bool):
        raise InvalidInput(f"{label} must be a whole number.", field=field)
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InvalidInput(f"{label} must be a whole number, not {value!r}.", field=field) from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise InvalidInput(f"{label} must be a whole number.", field=field)
    if not minimum <= value <= maximum:
        raise InvalidInput(f"{label} must be between {minimum} and {maximum} (got {value}).", field=field)
    return value


def clean_choice(value: Any, *, field: str, label: str, choices: dict[str, str]) -> str:
    """One of `choices` (value → label)."""
    if value not in choices:
        allowed = ", ".join(choices)
        raise InvalidInput(f"{label} {value!r} is not one of: {allowed}.", field=field)
    return str(value)


def clean_merge_data(value: Any, *, field: str = "merge_data") -> dict[str, str]:
    """Sample merge data: keys like `first_name` (lowercase, digits, underscores), text values."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput("Sample merge data must be a list of key/value pairs.", field=field)
    cleaned: dict[str, str] = {}
    for raw_key, raw_value in value.items():
        key = str(raw_key).strip()
        if not key:
            continue
        if not MERGE_KEY.match(key):
            raise InvalidInput(
                f"Merge field {key!r} is not a valid name: use lowercase letters, digits and "
                "underscores, starting with a letter (e.g. first_name).",
                field=field,
            )
        if key in cleaned:
            raise InvalidInput(f"Merge field {key!r} appears twice.", field=field)
        text = "" if raw_value is None else str(raw_value)
        _refuse_nul(key + text, field=field, label=f"Merge field {key!r}")
        if len(text) > MAX_MERGE_VALUE:
            raise InvalidInput(
                f"The value of merge field {key!r} is over {MAX_MERGE_VALUE} characters.", field=field
            )
        cleaned[key] = text
    return cleaned
