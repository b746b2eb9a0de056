"""The workspace brand: company name, postal address, website, logo, sender and colours, set once.

Every email gets it as merge data under `brand` (`{{ brand.name }}`, `{{ brand.address }}`,
`{{ brand.website }}`, `{{ brand.logo_url }}`, `{{ brand.primary_color }}`…): in previews, checks, test
sends, walk-throughs and the CLI (`render --workspace`). It is kept in the Setting "brand" (versioned, so a
save made against a stale version is refused). A workspace that never saved one has an empty brand with
the default colours; the starter's emails then say what is missing (`brand-missing`, `address-missing`).

    load_brand(session) -> Brand          the saved brand (fields no longer valid fall back to their default)
    save_brand(session, values, expected_version) -> Brand
    clean_brand(values) -> Brand          InvalidInput naming the field (URL schemes, #rrggbb, lengths)
    Brand.merge_fields() -> dict          what `{{ brand.… }}` reads
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlmodel import Session

from db.crud import save_setting
from db.models import Setting
from journey.core.errors import InvalidInput, StaleEdit

BRAND_KEY = "brand"
SETTINGS_PAGE = "the Settings page (Workspace → Settings)"


@dataclass(frozen=True)
class Brand:
    """The workspace's brand as every email reads it: `{{ brand.<field> }}`."""

    name: str = ""
    address: str = ""
    website: str = ""
    logo_url: str = ""
    sender_name: str = ""
    reply_to: str = ""
    primary_color: str = "#2f5d8a"
    background_color: str = "#f3f4f6"
    text_color: str = "#1f2937"
    version: int = 0  # the saved Setting's version (0: never saved), to save against

    def merge_fields(self) -> dict[str, str]:
        """The brand as merge data: field → value (the version left out)."""
        return {name: value for name, value in asdict(self).items() if name != "version"}


BRAND_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Brand) if f.name != "version")
BRAND_LABELS = {
    "name": "Company name",
    "address": "Postal address",
    "website": "Website",
    "logo_url": "Logo URL",
    "sender_name": "Sender name",
    "reply_to": "Reply-to address",
    "primary_color": "Primary colour",
    "background_color": "Background colour",
    "text_color": "Text colour",
}
BRAND_HELP = {
    "name": "Your company as readers know it: the emails' header, sign-offs and footer.",
    "address": "Your street address or PO box. CAN-SPAM requires one in every marketing email's footer.",
    "website": "Where the emails' links start, e.g. https://yourbrand.com (the starter links to pages under it).",
    "logo_url": "An https:// address of your logo image (PNG or JPG, about 200 px wide).",
    "sender_name": "The name the emails come from and are signed with, e.g. Nora at Fernhill.",
    "reply_to": "Where replies go, e.g. hello@yourbrand.com.",
    "primary_color": "Buttons, links and the header, as #rrggbb.",
    "background_color": "Behind the email's white content, as #rrggbb.",
    "text_color": "Body text, as #rrggbb.",
}
MAX_LENGTHS = {
    "name": 100,
    "address": 300,
    "website": 300,
    "logo_url": 2000,
    "sender_name": 100,
    "reply_to": 254,
}
COLORS = ("primary_color", "background_color", "text_color")
_COLOR_RE = re.compile(r"#[0-9a-fA-F]{6}")
_SHORT_COLOR_RE = re.compile(r"#[0-9a-fA-F]{3}")
_EMAIL_RE = re.compile(r"[^@\s<>\"(),;:]+@[^@\s<>\"(),;:]+\.[^@\s<>\"(),;:.]{2,}")
_URL_SCHEMES = {"website": ("https://", "http://"), "logo_url": ("https://",)}


def clean_brand_field(name: str, value: Any) -> str:
    """One brand field, trimmed and checked; InvalidInput naming the field when it breaks a rule."""
    label = BRAND_LABELS[name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field=name)
    # One line each: an address typed over several lines reads as one, its lines joined by commas.
    value = ", ".join(" ".join(line.split()) for line in value.splitlines() if line.strip())
    if name in COLORS:
        return _clean_color(name, label, value)
    if len(value) > MAX_LENGTHS[name]:
        raise InvalidInput(
            f"{label} is {len(value):,} characters long: keep it under {MAX_LENGTHS[name]:,}.", field=name
        )
    if not value:
        return ""
    if name in _URL_SCHEMES:
        schemes = _URL_SCHEMES[name]
        host = value.split("://", 1)[-1]
        if not value.lower().startswith(schemes) or not host or " " in value:
            needed = " or ".join(schemes)
            raise InvalidInput(
                f"{label}: '{value[:80]}' is not a web address starting with {needed}"
                + (" (the preview only loads https images)." if name == "logo_url" else "."),
                field=name,
            )
        if name == "website":
            value = value.rstrip("/")  # the starter's links add their own /path
    if name == "reply_to" and not _EMAIL_RE.fullmatch(value):
        raise InvalidInput(
            f"{label}: '{value[:80]}' is not an email address like hello@yourbrand.com.", field=name
        )
    return value


def _clean_color(name: str, label: str, value: str) -> str:
    if not value:
        return getattr(Brand, name)
    if _SHORT_COLOR_RE.fullmatch(value):
        return "#" + "".join(2 * digit for digit in value[1:]).lower()
    if not _COLOR_RE.fullmatch(value):
        raise InvalidInput(
            f"{label}: '{value[:20]}' is not a colour written as #rrggbb (for example #8a4b2a).", field=name
        )
    return value.lower()


def clean_brand(values: dict[str, Any]) -> Brand:
    """A Brand from form or JSON values; unknown keys are ignored, a missing field is empty (colours default)."""
    return Brand(**{name: clean_brand_field(name, values.get(name)) for name in BRAND_FIELDS})


def load_brand(session: Session) -> Brand:
    """The saved brand, with its version; a field not saved or no longer valid falls back to its default."""
    setting = session.get(Setting, BRAND_KEY)
    if setting is None:
        return Brand()
    saved = setting.value or {}
    loaded = {}
    for name in BRAND_FIELDS:
        try:
            loaded[name] = clean_brand_field(name, saved.get(name))
        except InvalidInput:
            loaded[name] = getattr(Brand, name)
    return Brand(**loaded, version=setting.version)


def save_brand(session: Session, values: dict[str, Any] | Brand, expected_version: int) -> Brand:
    """Validate and save the workspace brand against `expected_version` (0 for a first save).

    Refused with StaleEdit, overwriting nothing, when a teammate saved it in between.
    """
    brand = clean_brand(values.merge_fields() if isinstance(values, Brand) else values)
    if not save_setting(session, BRAND_KEY, brand.merge_fields(), expected_version):
        raise StaleEdit(
            "A teammate saved the brand since you opened it. Nothing was overwritten: "
            "reload to see theirs, then change it again."
        )
    return load_brand(session)


def brand_merge_data(session: Session) -> dict[str, str]:
    """The saved brand as the merge data `{{ brand.… }}` reads."""
    return load_brand(session).merge_fields()
