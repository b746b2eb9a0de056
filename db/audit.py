"""Who changed what: `updated_by` on every editable row and the activity log, kept by every session.

- `updated_by`: an INSERT through the ORM (`session.add`) and an ORM attribute change are stamped with the
  session's actor here (`before_flush`); db.crud.update_versioned, the one update path, stamps its UPDATE.
- `activity`: one row per change, written from a buffer (`session.info`) just before the session commits,
  so in the change's own transaction: a rollback (or a rolled-back savepoint) drops what it buffered.
  Created rows are seen after a flush (their ids known), changed and deleted ones before it; a bulk
  `session.execute(delete(X))` of an editable table selects the rows it is about to delete first. An
  update through db.crud.update_versioned records the fields whose values really changed ("subject,
  preheader"); a save that changed nothing records nothing.
- Folded at commit: the stages, emails and variants created with a journey in the same transaction are
  counted in the journey's row ("with 5 stages, 19 emails"); an explicit import record (`record(...,
  absorbs_created=True)`: the metric and journey imports, journey.plan.activity) takes in every row the
  transaction created; position-only changes of one kind in one journey become one "order" row.

The actor is `session.info["actor"]` (journey.core.access.Actor, read by duck typing: db imports nothing of
journey): its `label` (display name, else email) goes into `updated_by` and `activity.actor_name`, its
`email` into `activity.actor`. A session nobody set an actor on writes as the app in open mode
(LOCAL_EMAIL / LOCAL_LABEL, equal to journey.core.access.LOCAL, which a test checks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Delete

from db.models import (
    Activity,
    Email,
    EmailVariant,
    Journey,
    Persona,
    Setting,
    Snippet,
    Stage,
    WeeklyNote,
    utcnow,
)

TRACKED: dict[type, str] = {
    Persona: "persona",
    Journey: "journey",
    Stage: "stage",
    Email: "email",
    EmailVariant: "variant",
    Snippet: "snippet",
    WeeklyNote: "note",
    Setting: "setting",
}
BY_TABLE: dict[str, type] = {model.__tablename__: model for model in TRACKED}
ACTOR_KEY = "actor"  # as journey.core.access.ACTOR_KEY
LOCAL_EMAIL, LOCAL_LABEL = "local", "Local user (no sign-in)"
BUFFER = "journey_activity"  # session.info: the entries to write at commit
MARKS = "journey_activity_marks"  # session.info: {id(savepoint): buffer length when it began}
NOT_FIELDS = {"id", "created_at", "updated_at", "updated_by", "version"}
CHILDREN = ("stage", "email", "variant")
MAX_SUMMARY = 500
UNLOGGED_SETTINGS = {
    "workspace"
}  # journey.plan.demo's own marker (when the demo was seeded): no one's change


@dataclass
class Entry:
    kind: str
    action: str
    object_id: str = ""
    object_name: str = ""
    journey_id: int | None = None
    summary: str = ""
    absorbs_created: bool = False
    fields: list[str] = field(default_factory=list)
    actor: tuple[str, str] = ("", "")  # (email, label), set by record()


def actor(session: Session) -> tuple[str, str]:
    """(email, label) of the session's actor; the open mode's when none was set."""
    who = session.info.get(ACTOR_KEY)
    if who is None:
        return LOCAL_EMAIL, LOCAL_LABEL
    email = str(getattr(who, "email", "") or LOCAL_EMAIL)
    return email, str(getattr(who, "label", "") or email)[:200]


def actor_label(session: Session) -> str:
    return actor(session)[1]


def record(session: Session, entry: Entry) -> None:
    """Buffer one activity row for this session's transaction (written just before it commits)."""
    if entry.kind == "setting" and entry.object_id in UNLOGGED_SETTINGS:
        return
    entry.actor = actor(session)
    session.info.setdefault(BUFFER, []).append(entry)


def fields_of(model: type) -> list[str]:
    """The columns a person edits (not the id, timestamps, author or version), in table order."""
    return [c.name for c in model.__table__.columns if c.name not in NOT_FIELDS]


def field_label(name: str) -> str:
    """How a summary names a column: "stage" for stage_id, "trigger detail" for trigger_detail."""
    return name.removesuffix("_id").replace("_", " ")


def describe(session: Session, model: type, values: dict[str, Any]) -> tuple[str, int | None]:
    """(the object's name as the log shows it, its journey's id) from a row's values."""
    connection = session.connection()
    kind = TRACKED[model]
    if kind in ("persona", "snippet"):
        return str(values.get("name", "")), None
    if kind == "journey":
        return str(values.get("name", "")), values.get("id")
    if kind == "stage":
        return str(values.get("name", "")), values.get("journey_id")
    if kind == "note":
        return f"Notes for {values.get('week', '')}", values.get("journey_id")
    if kind == "setting":
        return str(values.get("key", "")).replace("_", " "), None
    if kind == "email":
        journey_id = connection.execute(
            sa.select(Stage.journey_id).where(Stage.id == values.get("stage_id"))
        ).scalar()
        return str(values.get("name", "")), journey_id
    found = connection.execute(
        sa.select(Email.name, Stage.journey_id)
        .join(Stage, Stage.id == Email.stage_id)
        .where(Email.id == values.get("email_id"))
    ).first()
    email_name, journey_id = found if found is not None else ("", None)
    return f"{email_name} · variant {values.get('label', '')}".strip(" ·"), journey_id


def _key(model: type, values: dict[str, Any]) -> str:
    return str(values.get("key" if model is Setting else "id", ""))


def _values(obj: Any) -> dict[str, Any]:
    return {c.name: getattr(obj, c.name, None) for c in obj.__table__.columns}


def _entry(session: Session, model: type, values: dict[str, Any], action: str, fields: list[str]) -> Entry:
    name, journey_id = describe(session, model, values)
    return Entry(
        kind=TRACKED[model],
        action=action,
        object_id=_key(model, values),
        object_name=name[:300],
        journey_id=journey_id,
        summary=", ".join(field_label(name) for name in fields),
        fields=fields,
    )


def record_change(
    session: Session, model: type, values: dict[str, Any], changed: list[str], action: str = "changed"
) -> None:
    """Buffer a "changed" (or "restored") row for the editable row with `values`: `changed` names its fields."""
    if model in TRACKED and changed:
        record(session, _entry(session, model, values, action, changed))


# --- the session events ------------------------------------------------------------------------


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    label = actor_label(session)
    for obj in session.new:
        if hasattr(type(obj), "updated_by"):  # every Versioned row (accounts too), logged or not
            obj.updated_by = label
    for obj in session.dirty:
        model = type(obj)
        if model not in TRACKED or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        changed = [name for name in fields_of(model) if state.attrs[name].history.has_changes()]
        if changed:
            obj.updated_by = label
            record_change(session, model, _values(obj), changed)
    for obj in session.deleted:
        if type(obj) in TRACKED:
            record(session, _entry(session, type(obj), _values(obj), "deleted", []))


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context) -> None:
    for obj in session.new:
        if type(obj) in TRACKED:
            record(session, _entry(session, type(obj), _values(obj), "created", []))


@event.listens_for(Session, "do_orm_execute")
def _before_bulk_delete(state) -> None:
    statement = state.statement
    if not isinstance(statement, Delete):
        return
    model = BY_TABLE.get(getattr(statement.table, "name", ""))
    if model is None:
        return
    session = state.session
    query = sa.select(model.__table__)
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    for row in session.connection().execute(query).mappings():
        record(session, _entry(session, model, dict(row), "deleted", []))


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction) -> None:
    if transaction.nested:
        session.info.setdefault(MARKS, {})[id(transaction)] = len(session.info.get(BUFFER, []))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    marks = session.info.get(MARKS, {})
    if previous_transaction.nested and id(previous_transaction) in marks:
        del session.info.setdefault(BUFFER, [])[marks.pop(id(previous_transaction)) :]
    elif not previous_transaction.nested:
        session.info.pop(BUFFER, None)
        session.info.pop(MARKS, None)


@event.listens_for(Session, "before_commit")
def _write_activity(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # the rows a commit would flush are recorded too
    entries = session.info.pop(BUFFER, None)
    session.info.pop(MARKS, None)
    if not entries:
        return
    now = utcnow()
    rows = [
        {
            "at": now,
            "actor": e.actor[0][:200],
            "actor_name": e.actor[1],
            "kind": e.kind,
            "action": e.action,
            "object_id": e.object_id[:80],
            "object_name": e.object_name[:300],
            "journey_id": e.journey_id,
            "summary": e.summary[:MAX_SUMMARY],
        }
        for e in fold(entries)
    ]
    session.connection().execute(sa.insert(Activity.__table__), rows)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(BUFFER, None)
    session.info.pop(MARKS, None)


# --- folding -------------------------------------------------------------------------------------


def _counted(counts: dict[str, int]) -> str:
    plural = {"stage": "stages", "email": "emails", "variant": "variants", "persona": "personas"}
    parts = [f"{n} {kind if n == 1 else plural.get(kind, kind + 's')}" for kind, n in counts.items() if n]
    return ", ".join(parts)


def fold(entries: list[Entry]) -> list[Entry]:
    """The rows to write: children created with their journey, and everything an import created, counted
    in that one row; position-only changes of one kind in one journey as one row. Order kept."""
    importing = [e for e in entries if e.absorbs_created]
    created_journeys = {e.journey_id: e for e in entries if e.kind == "journey" and e.action == "created"}
    out: list[Entry] = []
    counts: dict[int, Counter[str]] = {}
    moved: dict[tuple[str, int | None], Entry] = {}
    changed: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        if importing and entry.action == "created":
            first = importing[0]
            if (entry.kind, entry.object_id) != (first.kind, first.object_id):
                counts.setdefault(id(first), Counter())[entry.kind] += 1
            continue
        parent = created_journeys.get(entry.journey_id) if entry.kind in CHILDREN else None
        if parent is not None and entry.action in ("created", "changed"):
            if entry.action == "created":
                counts.setdefault(id(parent), Counter())[entry.kind] += 1
            continue
        if entry.kind == "journey" and entry.action == "changed" and entry.journey_id in created_journeys:
            continue  # a field set right after the journey was created: part of "created"
        same = changed.get((entry.kind, entry.object_id)) if entry.action == "changed" else None
        if same is not None and entry.fields != ["position"]:  # one save of several parts: one row
            same.fields += [f for f in entry.fields if f not in same.fields]
            same.summary = ", ".join(field_label(name) for name in same.fields)
            continue
        if entry.action == "changed" and entry.fields != ["position"]:
            changed[(entry.kind, entry.object_id)] = entry
        if entry.action == "changed" and entry.fields == ["position"]:
            key = (entry.kind, entry.journey_id)
            if key in moved:
                moved[key].object_name += f", {entry.object_name}"
                moved[key].fields.append("position")
                moved[key].summary = f"order ({len(moved[key].fields)} {entry.kind}s moved)"
                continue
            entry.summary = "order"
            moved[key] = entry
        out.append(entry)
    for entry in out:
        if id(entry) in counts and (text := _counted(counts[id(entry)])):
            entry.summary = f"{entry.summary}; with {text}" if entry.summary else f"with {text}"
    return out
