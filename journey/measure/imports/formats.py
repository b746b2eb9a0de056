"""Reading metric exports: encodings, delimiters, headers, numbers, dates and the known formats.

Pure helpers for journey.measure.imports.importer. A file is read as a stream of bytes: the
encoding comes from its byte-order mark (UTF-8 with or without BOM, UTF-16 LE/BE
as Excel writes it), the delimiter (`,`, `;` or tab) from Excel's `sep=` line or by
csv.Sniffer on the header and first rows, and the
format from the header's column names (or from an explicit `format=`/`mapping=`).

Row numbers follow what a spreadsheet shows: the header is row 1, the first data
row is row 2 (CSV records, so a quoted cell spanning lines is still one row).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import BinaryIO

from journey.core.errors import ImportRejected
from journey.core.text import detect_encoding, sniff_delimiter

FORMATS = {
    "generic": "Generic CSV",
    "mailchimp": "Mailchimp all-campaigns report",
    "klaviyo": "Klaviyo campaign export",
    "klaviyo_flow": "Klaviyo flow export",
    "events": "Per-recipient events (SendGrid, Mailgun, Postmark)",
    "mapped": "Mapped columns",
}
NA_VALUES = frozenset({"", "n/a", "na", "-", "–", "—", "none", "null", "nan"})
MAX_CELL = 1_000_000
csv.field_size_limit(MAX_CELL)


def normalize_header(name: str) -> str:
    """`Send_Date`, ` send date `, `\ufeffSend Date` → `send date`: how columns are compared."""
    name = name.replace("\ufeff", "").strip().strip('"').lower()
    name = re.sub(r"[_\s]+", " ", name)
    return name.strip()


# --- reading bytes as CSV rows ------------------------------------------------


class _CountingReader(io.RawIOBase):
    """A raw stream over `source` that counts the bytes read (for the progress bar)."""

    def __init__(self, source: BinaryIO) -> None:
        self._source = source
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.bytes_read += size
        return size


@dataclass
class CsvStream:
    """An open CSV file: its header, the rows that follow, and how it was read."""

    header: list[str]
    rows: Iterator[list[str]]
    encoding: str
    delimiter: str
    total_bytes: int | None
    counter: _CountingReader
    header_row: int = 1
    _closers: list = field(default_factory=list)

    @property
    def bytes_read(self) -> int:
        return self.counter.bytes_read

    def close(self) -> None:
        for close in self._closers:
            close()


SNIFF_LINES = 20  # the header and the first rows: enough for csv.Sniffer to see which delimiter is consistent
SNIFF_BYTES = 64 * 1024


def _sample(buffered: io.BufferedReader, encoding: str) -> str:
    """The first SNIFF_LINES complete lines of the file, decoded, without consuming them."""
    head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES].decode(encoding, errors="ignore")
    lines = head.split("\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut short
    return "\n".join(lines[:SNIFF_LINES])


def open_csv(source: BinaryIO | Path | str, *, delimiter: str | None = None) -> CsvStream:
    """Open `source` for streaming: detect encoding and delimiter, read the header row.

    Raises ImportRejected for an empty file or one without a header.
    """
    closers = []
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            binary: BinaryIO = path.open("rb")
        except OSError as exc:
            raise ImportRejected(f"Cannot open {path}: {exc.strerror}.") from None
        closers.append(binary.close)
        total = path.stat().st_size
    else:
        binary = source
        total = None
        if binary.seekable():
            binary.seek(0, io.SEEK_END)
            total = binary.tell()
            binary.seek(0)
    counter = _CountingReader(binary)
    buffered = io.BufferedReader(counter, buffer_size=1 << 20)
    encoding = detect_encoding(buffered.peek(4)[:4])
    sample = None if delimiter else _sample(buffered, encoding)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    closers.insert(0, text.close)
    try:
        first = text.readline()
        header_row = 1
        if first.lower().startswith("sep=") and len(first.strip()) == 5:
            # Excel's "sep=;" hint line: not shown as a row in Excel, so not counted.
            delimiter = delimiter or first.strip()[4]
            first = text.readline()
    except UnicodeDecodeError:
        for close in closers:
            close()
        raise ImportRejected(
            "The file is not UTF-8 or UTF-16 text. In Excel, save it as “CSV UTF-8”.", row=1
        ) from None
    if not first.strip():
        for close in closers:
            close()
        raise ImportRejected("The file is empty: export the report again with its header row.", row=1)
    delimiter = delimiter or sniff_delimiter(sample or first)
    header = next(csv.reader([first], delimiter=delimiter))
    reader = csv.reader(text, delimiter=delimiter)
    return CsvStream(
        header=header,
        rows=reader,
        encoding=encoding.replace("-sig", " with BOM"),
        delimiter=delimiter,
        total_bytes=total,
        counter=counter,
        header_row=header_row,
        _closers=closers,
    )


def read_header(source: BinaryIO | Path | str) -> list[str]:
    """The header cells of a file (for a column-mapping form); rewinds a seekable stream."""
    stream = open_csv(source)
    try:
        return [cell.replace("\ufeff", "").strip() for cell in stream.header]
    finally:
        stream.close()
        if not isinstance(source, str | Path) and source.seekable():
            source.seek(0)


# --- cells ----------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; str() is the reason shown with the row number."""


_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")


def parse_decimal(text: str, *, decimal_comma: bool = False) -> float:
    """`1,751` `1.751,5` `64517.0` `1 751` → a float; empty and `n/a` → 0.0. CellError otherwise."""
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if value.lower() in NA_VALUES:
        return 0.0
    if value[0] == "'":  # Excel's escape for a formula-looking cell
        value = value[1:]
    if value[:1] in ("=", "@"):
        raise CellError(f"“{text.strip()[:40]}” is a formula, not a number: export values, not formulas")
    value = value.lstrip("$€£")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:
        if decimal_comma and not _THOUSANDS_COMMA.fullmatch(value):
            value = value.replace(",", ".")
        elif _THOUSANDS_COMMA.fullmatch(value):
            value = value.replace(",", "")
        elif decimal_comma:
            value = value.replace(",", ".")
    elif "." in value and decimal_comma and _THOUSANDS_DOT.fullmatch(value):
        value = value.replace(".", "")
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"“{text.strip()[:40]}” is not a number") from None
    if not math.isfinite(number):
        raise CellError(f"“{text.strip()[:40]}” is not a number")
    return number


def parse_count(text: str, *, decimal_comma: bool = False) -> int:
    """A count: `1751`, `1,751`, `64517.0`, `n/a` (0). CellError for text, fractions, formulas."""
    try:
        return int(text)
    except ValueError:
        pass
    number = parse_decimal(text, decimal_comma=decimal_comma)
    if number != int(number):
        raise CellError(f"“{text.strip()[:40]}” is not a whole number")
    return int(number)


def parse_rate(text: str, *, decimal_comma: bool = False) -> float:
    """A rate as a fraction: `27.78%` → 0.2778, `0.2778` → 0.2778; `n/a` → 0."""
    value = text.strip()
    if value.endswith("%"):
        return parse_decimal(value[:-1], decimal_comma=decimal_comma) / 100
    number = parse_decimal(value, decimal_comma=decimal_comma)
    if number > 1:
        raise CellError(f"“{value[:40]}” is not a rate between 0 and 1 (or a percentage)")
    return number


_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_TEXT_DAY_FORMATS = (
    "%b %d, %Y %I:%M %p",  # Mailchimp: Jun 09, 2018 09:30 pm
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y",
    "%d %b %Y",
)


def parse_day(text: str) -> date:
    """`2026-11-02`, `2026-11-02 10:00:00`, `Jun 09, 2018 09:30 pm` → a date. CellError otherwise."""
    value = text.strip()
    match = _ISO_DAY.fullmatch(value)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(f"“{value[:40]}” is not a real date") from None
    if not value:
        raise CellError("the date is empty")
    value = " ".join(value.split())
    for pattern in _TEXT_DAY_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError as exc:
            if "out of range" in str(exc):
                raise CellError(f"“{value[:40]}” is not a real date") from None
    raise CellError(f"“{value[:40]}” is not a date (use YYYY-MM-DD)")


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MIN_ORDINAL = date(2000, 1, 1).toordinal()
MAX_ORDINAL = date(2100, 1, 1).toordinal()


def parse_event_day(text: str) -> int:
    """The UTC day (as a date ordinal) of a unix timestamp (s or ms) or an ISO 8601 time."""
    try:
        seconds = int(text)
    except ValueError:
        value = text.strip()
        try:
            seconds = int(float(value))
        except ValueError:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise CellError(f"“{value[:40]}” is not a timestamp (unix seconds or ISO 8601)") from None
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.toordinal()
    if seconds > 100_000_000_000:  # milliseconds
        seconds //= 1000
    ordinal = EPOCH_ORDINAL + seconds // 86_400
    if not MIN_ORDINAL <= ordinal < MAX_ORDINAL:
        raise CellError(f"“{text.strip()[:40]}” is not a timestamp between 2000 and 2100")
    return ordinal


def clean_label(text: str) -> str:
    """A name or variant cell: trimmed, single-spaced, Excel's leading apostrophe dropped."""
    value = " ".join(text.split())
    if value[:2] in ("'=", "'+", "'-", "'@"):
        value = value[1:]
    return value


# --- formats ----------------------------------------------------------------------


@dataclass(frozen=True)
class AggregateFormat:
    """A report with one row per email (and variant) per day or send: which column holds what."""

    name: str
    columns: dict[str, tuple[str, ...]]  # our field → header names it may have (normalised)
    required: tuple[str, ...]
    # Per-campaign reports may legitimately hold two sends of one email on one day: summed.
    sums_same_day: bool = False
    rates: dict[str, tuple[str, ...]] = field(default_factory=dict)


GENERIC = AggregateFormat(
    name="generic",
    columns={
        "date": ("date", "day"),
        "stage": ("stage",),
        "email": ("email", "email name"),
        "variant": ("variant",),
        "campaign_id": ("campaign id", "esp campaign id"),
        "sent": ("sent",),
        "delivered": ("delivered",),
        "opens": ("opens", "unique opens"),
        "machine_opens": ("machine opens",),
        "clicks": ("clicks", "unique clicks"),
        "conversions": ("conversions",),
        "unsubscribes": ("unsubscribes",),
        "bounces": ("bounces",),
        "complaints": ("complaints",),
        "revenue": ("revenue",),
    },
    required=(
        "date",
        "stage",
        "email",
        "sent",
        "delivered",
        "opens",
        "clicks",
        "conversions",
        "unsubscribes",
    ),
)
MAILCHIMP = AggregateFormat(
    name="mailchimp",
    columns={
        "date": ("send date",),
        "email": ("title",),
        "campaign_id": ("unique id",),
        "sent": ("total recipients",),
        "delivered": ("successful deliveries",),
        "opens": ("unique opens",),
        "clicks": ("unique clicks",),
        "conversions": ("total orders",),
        "unsubscribes": ("unsubscribes",),
        "bounces": ("total bounces",),
        "soft_bounces": ("soft bounces",),
        "hard_bounces": ("hard bounces",),
        "complaints": ("abuse complaints",),
        "revenue": ("total revenue",),
    },
    required=("date", "email", "sent", "delivered", "opens", "clicks"),
    sums_same_day=True,
)
KLAVIYO = AggregateFormat(
    name="klaviyo",
    columns={
        "date": ("send time",),
        "email": ("campaign name",),
        "variant": ("variant name", "variant"),
        "campaign_id": ("campaign id",),
        "sent": ("total recipients",),
        "delivered": ("successful deliveries",),
        "opens": ("unique opens",),
        "clicks": ("unique clicks",),
        "conversions": ("unique placed order",),
        "unsubscribes": ("unsubscribes",),
        "bounces": ("bounces",),
        "complaints": ("spam complaints",),
        "revenue": ("revenue",),
    },
    required=("date", "email", "sent", "delivered", "opens", "clicks"),
    sums_same_day=True,
)
KLAVIYO_FLOW = AggregateFormat(
    name="klaviyo_flow",
    columns={
        "date": ("day",),
        "email": ("flow message name",),
        "campaign_id": ("flow message id",),
        "delivered": ("delivered",),
        "opens": ("unique opens",),
        "clicks": ("unique clicks",),
        "conversions": ("placed order",),
        "revenue": ("revenue",),
    },
    required=("date", "email", "delivered", "opens", "clicks"),
    rates={
        "unsubscribes": ("unsub rate", "unsubscribe rate"),
        "complaints": ("complaint rate", "spam complaint rate"),
        "bounces": ("bounce rate",),
    },
)
AGGREGATE_FORMATS = {f.name: f for f in (GENERIC, MAILCHIMP, KLAVIYO, KLAVIYO_FLOW)}

# Mapped files use the generic fields; these must be mapped, the rest default to 0 / empty, and one of
# MAPPING_ONE_OF at least (sent = delivered + bounces, delivered = sent − bounces when one is missing).
MAPPING_FIELDS = tuple(GENERIC.columns)
MAPPING_REQUIRED = ("date", "email", "opens", "clicks")
MAPPING_ONE_OF = ("sent", "delivered")

# --- per-recipient events -------------------------------------------------------

EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "recipient": ("email", "recipient", "recipient email", "email address", "to"),
    "event": ("event", "event type", "recordtype", "record type"),
    "timestamp": (
        "timestamp",
        "time",
        "date",
        "event timestamp",
        "receivedat",
        "received at",
        "deliveredat",
        "delivered at",
        "bouncedat",
        "bounced at",
        "occurred at",
    ),
    "campaign_id": ("campaign id", "marketing campaign id", "singlesend id"),
    "email": (
        "email name",
        "campaign",
        "campaign name",
        "marketing campaign name",
        "singlesend name",
        "category",
        "tag",
        "tags",
    ),
    "variant": ("variant", "variant name", "ab variation", "variation"),
    "machine": ("sg machine open", "machine open", "apple privacy open", "apple mpp open"),
    "severity": ("severity",),
}

SENT, DELIVERED, BOUNCE, OPEN, MACHINE_OPEN, CLICK, UNSUBSCRIBE, COMPLAINT = range(8)
EVENT_KINDS = {
    # SendGrid
    "processed": SENT,
    "dropped": BOUNCE,
    "delivered": DELIVERED,
    "bounce": BOUNCE,
    "blocked": BOUNCE,
    "open": OPEN,
    "click": CLICK,
    "spamreport": COMPLAINT,
    "unsubscribe": UNSUBSCRIBE,
    "group_unsubscribe": UNSUBSCRIBE,
    # Mailgun ("failed" is a bounce unless its severity is temporary)
    "accepted": SENT,
    "failed": BOUNCE,
    "opened": OPEN,
    "clicked": CLICK,
    "unsubscribed": UNSUBSCRIBE,
    "complained": COMPLAINT,
    # Postmark
    "delivery": DELIVERED,
    "spamcomplaint": COMPLAINT,
    "subscriptionchange": UNSUBSCRIBE,
}
IGNORED_EVENTS = frozenset(
    {"deferred", "group_resubscribe", "stored", "rejected", "list_member_uploaded", "transient"}
)
TRUE_VALUES = frozenset({"true", "1", "yes", "y", "t"})


def find_columns(names: list[str], aliases: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Our field → the index of the first column whose normalised name is one of its aliases."""
    position = {}
    for index, name in enumerate(names):
        position.setdefault(name, index)
    found = {}
    for target, options in aliases.items():
        for option in options:
            if option in position:
                found[target] = position[option]
                break
    return found


def all_indexes(names: list[str], options: tuple[str, ...]) -> list[int]:
    """Every column whose normalised name is one of `options`, in the order of `options`."""
    return [names.index(o) for o in options if o in names]


def detect_format(names: list[str]) -> str | None:
    """The format a normalised header belongs to, or None when it is not recognised."""
    present = set(names)
    if {"title", "send date", "successful deliveries", "unique opens"} <= present:
        return "mailchimp"
    if {"campaign name", "send time", "total recipients"} <= present:
        return "klaviyo"
    if {"flow message id", "day", "delivered"} <= present or {
        "flow message name",
        "day",
        "delivered",
    } <= present:
        return "klaviyo_flow"
    events = find_columns(names, EVENT_COLUMNS)
    if {"recipient", "event", "timestamp"} <= set(events) and "sent" not in present:
        return "events"
    if {"email", "sent", "delivered", "opens"} <= present and ("date" in present or "day" in present):
        return "generic"
    return None


def duplicated_headers(names: list[str], used: set[int]) -> list[str]:
    """Names of columns the import reads that appear more than once."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return sorted({names[i] for i in used if names[i] and seen[names[i]] > 1})
