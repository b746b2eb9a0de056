"""Who is acting, and what their role lets them do: the one home of the access rules.

    Role             owner > editor > viewer
    Actor            who a write is made by: email, display name, role
    LOCAL, CLI       the actors when nobody signs in (the app in open mode; the command line)
    actor_of(s)      the actor of a session (session.info["actor"]); LOCAL when none was set
    act_as(s, a)     set the actor of a session (ui.db.write_session does, from the signed-in user)
    require(s, r)    the actor, or PermissionDenied when their role is below `r`

A viewer changes nothing: the rule is enforced in the services (and by a guard on every session that
refuses a viewer's INSERT, UPDATE or DELETE), not only by hidden buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

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
