"""Forms that keep what was typed, and show a refusal beside the field it is about.

A form's widgets are named prefix + field. They are filled from the database once (load_form) and
then keep what the user typed across reruns; only a successful save with reload=True reloads them
(ui.writes.run_write marks the prefix, reload_saved_forms clears it at the top of the next run,
before any widget exists). `Fields` draws one widget per field kind, each with its message under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any

import streamlit as st

from journey.core.errors import JourneyError
from journey.core.fields import field_limits
from journey.core.text import escape_markdown

FORM_RESET = "form_reset"


def field_error(errors: dict[str, str], field: str) -> None:
    """The validation message for `field`, shown right under its widget."""
    if field in errors:
        st.caption(f":red[⚠️ {escape_markdown(errors[field])}]")  # a quoted `*VIP*` or `]` stays as typed


def form_errors(key: str) -> dict[str, str]:
    """The per-field validation messages of one form, kept across reruns."""
    return st.session_state.setdefault(f"{key}_errors", {})


def record_error(key: str, exc: JourneyError) -> None:
    """Put `exc` beside its field (or at the top of the form when it names none)."""
    errors = form_errors(key)
    errors.clear()
    errors[exc.field or "_form"] = str(exc)


def reload_saved_forms() -> None:
    """Forget the widget values of the forms saved on the previous run, so they show the database again."""
    for prefix in st.session_state.pop(FORM_RESET, []):
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
            del st.session_state[key]


def load_form(prefix: str, row, fields) -> None:
    """Put `row`'s values into the widgets named prefix + field, once, with the version they came from."""
    if f"{prefix}version" in st.session_state:
        return
    for field in fields:
        value = getattr(row, field)
        st.session_state[f"{prefix}{field}"] = "" if value is None else value
    st.session_state[f"{prefix}version"] = row.version


class Fields:
    """The widgets of one form (keys prefix + field), each followed by its field's refusal, if any.

    With `model` (a db model, or a mapping of field → maximum length for fields kept outside a table), a
    text widget for one of its fields carries the field's `max_length` as `max_chars`, so the browser
    stops a paste at the limit the save would refuse.
    """

    def __init__(self, prefix: str, model=None) -> None:
        self.prefix = prefix
        self.model = model
        self.errors = form_errors(prefix)
        if "_form" in self.errors:  # a refusal that names no field: at the top of the form
            st.error(escape_markdown(self.errors["_form"]))

    def key(self, field: str) -> str:
        return f"{self.prefix}{field}"

    def error(self, field: str) -> None:
        """The refusal about `field`, for a widget drawn without these helpers."""
        field_error(self.errors, field)

    def values(self, fields, **keys: str) -> dict[str, Any]:
        """What the form's widgets hold now, by field (`keys`: a field whose widget has another key)."""
        return {field: st.session_state[keys.get(field, self.key(field))] for field in fields}

    def _draw(self, widget: str, field: str, label: str, where, kwargs: dict) -> Any:
        kwargs.setdefault("key", self.key(field))
        if widget in ("text_input", "text_area") and self.model is not None:
            if isinstance(self.model, Mapping):  # limits kept outside a table (the brand's)
                if field in self.model:
                    kwargs.setdefault("max_chars", self.model[field])
            elif field in self.model.model_fields:
                kwargs.setdefault("max_chars", field_limits(self.model, field).max_length)
        with where if where is not None else nullcontext():
            value = getattr(st, widget)(label, **kwargs)
            field_error(self.errors, field)
        return value

    def text(self, field: str, label: str, *, where=None, **kwargs) -> str:
        return self._draw("text_input", field, label, where, kwargs)

    def area(self, field: str, label: str, *, where=None, **kwargs) -> str:
        return self._draw("text_area", field, label, where, kwargs)

    def number(self, field: str, label: str, *, where=None, **kwargs) -> float:
        return self._draw("number_input", field, label, where, kwargs)

    def choice(self, field: str, label: str, labels: dict, *, where=None, **kwargs) -> Any:
        """A selectbox of `labels`' keys, each shown as its label."""
        return self._draw(
            "selectbox", field, label, where, {"options": list(labels), "format_func": labels.get, **kwargs}
        )

    def choices(self, field: str, label: str, labels: dict, *, where=None, **kwargs) -> list:
        """A multiselect of `labels`' keys, each shown as its label."""
        return self._draw(
            "multiselect", field, label, where, {"options": list(labels), "format_func": labels.get, **kwargs}
        )
