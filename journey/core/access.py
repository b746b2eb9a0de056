"""Who is acting, and what their role lets them do: the one home of the access rules.

    Role             owner > editor > viewer
    Actor            who a write is made by: email, display name, role
    LOCAL, CLI       the actors when nobody signs in (the app in open mode; the command line)
    actor_of(s)      the actor of a session (session.info["actor"]); LOCAL when none was set
    act_as(s, a)     set the actor of a session (ui.db.write_session does, from the signed-in user)
    require(s, r)    the actor, or PermissionDenied when their role is below `r`

A viewer changes nothing: the rule is enforced in the services (and by a guard on every session that
refuses a viewer's INSERT, UPDATE or DELETE), not only by hidden buttons.

The guard (listeners on every Session and Engine, registered when this module is imported, which
act_as, the only way to make a session act as a viewer, has done): a session acting as a viewer
raises PermissionDenied when it flushes a change (before_flush), executes an ORM or Core INSERT,
UPDATE or DELETE through session.execute (do_orm_execute), or runs any writing SQL on the
connection of its transaction, session.connection() included (before_cursor_execute: the metric
importer's executemany and exec_driver_sql, db.crud.update_versioned's UPDATE, raw text). The
connection knows its session from the Session's after_begin event until it goes back to the pool.
Owner tasks (accounts, restore, the backup download) call require(session, Role.owner) themselves.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from journey.core.errors import PermissionDenied


class Role(StrEnum):
    owner = "owner"
    editor = "editor"
    viewer = "viewer"

    @property
    def rank(self) -> int:
        return {Role.viewer: 0, Role.editor: 1, Role.owner: 2}[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class Actor:
    email: str
    role: Role
    name: str = ""

    @property
    def label(self) -> str:
        """How the activity log and a stale-save message name this actor."""
        return self.name or self.email

    @property
    def can_edit(self) -> bool:
        return self.role.allows(Role.editor)


LOCAL = Actor(email="local", role=Role.owner, name="Local user (no sign-in)")
CLI = Actor(email="cli", role=Role.owner, name="Command line")
ACTOR_KEY = "actor"


def actor_of(session) -> Actor:
    """The actor a session writes for (LOCAL when nobody set one: the app runs open)."""
    return session.info.get(ACTOR_KEY, LOCAL)


def act_as(session, actor: Actor) -> None:
    session.info[ACTOR_KEY] = actor


def require(session, role: Role) -> Actor:
    """The session's actor, or PermissionDenied when their role is below `role`."""
    actor = actor_of(session)
    if not actor.role.allows(role):
        raise PermissionDenied.needs(role.value, actor.role.value)
    return actor


def may_write(actor: Actor, needed: Role = Role.editor) -> Actor:
    """`actor`, or PermissionDenied when their role is below `needed` (for writes made without a session)."""
    if not actor.role.allows(needed):
        raise PermissionDenied.needs(needed.value, actor.role.value)
    return actor


# --- the guard: a viewer's session writes nothing ------------------------------------------------

_SESSION = "journey_session"  # Connection.info: the Session whose transaction holds this connection
# The first word of SQL that changes the database (a WITH … statement: when it holds one of the DML verbs).
_WRITING = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE", "COPY"})
_WRITING |= {"CREATE", "DROP", "ALTER", "GRANT", "REVOKE", "VACUUM", "REINDEX", "ATTACH", "DETACH"}
_FIRST_WORD = re.compile(r"\s*(?:--[^\n]*\n\s*|/\*.*?\*/\s*)*\(?\s*([A-Za-z]+)", re.DOTALL)
_DML_WORD = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.IGNORECASE)


def writes(sql: str) -> bool:
    """True when the SQL statement `sql` changes the database (anything but a read)."""
    match = _FIRST_WORD.match(sql)
    if match is None:
        return False
    word = match.group(1).upper()
    return word in _WRITING or (word == "WITH" and _DML_WORD.search(sql) is not None)


def _is_viewer(session) -> bool:
    actor = session.info.get(ACTOR_KEY)
    return actor is not None and not actor.can_edit


def _refuse_viewer(session) -> None:
    if _is_viewer(session):
        raise PermissionDenied.needs(Role.editor.value, actor_of(session).role.value)


@event.listens_for(Session, "before_flush")
def _guard_flush(session, _context, _instances) -> None:
    if _is_viewer(session) and (
        session.new or session.deleted or any(session.is_modified(row) for row in session.dirty)
    ):
        _refuse_viewer(session)


@event.listens_for(Session, "do_orm_execute")
def _guard_execute(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_viewer(state.session)


@event.listens_for(Session, "after_begin")
def _link_connection(session, _transaction, connection) -> None:
    connection.info[_SESSION] = weakref.ref(session)


@event.listens_for(Pool, "checkin")
def _unlink_connection(_dbapi_connection, record) -> None:
    if record is not None:
        record.info.pop(_SESSION, None)


@event.listens_for(Engine, "before_cursor_execute", insert=True)
def _guard_cursor(connection, _cursor, statement, _parameters, _context, _executemany) -> None:
    link = connection.info.get(_SESSION)
    session = link() if link is not None else None
    if session is not None and _is_viewer(session) and writes(statement):
        _refuse_viewer(session)
