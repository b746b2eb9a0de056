"""Field rules shared by every form and import: names, free text, numbers, merge-data keys."""

from __future__ import annotations

import re
from typing import Any

from journey.core.errors import InvalidInput

MAX_NAME = 120
MAX_TEXT = 20_000  # a lane, a description: generous, but a 10 MB paste is refused
MAX_MJML = 500_000
MERGE_KEY = re.compile(r"^[a-z_][a-z0-9_]{0,39}$")


def clean_name(value: Any, *, field: str = "name", label: str = "Name", max_length: int = MAX_NAME) -> str:
    """A required, trimmed, single-line name of at most `max_length` characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{label} is empty: give it a name.", field=field)
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
    if len(value) > max_length:
        raise InvalidInput(
            f"{label} is {len(value):,} characters long; the limit is {max_length:,}. "
            "Shorten it or keep the long version in a linked document.",
            field=field,
        )
    return value.strip() if strip else value


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
        if len(text) > 500:
            raise InvalidInput(f"The value of merge field {key!r} is over 500 characters.", field=field)
        cleaned[key] = text
    return cleaned
