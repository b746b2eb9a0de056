"""The one way a page runs a write and shows a refusal.

    saved = run_write(review.save_note, journey_id, week, text, version, success="Notes saved")

`run_write(action, *args, **kwargs)` runs `action(session, *args, **kwargs)` in one transaction and
returns its result (True for an action that returns nothing), or None when the domain refused it (a
JourneyError): the refusal is shown, escaped (journey.core.text.escape_markdown), as
`st.error` where the call is, or, with `form=prefix`, beside the form's field (ui.forms) after a rerun.
Widgets keep what the user typed either way. After a write every cached read is cleared.
The write runs in ui.db.write_session (BEGIN IMMEDIATE on SQLite); when another save or import holds
the database longer than the busy timeout, the write is refused like any other, with DatabaseBusy's
message ("The database is busy with another save; try again in a moment"), never a crash.

`attempt(fn, *args)` is the same for a call that writes nothing (a read that may be refused, a test
send): the result, or None with the refusal shown. Pages never catch JourneyError themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy.exc import OperationalError

from db.engine import is_busy
from journey.core.errors import DatabaseBusy, JourneyError
from journey.core.text import escape_markdown
from ui.db import write_session
from ui.forms import FORM_RESET, form_errors, record_error
from ui.loaders import clear_caches

REFUSAL_ICON = "⚠️"
_REFUSED = object()


def _call(fn, args, kwargs, *, form, refusal, refused) -> Any:
    """fn(*args, **kwargs), or _REFUSED once its JourneyError is shown (or kept with the form, then rerun)."""
    try:
        return fn(*args, **kwargs)
    except JourneyError as exc:
        if form is None:
            st.error(
                refusal.format(escape_markdown(str(exc))), icon=REFUSAL_ICON
            )  # a quoted name stays as typed
        else:
            record_error(form, exc)
        if refused is not None:
            refused(exc)
        if form is not None:
            st.rerun()  # the form, drawn above, shows the message beside its field
        return _REFUSED


def attempt(
    fn: Callable[..., Any],
    *args: Any,
    form: str | None = None,
    refusal: str = "{}",
    refused: Callable[[JourneyError], None] | None = None,
    **kwargs: Any,
) -> Any:
    """`fn(*args, **kwargs)`, or None when it raised a JourneyError, shown as an error here.

    form: keep the message with this form (ui.forms.form_errors) and rerun, so the form shows it
        beside its field (or, naming no field, at its top); what was typed stays in the widgets.
    refusal: the message's format ("Nothing was imported. {}").
    refused: called with the error after it is shown (and before the form's rerun), e.g. to add a
        button that reloads, or to note what the refusal means for the page's state.
    """
    result = _call(fn, args, kwargs, form=form, refusal=refusal, refused=refused)
    return None if result is _REFUSED else result


def _in_transaction(action: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        with write_session() as session:
            return action(session, *args, **kwargs)
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy() from exc
        raise


def run_write(
    action: Callable[..., Any],
    *args: Any,
    form: str | None = None,
    reload: bool = False,
    success: str | None = None,
    rerun: bool = False,
    refusal: str = "{}",
    refused: Callable[[JourneyError], None] | None = None,
    **kwargs: Any,
) -> Any:
    """Run `action(session, *args, **kwargs)` in one transaction: its result (True when it returns
    nothing, so `if run_write(...)` reads "if it was written"), or None when it was refused.

    form: the form's key prefix: a refusal goes beside its field; on success its messages are cleared
        and, with reload=True, its widgets show the database again on the next run (ui.forms).
    success: a toast once it is written. rerun: rerun the page once it is written.
    refusal, refused: as for `attempt`.
    """
    result = _call(_in_transaction, (action, *args), kwargs, form=form, refusal=refusal, refused=refused)
    if result is _REFUSED:
        return None
    clear_caches()
    if form is not None:
        form_errors(form).clear()
        if reload:
            st.session_state.setdefault(FORM_RESET, []).append(form)
    if success:
        st.toast(escape_markdown(success), icon="✅")
    if rerun:
        st.rerun()
    return True if result is None else result
