"""A/B variants of an email: each has a label (metric imports refer to it) and optional overrides.

A variant overrides the email's subject, preheader and/or MJML body; a field left as None uses the
email's own, so a variant labelled "A" with no overrides is the control. Updates are versioned like
every editable row: a save against a stale version is refused with StaleEdit and overwrites nothing.
Functions take an explicit session and leave the commit to the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session

from db.crud import update_versioned
from db.models import EmailVariant, EmailVariantUpdate
from journey.core.errors import DuplicateName, NotFound
from journey.core.fields import clean_field
from journey.plan.activity import stale_edit
from journey.plan.journeys import get_email

LABELS = {
    "label": "Variant label",
    "subject": "Variant subject",
    "preheader": "Variant preheader",
    "mjml": "Variant MJML body",
    "esp_campaign_id": "ESP campaign id",
}


@dataclass(frozen=True)
class VariantContent:
    """What a variant sends: its overrides, or the email's own where it has none."""

    label: str
    subject: str
    preheader: str
    mjml: str


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, label in LABELS.items():
        if name in values:
            value = clean_field(EmailVariantUpdate, name, values[name], label=label)
            # Empty means "no override": the email's own value is used.
            cleaned[name] = value if name == "label" else value or None
    return cleaned


def _ensure_unique(session: Session, email_id: int, label: str, exclude_id: int | None = None) -> None:
    clash = session.execute(
        select(EmailVariant.id).where(
            EmailVariant.email_id == email_id,
            func.lower(EmailVariant.label) == label.lower(),
            EmailVariant.id != (exclude_id or -1),
        )
    ).first()
    if clash:
        raise DuplicateName(f'This email already has a variant labelled "{label}".', field="label")


def list_variants(session: Session, email_id: int) -> list[EmailVariant]:
    """The email's variants, by label."""
    get_email(session, email_id)
    return list(
        session.execute(
            select(EmailVariant)
            .where(EmailVariant.email_id == email_id)
            .order_by(EmailVariant.label, EmailVariant.id)
        ).scalars()
    )


def get_variant(session: Session, variant_id: int) -> EmailVariant:
    variant = session.get(EmailVariant, variant_id)
    if variant is None:
        raise NotFound("That variant no longer exists: it may have been deleted by a teammate.")
    return variant


def add_variant(session: Session, email_id: int, *, label: str, **overrides: Any) -> EmailVariant:
    """A new variant of the email with `label` and any of subject, preheader, mjml, esp_campaign_id."""
    get_email(session, email_id)
    cleaned = _clean({"label": label, **overrides})
    _ensure_unique(session, email_id, cleaned["label"])
    variant = EmailVariant(email_id=email_id, **cleaned)
    session.add(variant)
    session.flush()
    return variant


def update_variant(session: Session, variant_id: int, expected_version: int, **changes: Any) -> EmailVariant:
    """Save changes made against `expected_version`; StaleEdit when someone saved in between."""
    variant = get_variant(session, variant_id)
    cleaned = _clean(changes)
    if "label" in cleaned:
        _ensure_unique(session, variant.email_id, cleaned["label"], exclude_id=variant_id)
    if update_versioned(session, EmailVariant, variant_id, expected_version, cleaned) is None:
        raise stale_edit(session, EmailVariant, variant_id, "variant")
    return get_variant(session, variant_id)


def delete_variant(session: Session, variant_id: int) -> None:
    """Delete a variant (its imported metrics stay, under its label)."""
    get_variant(session, variant_id)
    session.execute(delete(EmailVariant).where(EmailVariant.id == variant_id))
    session.flush()
    session.expire_all()
