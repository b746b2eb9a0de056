"""Each email's version history: every creation and save kept, any version restored as a new one.

    record(session, email_ids)        keep the emails' current state as a version (after a write)
    list_versions(session, email_id)  the versions, newest first, each with what changed vs the one before
    get_version(session, email_id, n) one version's content
    restore_version(session, email_id, n, expected_version)
                                      save version n's content as the email's next version

A version is the email's content (EMAIL_VERSION_FIELDS: name, purpose, trigger and delay, subject,
preheader, MJML, call to action, status), its version number, when and by whom (actor_of(session))
it was saved, and what it changed against the version before (worked out once, on the save, so the
list reads no MJML). Every path that creates or saves an email calls `record`: journeys.add_email,
update_email, create_journey (starter and demo), duplicate_journey, the journey JSON import and the
template gallery (through add_email), the metric importer's missing emails (through add_email).
Moving an email, its A/B variants and its metrics are not versioned.

History is never rewritten: a restore goes through journeys.update_email (the optimistic lock, the
field rules, a viewer's refusal) and is recorded as a new version that says which one it restored.
Bounded: the last KEEP_VERSIONS versions of each email are kept; older ones are dropped as new ones
are written. An email's history goes with it (ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, literal, select
from sqlmodel import Session

from db.models import EMAIL_VERSION_FIELDS, Email, EmailVersion, Stage, utcnow
from journey.core.access import Role, actor_of, require
from journey.core.errors import NotFound

KEEP_VERSIONS = 200
FIELD_LABELS = {
    "name": "name",
    "purpose": "purpose",
    "trigger": "trigger",
    "trigger_detail": "trigger detail",
    "delay_hours": "delay",
    "subject": "subject",
    "preheader": "preheader",
    "mjml": "MJML body",
    "cta_label": "call-to-action label",
    "cta_url": "call-to-action URL",
    "status": "status",
}


@dataclass(frozen=True)
class VersionSummary:
    version: int
    saved_at: datetime
    saved_by: str
    changed: tuple[
        str, ...
    ]  # labels of the fields that differ from the version before ("created" for the first)
    restored_from: int | None
    subject: str


def _insert_from(session: Session, where, *, changed: str, restored_from: int | None = None) -> None:
    """INSERT INTO email_version SELECT … FROM email WHERE `where`: the emails' current state, one statement."""
    saved_by = actor_of(session).label[:200]
    table = EmailVersion.__table__
    source = (
        select(
            Email.id,
            Email.version,
            literal(utcnow(), table.c.saved_at.type),
            literal(saved_by, table.c.saved_by.type),
            literal(restored_from, table.c.restored_from.type),
            literal(changed[:500], table.c.changed.type),
            *(getattr(Email, name) for name in EMAIL_VERSION_FIELDS),
        )
        .select_from(Email)
        .where(where)
    )
    columns = [
        "email_id",
        "number",
        "saved_at",
        "saved_by",
        "restored_from",
        "changed",
        *EMAIL_VERSION_FIELDS,
    ]
    session.execute(insert(EmailVersion).from_select(columns, source))


def _changes(session: Session, email_id: int) -> str:
    """What the email's current state changes against its latest kept version ("created" when none)."""
    before = session.execute(
        select(*(getattr(EmailVersion, name) for name in EMAIL_VERSION_FIELDS))
        .where(EmailVersion.email_id == email_id)
        .order_by(EmailVersion.number.desc())
        .limit(1)
    ).first()
    if before is None:
        return "created"
    now = session.execute(
        select(*(getattr(Email, name) for name in EMAIL_VERSION_FIELDS)).where(Email.id == email_id)
    ).one()
    return ", ".join(
        FIELD_LABELS[n] for n, a, b in zip(EMAIL_VERSION_FIELDS, before, now, strict=True) if a != b
    )


def record(session: Session, email_ids: Iterable[int], *, restored_from: int | None = None) -> None:
    """Keep the current state of each email as a version, with what it changed against the one before,
    then drop what falls beyond the last KEEP_VERSIONS. Call after the write, in its transaction (an
    email at a time: the editor, the studio, a restore; a whole new journey goes through record_journey)."""
    session.flush()
    for email_id in dict.fromkeys(email_ids):
        changed = _changes(session, email_id)
        _insert_from(session, Email.id == email_id, changed=changed, restored_from=restored_from)
        current = select(Email.version).where(Email.id == email_id).scalar_subquery()
        session.execute(
            delete(EmailVersion)
            .where(EmailVersion.email_id == email_id, EmailVersion.number <= current - KEEP_VERSIONS)
            .execution_options(synchronize_session=False)
        )


def record_journey(session: Session, journey_id: int) -> None:
    """Keep every email of a new journey (from a template, a copy or a file) as its first version: one
    statement, however many emails."""
    session.flush()
    in_journey = Email.stage_id.in_(select(Stage.id).where(Stage.journey_id == journey_id))
    kept = select(EmailVersion.id).where(
        EmailVersion.email_id == Email.id, EmailVersion.number == Email.version
    )  # an email whose current state is kept already is left as it is
    _insert_from(session, in_journey & ~kept.exists(), changed="created")


def _email(session: Session, email_id: int) -> Email:
    from journey.plan.journeys import get_email

    return get_email(session, email_id)


def list_versions(session: Session, email_id: int) -> list[VersionSummary]:
    """The email's kept versions, newest first, each with the fields it changed against the one before
    (read without their MJML: a long history stays a small read)."""
    _email(session, email_id)
    rows = session.execute(
        select(
            EmailVersion.number,
            EmailVersion.saved_at,
            EmailVersion.saved_by,
            EmailVersion.changed,
            EmailVersion.restored_from,
            EmailVersion.subject,
        )
        .where(EmailVersion.email_id == email_id)
        .order_by(EmailVersion.number.desc())
    ).all()
    return [
        VersionSummary(
            number, saved_at, saved_by, tuple(changed.split(", ")) if changed else (), restored, subject
        )
        for number, saved_at, saved_by, changed, restored, subject in rows
    ]


def get_version(session: Session, email_id: int, version: int) -> EmailVersion:
    """One kept version of the email; NotFound when it was never saved or is no longer kept."""
    _email(session, email_id)
    row = session.execute(
        select(EmailVersion).where(EmailVersion.email_id == email_id, EmailVersion.number == version)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(
            f"Version {version} of this email is not kept (the last {KEEP_VERSIONS} versions are).",
            field="version",
        )
    return row


def version_count(session: Session, email_id: int) -> int:
    return session.execute(
        select(func.count(EmailVersion.id)).where(EmailVersion.email_id == email_id)
    ).scalar_one()


def restore_version(session: Session, email_id: int, version: int, expected_version: int) -> Email:
    """Save version `version`'s content as the email's next version (made against `expected_version`:
    refused when a teammate saved since, like any save). The history keeps every version before it."""
    from journey.plan.journeys import update_email

    require(session, Role.editor)
    old = get_version(session, email_id, version)
    values = {name: getattr(old, name) for name in EMAIL_VERSION_FIELDS}
    return update_email(session, email_id, expected_version, restored_from=version, **values)


def diff_against(old: EmailVersion, current: Email) -> list[tuple[str, str]]:
    """(field label, unified diff from `current` to `old`) for each content field that differs: what a
    restore of `old` would change. MJML is compared line by line, the other fields as one line each."""
    import difflib

    diffs = []
    for name in EMAIL_VERSION_FIELDS:
        then, now = str(getattr(old, name)), str(getattr(current, name))
        if then == now:
            continue
        lines = list(difflib.unified_diff(now.splitlines(), then.splitlines(), lineterm="", n=2))
        diffs.append((FIELD_LABELS[name], "\n".join(lines[2:])))  # without the ---/+++ file header
    return diffs
