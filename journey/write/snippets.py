"""Snippets: the workspace's library of MJML blocks (header, footer, brand block) that emails include.

An email includes a snippet with `<mj-include path="footer.mjml" />` (the path rule is in
`journey.write.includes`); edit the footer once and every email that includes it changes. Names are
lower case letters, digits, `-` and `_` ("footer", "brand-header"), unique in the workspace. Saves are
versioned like every editable row (a stale save is refused with StaleEdit). A snippet that an email,
a variant or another snippet includes cannot be deleted or renamed (the refusal names who includes
it): that would break those emails. Functions take an explicit session and leave the commit to the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from db.crud import update_versioned
from db.models import Email, EmailVariant, Journey, Snippet, SnippetCreate, SnippetUpdate, Stage
from journey.core.errors import DuplicateName, InvalidInput, NotFound
from journey.core.fields import clean_field
from journey.plan.activity import stale_edit
from journey.write.includes import NAME_ENDINGS, included_names

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LABELS = {"name": "Snippet name", "mjml": "Snippet MJML"}


@dataclass(frozen=True)
class SnippetUse:
    """An email (or one of its variants) that includes a snippet, directly or through another snippet."""

    email_id: int
    email: str
    stage: str
    journey: str
    variant: str | None = None  # the variant's label when it is a variant's body that includes it


def clean_snippet_name(value: Any) -> str:
    """A snippet name: trimmed, lower case, without a .mjml ending; letters, digits, - and _ only."""
    name = clean_field(SnippetCreate, "name", value, label=LABELS["name"]).lower()
    for ending in NAME_ENDINGS:
        if name.endswith(ending):
            name = name[: -len(ending)]
    if not NAME_RE.match(name):
        raise InvalidInput(
            f'Snippet name "{name}" can only hold lower-case letters, digits, - and _ (like footer or '
            'brand-header): it is what <mj-include path="….mjml"> names.',
            field="name",
        )
    return name


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "name" in values:
        cleaned["name"] = clean_snippet_name(values["name"])
    if "mjml" in values:
        cleaned["mjml"] = clean_field(
            SnippetUpdate, "mjml", values["mjml"], label=LABELS["mjml"], strip=False
        )
    return cleaned


def _ensure_unique(session: Session, name: str, exclude_id: int | None = None) -> None:
    query = select(Snippet.id).where(Snippet.name == name, Snippet.id != (exclude_id or -1))
    if session.execute(query).first() is not None:
        raise DuplicateName(f'A snippet named "{name}" already exists: pick another name.', field="name")


def list_snippets(session: Session) -> list[Snippet]:
    """Every snippet, by name."""
    return list(session.execute(select(Snippet).order_by(Snippet.name)).scalars())


def snippet_library(session: Session) -> dict[str, str]:
    """Every snippet as name → MJML: what `<mj-include>`s resolve against."""
    return {name: mjml for name, mjml in session.execute(select(Snippet.name, Snippet.mjml)).all()}


def get_snippet(session: Session, snippet_id: int) -> Snippet:
    snippet = session.get(Snippet, snippet_id)
    if snippet is None:
        raise NotFound("That snippet no longer exists: it may have been deleted by a teammate.")
    return snippet


def get_snippet_by_name(session: Session, name: str) -> Snippet:
    snippet = session.execute(select(Snippet).where(Snippet.name == name.lower())).scalar_one_or_none()
    if snippet is None:
        raise NotFound(f'No snippet named "{name}".', field="name")
    return snippet


def create_snippet(session: Session, *, name: str, mjml: str = "") -> Snippet:
    """A new snippet; its name is required and unique."""
    cleaned = _clean({"name": name, "mjml": mjml})
    _ensure_unique(session, cleaned["name"])
    snippet = Snippet(**cleaned)
    session.add(snippet)
    session.flush()
    return snippet


def _reaching(library: dict[str, str], name: str) -> set[str]:
    """The snippets that include `name`, directly or through others (`name` itself included)."""
    direct = {snippet: included_names(body) for snippet, body in library.items()}
    reached, frontier = {name}, [name]
    while frontier:
        target = frontier.pop()
        for snippet, names in direct.items():
            if target in names and snippet not in reached:
                reached.add(snippet)
                frontier.append(snippet)
    return reached


# A journey in the bin (journey.plan.bin) still counts: deleting a snippet it includes would break it
# once restored. It is named as in the bin.
_JOURNEY_LABEL = case((Journey.deleted_at.is_(None), Journey.name), else_=Journey.name + " (in the bin)")


def emails_including(session: Session, name: str) -> list[SnippetUse]:
    """The emails and variants that include snippet `name`, directly or through another snippet."""
    names = _reaching(snippet_library(session), name.lower())
    rows = session.execute(
        select(Email.id, Email.name, Email.mjml, Stage.name, _JOURNEY_LABEL, Stage.position)
        .join(Stage, Stage.id == Email.stage_id)
        .join(Journey, Journey.id == Stage.journey_id)
        .where(func.lower(Email.mjml).contains("mj-include"))
        .order_by(func.lower(Journey.name), Stage.position, Email.position, Email.id)
    ).all()
    uses = [
        SnippetUse(email_id, email, stage, journey)
        for email_id, email, mjml, stage, journey, _ in rows
        if included_names(mjml) & names
    ]
    variants = session.execute(
        select(Email.id, Email.name, EmailVariant.label, EmailVariant.mjml, Stage.name, _JOURNEY_LABEL)
        .join(Email, Email.id == EmailVariant.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .join(Journey, Journey.id == Stage.journey_id)
        .where(func.lower(EmailVariant.mjml).contains("mj-include"))
        .order_by(func.lower(Journey.name), Email.id, EmailVariant.label)
    ).all()
    uses += [
        SnippetUse(email_id, email, stage, journey, label)
        for email_id, email, label, mjml, stage, journey in variants
        if included_names(mjml or "") & names
    ]
    return uses


def snippets_including(session: Session, name: str) -> list[str]:
    """The other snippets that include snippet `name` directly, by name."""
    return sorted(
        snippet for snippet, body in snippet_library(session).items() if name.lower() in included_names(body)
    )


def usage_counts(session: Session) -> dict[str, int]:
    """Snippet name → how many emails include it (directly or through another snippet; variants count once per email)."""
    return {
        snippet.name: len({use.email_id for use in emails_including(session, snippet.name)})
        for snippet in list_snippets(session)
    }


def _refuse_if_used(session: Session, name: str, doing: str) -> None:
    uses = emails_including(session, name)
    others = snippets_including(session, name)
    if not uses and not others:
        return
    where = [f"“{use.email}”" + (f" (variant {use.variant})" if use.variant else "") for use in uses[:5]]
    if len(uses) > 5:
        where.append(f"and {len(uses) - 5} more")
    where += [f"snippet “{other}”" for other in others]
    raise InvalidInput(
        f'Snippet "{name}" cannot be {doing}: it is included by {", ".join(where)}. '
        "Remove those <mj-include>s first.",
        field="name",
    )


def update_snippet(session: Session, snippet_id: int, expected_version: int, **changes: Any) -> Snippet:
    """Save `changes` (name, mjml) made against `expected_version`; refused when stale, or a rename of a used snippet."""
    snippet = get_snippet(session, snippet_id)
    cleaned = _clean(changes)
    if cleaned.get("name", snippet.name) == snippet.name:
        cleaned.pop("name", None)
    else:
        _ensure_unique(session, cleaned["name"], exclude_id=snippet_id)
        _refuse_if_used(session, snippet.name, f'renamed to "{cleaned["name"]}"')
    if update_versioned(session, Snippet, snippet_id, expected_version, cleaned) is None:
        raise stale_edit(session, Snippet, snippet_id, "snippet")
    return get_snippet(session, snippet_id)


def delete_snippet(session: Session, snippet_id: int) -> None:
    """Delete a snippet; refused (naming them) while emails, variants or snippets include it."""
    snippet = get_snippet(session, snippet_id)
    _refuse_if_used(session, snippet.name, "deleted")
    session.delete(snippet)
    session.flush()
