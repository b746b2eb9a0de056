"""Column mappings: guess which column holds each of our fields, check a mapping, keep it for next time.

    guess_mapping(["Date Sent", "Campaign", "Recipients", "Opened", "Clicked"])   # pure
    save_mapping(session, header, "Weekly ESP export", {"date": "Date Sent", ...})
    find_saved_mapping(session, header)        # the mapping saved for this header, or None

A mapping is {our field: the file's column}. It is saved per workspace under the file's header
(normalised: case, spaces and underscores do not matter) in the Setting table, key
"import_mapping:<digest of the header>", value {"name", "header", "columns"}: next week's file with
the same header imports without mapping again. Names are unique in the workspace (any case), so the
CLI can name one with `--mapping NAME`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, select
from sqlmodel import Session

from db.crud import update_versioned
from db.models import Setting
from journey.core.errors import ImportRejected, StaleEdit
from journey.measure.imports.formats import (
    MAPPING_FIELDS,
    MAPPING_ONE_OF,
    MAPPING_REQUIRED,
    normalize_header,
    read_header,
)

KEY_PREFIX = "import_mapping:"
MAX_NAME = 80

# Our fields in plain words, with one line on what the column must hold.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "date": ("Send date", "the day the email went out (2026-11-02, Nov 02, 2026…)"),
    "stage": ("Journey stage", "the stage the email belongs to; leave it out to match emails by name only"),
    "email": ("Email or campaign name", "the name the email has in the journey"),
    "variant": ("A/B variant", "the variant's label (A, B…); empty when the email has none"),
    "segment": (
        "Segment",
        "the list, audience or segment the row's counts are for; leave it out when the file has none",
    ),
    "campaign_id": ("ESP campaign id", "your email service's id for the send, matched against the email's"),
    "sent": ("Sent", "how many people it was sent to (recipients); without it, delivered + bounces"),
    "delivered": ("Delivered", "sent minus bounces; without it, sent − bounces is used"),
    "opens": ("Unique opens", "people who opened it at least once (not total opens)"),
    "machine_opens": (
        "Machine opens",
        "opens your service flags as Apple Mail Privacy Protection, kept apart",
    ),
    "clicks": ("Unique clicks", "people who clicked at least once (not total clicks)"),
    "conversions": ("Conversions", "orders or goals reached"),
    "unsubscribes": ("Unsubscribes", "people who unsubscribed from it"),
    "bounces": ("Bounces", "emails that could not be delivered"),
    "complaints": ("Spam complaints", "people who marked it as spam"),
    "revenue": ("Revenue", "money it brought in; a currency sign is fine"),
}

# What other services call each field, most specific first (compared as column_words() makes them).
# Totals ("Total Opens", "Total Clicks") count the same person twice, so they are never guessed.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "day",
        "send date",
        "date sent",
        "sent date",
        "send day",
        "sent on",
        "sent at",
        "send time",
        "sent time",
        "send date time",
        "delivery date",
        "campaign date",
    ),
    "stage": ("stage", "journey stage", "lifecycle stage", "funnel stage"),
    "email": (
        "email",
        "email name",
        "campaign name",
        "campaign",
        "campaign title",
        "title",
        "name",
        "message name",
        "message",
        "mailing name",
        "mailing",
        "newsletter",
        "newsletter name",
        "single send name",
        "single send",
        "broadcast name",
        "broadcast",
        "subject",
        "subject line",
        "email subject",
    ),
    "variant": (
        "variant",
        "variant name",
        "variation",
        "ab variant",
        "a b variant",
        "test variant",
        "version",
    ),
    "segment": (
        "segment",
        "segment name",
        "segments",
        "audience",
        "audience name",
        "audiences list",
        "list",
        "list name",
        "lists",
    ),
    "campaign_id": (
        "campaign id",
        "esp campaign id",
        "email id",
        "message id",
        "mailing id",
        "newsletter id",
        "single send id",
        "broadcast id",
        "unique id",
    ),
    "sent": (
        "sent",
        "emails sent",
        "total sent",
        "recipients",
        "total recipients",
        "sends",
        "requests",
        "processed",
        "messages sent",
        "number sent",
        "sent count",
        "send count",
    ),
    "delivered": (
        "delivered",
        "successful deliveries",
        "deliveries",
        "total deliveries",
        "emails delivered",
        "messages delivered",
        "delivered count",
        "accepted",
    ),
    "opens": (
        "unique opens",
        "opens",
        "opened",
        "unique opened",
        "unique openers",
        "openers",
        "unique views",
        "unique opens count",
    ),
    "machine_opens": (
        "machine opens",
        "apple privacy opens",
        "apple mpp opens",
        "mpp opens",
        "proxy opens",
        "bot opens",
    ),
    "clicks": (
        "unique clicks",
        "clicks",
        "clicked",
        "unique clicked",
        "unique clickers",
        "clickers",
        "unique clicks count",
    ),
    "conversions": (
        "conversions",
        "unique conversions",
        "orders",
        "unique orders",
        "total orders",
        "placed order",
        "unique placed order",
        "purchases",
        "transactions",
        "goal completions",
        "conversion count",
    ),
    "unsubscribes": (
        "unsubscribes",
        "unsubscribed",
        "unsubs",
        "unsubscriptions",
        "unsubscribe",
        "opt outs",
        "optouts",
        "unsubscribe count",
    ),
    "bounces": ("bounces", "bounced", "total bounces", "bounce count"),
    "complaints": (
        "spam complaints",
        "complaints",
        "abuse complaints",
        "spam reports",
        "spam report",
        "spamreports",
        "marked as spam",
        "complained",
        "spam",
    ),
    "revenue": ("revenue", "total revenue", "sales", "total sales", "conversion value", "order value"),
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9%]+")


def column_words(name: str) -> str:
    """`Unique_Opens`, `uniqueOpens`, ` Unique opens (#) ` → `unique opens`: how columns are guessed."""
    name = _CAMEL.sub(" ", name.replace("\ufeff", "").strip())
    return " ".join(_NOT_WORD.sub(" ", name.lower()).split())


def field_label(name: str) -> str:
    """Our field in plain words with its name: `Unique opens (opens)`."""
    return f"{FIELD_LABELS[name][0]} ({name})"


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """For each of our fields (MAPPING_FIELDS), the file's column its synonyms name, or None.

    A column is guessed for one field only: the first field (in MAPPING_FIELDS order) whose most
    specific synonym it is. Rates (`Open Rate`) and totals (`Total Opens`) are never guessed.
    """
    by_words: dict[str, str] = {}
    for column in columns:
        by_words.setdefault(column_words(column), column)
    taken: set[str] = set()
    guesses: dict[str, str | None] = {}
    for name in MAPPING_FIELDS:
        guess = next(
            (by_words[s] for s in SYNONYMS[name] if s in by_words and by_words[s] not in taken), None
        )
        if guess is not None:
            taken.add(guess)
        guesses[name] = guess
    return guesses


def parse_map_options(options: list[str]) -> dict[str, str]:
    """`["opens=Unique Opens", "date = Sent on"]` (the CLI's --map) → {"opens": "Unique Opens", …}."""
    mapping: dict[str, str] = {}
    for option in options:
        field, equals, column = option.partition("=")
        field = field.strip().lower().replace(" ", "_").replace("-", "_")
        if not equals or not field or not column.strip():
            raise ImportRejected(
                f'--map “{option}”: write it as our_field=Their Column, e.g. --map opens="Unique Opens".',
                field="mapping",
            )
        if field in mapping:
            raise ImportRejected(f"--map names {field} twice: keep one.", field="mapping")
        mapping[field] = column.strip()
    return mapping


def check_mapping(mapping: dict[str, str], header: list[str]) -> dict[str, str]:
    """The mapping with empty choices dropped, or ImportRejected naming the bad field or column.

    Every field must be one of ours, every column one of the file's, MAPPING_REQUIRED mapped and one
    of MAPPING_ONE_OF.
    """
    columns = [c.replace("\ufeff", "").strip() for c in header]
    present = {normalize_header(c): c for c in columns}
    cleaned: dict[str, str] = {}
    for field, column in mapping.items():
        if not column or not column.strip():
            continue
        if field not in FIELD_LABELS:
            fields = ", ".join(field_label(f) for f in MAPPING_FIELDS)
            raise ImportRejected(
                f"“{field}” is not one of our fields. Our fields: {fields}.", field="mapping"
            )
        if normalize_header(column) not in present:
            listed = ", ".join(f"“{c}”" for c in columns if c)
            raise ImportRejected(
                f"The file has no column “{column}” (mapped to {field_label(field)}). Its columns: {listed}.",
                field="mapping",
            )
        cleaned[field] = present[normalize_header(column)]
    missing = [field_label(f) for f in MAPPING_REQUIRED if f not in cleaned]
    if not any(f in cleaned for f in MAPPING_ONE_OF):
        missing.append(" or ".join(field_label(f) for f in MAPPING_ONE_OF))
    if missing:
        raise ImportRejected(
            f"Choose the column that holds {', '.join(missing)}: "
            f"{'they are' if len(missing) > 1 else 'it is'} needed to import.",
            field="mapping",
        )
    return cleaned


def map_example(header: list[str]) -> str:
    """A `--map` command line for this header: the guessed columns of the needed fields, then what is left."""
    guesses = guess_mapping([c.replace("\ufeff", "").strip() for c in header])
    needed = list(MAPPING_REQUIRED)
    needed[2:2] = [f for f in MAPPING_ONE_OF if guesses[f]] or [MAPPING_ONE_OF[0]]
    parts = [f'--map {f}="{guesses[f]}"' for f in needed if guesses[f]]
    parts += [f'--map {f}="…"' for f in needed if not guesses[f]]
    return " ".join(parts)


def default_mapping_name(file_name: str) -> str:
    """`weekly_esp-export.csv` → `weekly esp-export`: a saved mapping's name until the user types one."""
    stem = Path(file_name).stem.replace("_", " ").strip()
    return " ".join(stem.split())[:MAX_NAME] or "My export"


# --- saved mappings ---------------------------------------------------------------------


@dataclass(frozen=True)
class SavedMapping:
    """A mapping kept for one header: its name, the header it fits, {our field: column}."""

    key: str
    name: str
    header: tuple[str, ...]
    columns: dict[str, str]
    version: int


def header_key(header: list[str]) -> str:
    """The Setting key a header's mapping is saved under (trailing empty columns do not count)."""
    names = [normalize_header(c) for c in header]
    while names and not names[-1]:
        names.pop()
    digest = hashlib.sha256(json.dumps(names).encode()).hexdigest()[:40]
    return KEY_PREFIX + digest


def _saved(setting: Setting) -> SavedMapping | None:
    value = setting.value or {}
    columns = value.get("columns")
    if not isinstance(columns, dict) or not isinstance(value.get("name"), str):
        return None
    return SavedMapping(
        key=setting.key,
        name=value["name"],
        header=tuple(value.get("header") or ()),
        columns={str(k): str(v) for k, v in columns.items()},
        version=setting.version,
    )


def list_saved_mappings(session: Session) -> list[SavedMapping]:
    """Every saved mapping of the workspace, by name."""
    settings = session.execute(select(Setting).where(Setting.key.startswith(KEY_PREFIX))).scalars()
    found = [m for m in map(_saved, settings) if m is not None]
    return sorted(found, key=lambda m: m.name.casefold())


def find_saved_mapping(session: Session, header: list[str]) -> SavedMapping | None:
    """The mapping saved for this header, or None."""
    setting = session.get(Setting, header_key(header))
    return _saved(setting) if setting is not None else None


def saved_mapping_for_file(session: Session, source: BinaryIO | Path | str) -> SavedMapping | None:
    """The mapping saved for the header of `source` (rewound after), or None; an unreadable file has none."""
    try:
        header = read_header(source)
    except ImportRejected:
        return None
    return find_saved_mapping(session, header)


def get_saved_mapping(session: Session, name: str) -> SavedMapping:
    """The saved mapping called `name` (any case); ImportRejected listing the saved ones otherwise."""
    saved = list_saved_mappings(session)
    for mapping in saved:
        if mapping.name.casefold() == name.strip().casefold():
            return mapping
    known = ", ".join(f"“{m.name}”" for m in saved) or "none yet (map a file's columns once, and it is saved)"
    raise ImportRejected(f"No saved mapping is called “{name}”. Saved mappings: {known}.", field="mapping")


def check_mapping_name(session: Session, header: list[str], name: str) -> str:
    """The name, single-spaced, if a mapping of this header may take it; ImportRejected otherwise."""
    name = " ".join(name.split())
    if not name:
        raise ImportRejected("Give the mapping a name, e.g. “Weekly ESP export”.", field="mapping_name")
    if len(name) > MAX_NAME:
        raise ImportRejected(f"Mapping names are limited to {MAX_NAME} characters.", field="mapping_name")
    key = header_key(header)
    for other in list_saved_mappings(session):
        if other.key != key and other.name.casefold() == name.casefold():
            raise ImportRejected(
                f"Another file's mapping is already called “{other.name}”: choose another name.",
                field="mapping_name",
            )
    return name


def save_mapping(
    session: Session,
    header: list[str],
    name: str,
    mapping: dict[str, str],
    *,
    expected_version: int | None = None,
) -> SavedMapping:
    """Save `mapping` for this header as `name` (replacing the header's earlier one).

    `expected_version`: the version the user edited (StaleEdit when a teammate saved in between);
    None saves over whatever is there. The name must be free: another header's mapping may not have it.
    """
    columns = check_mapping(mapping, header)
    name = check_mapping_name(session, header, name)
    key = header_key(header)
    value = {"name": name, "header": [normalize_header(c) for c in header], "columns": columns}
    setting = session.get(Setting, key)
    if setting is None:
        if expected_version:
            raise StaleEdit("A teammate forgot this mapping since you opened it: save it again to keep it.")
        session.add(Setting(key=key, value=value))
    else:
        version = setting.version if expected_version is None else expected_version
        if update_versioned(session, Setting, key, version, {"value": value}) is None:
            raise StaleEdit(
                "A teammate changed this mapping since you opened it. Nothing was overwritten: "
                "upload the file again to see theirs."
            )
    session.flush()
    saved = find_saved_mapping(session, header)
    assert saved is not None
    return saved


def forget_mapping(session: Session, key: str) -> None:
    """Delete a saved mapping (nothing happens when it is already gone)."""
    if not key.startswith(KEY_PREFIX):
        raise ImportRejected("That is not a saved mapping.", field="mapping")
    session.execute(delete(Setting).where(Setting.key == key))
    session.expire_all()


def import_mapped(
    session: Session,
    journey_id: int,
    source: BinaryIO | Path | str,
    *,
    mapping: dict[str, str],
    save_as: str | None = None,
    expected_version: int | None = None,
    **options,
):
    """import_metrics with a column mapping, checked first; once written, the mapping is saved as
    `save_as` for the file's header in the same transaction (a refused name is refused before the
    file is read, and a save that fails after it rolls the import back with it). Options are
    import_metrics's (dry_run, create_missing_stage, progress…)."""
    from journey.measure.imports.importer import import_metrics

    opened_here = not session.in_transaction()
    header = read_header(source)
    columns = check_mapping(mapping, header)
    saving = save_as is not None and not options.get("dry_run")
    if saving:
        check_mapping_name(session, header, save_as)
    if opened_here:
        session.rollback()  # end this read: the file is read without SQLite's write lock
    result = import_metrics(session, journey_id, source, mapping=columns, **options)
    if saving and result.written:
        saved = save_mapping(session, header, save_as, columns, expected_version=expected_version)
        result.mapping_name = saved.name
    return result
