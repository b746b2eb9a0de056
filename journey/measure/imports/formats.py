"""Reading metric exports: encodings, delimiters, headers, numbers, dates and the known formats.

Pure helpers for journey.measure.imports.importer. A file is read as a stream of bytes: the
encoding comes from its byte-order mark (UTF-8 with or without BOM, UTF-16 LE/BE
as Excel writes it), or, for a file whose first megabyte is not UTF-8, the Windows code page it
reads in (Excel's "CSV (comma delimited)": Windows-1252 in Western Europe and the US; a note says so), the delimiter (`,`, `;` or tab) from Excel's `sep=` line or by
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
from journey.core.text import code_page_region, detect_encoding, encoding_label, sniff_delimiter

FORMATS = {
    "generic": "Generic CSV",
    "mailchimp": "Mailchimp all-campaigns report",
    "klaviyo": "Klaviyo campaign export",
    "klaviyo_flow": "Klaviyo flow export",
    "mailchimp_campaign": "Mailchimp single-campaign report",
    "mailchimp_ab": "Mailchimp A/B test report",
    "hubspot": "HubSpot marketing email export",
    "campaign_monitor": "Campaign Monitor campaign export",
    "constant_contact": "Constant Contact email report",
    "activecampaign": "ActiveCampaign campaign report",
    "mailerlite": "MailerLite campaign export",
    "mailerlite_classic": "MailerLite Classic campaign report",
    "events": "Per-recipient events (SendGrid, Mailgun, Postmark, Brevo)",
    "mapped": "Mapped columns",
}
NA_VALUES = frozenset({"", "n/a", "na", "-", "–", "—", "none", "null", "nan"})
MAX_CELL = 1_000_000
csv.field_size_limit(MAX_CELL)
MAX_COLUMNS = 500  # real exports have 10 to 60 columns; a mapping form with more is unusable
MAX_HEADER_CELL = 200  # characters in one column name
MAX_HEADER_LINE = MAX_COLUMNS * (MAX_HEADER_CELL + 3)  # read at most this much looking for the header's end
# The largest file the app takes as an upload (.streamlit/config.toml's server.maxUploadSize, kept equal by
# a test): Streamlit holds an upload in memory for the session, so 20 sessions could hold 2 GB. 100 MB is
# about 1.5 million per-recipient events (1 M SendGrid rows are 66 MB). A file on disk given to
# `python -m journey import-metrics` is streamed and has no such limit.
MAX_UPLOAD_MB = 100
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024


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


ENCODING_SAMPLE = 1 << 20  # the first megabyte (the read buffer holds it anyway) tells UTF-8 from a code page
MAX_BLANK_LINES = 10  # blank rows skipped above the header; a file with more is refused as empty
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
        if total is not None and total > MAX_UPLOAD_BYTES:
            raise ImportRejected(
                f"The file is {total / (1024 * 1024):,.0f} MB; an upload is at most {MAX_UPLOAD_MB} MB. Import "
                "it with `python -m journey import-metrics FILE`, which reads a file of any size, or export "
                "fewer days at a time.",
                field="file",
            )
    counter = _CountingReader(binary)
    buffered = io.BufferedReader(counter, buffer_size=ENCODING_SAMPLE)
    encoding = detect_encoding(buffered.peek(ENCODING_SAMPLE)[:ENCODING_SAMPLE], legacy=True)
    sample = None if delimiter else _sample(buffered, encoding)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="")
    closers.insert(0, text.close)
    try:
        first = text.readline(MAX_HEADER_LINE)
        header_row = 1
        if first.lower().startswith("sep=") and len(first.strip()) == 5:
            # Excel's "sep=;" hint line: not shown as a row in Excel, so not counted.
            delimiter = delimiter or first.strip()[4]
            first = text.readline(MAX_HEADER_LINE)
        while first and not first.strip() and header_row <= MAX_BLANK_LINES:
            # Blank rows above the header (a spreadsheet saved with empty top rows): rows Excel shows.
            first = text.readline(MAX_HEADER_LINE)
            header_row += 1
    except UnicodeDecodeError:
        for close in closers:
            close()
        raise ImportRejected(NOT_TEXT, row=1) from None
    if not first.strip():
        for close in closers:
            close()
        raise ImportRejected("The file is empty: export the report again with its header row.", row=1)
    delimiter = delimiter or sniff_delimiter(sample or first)
    try:
        header = _check_header(first, delimiter)
    except ImportRejected:
        for close in closers:
            close()
        raise
    reader = csv.reader(text, delimiter=delimiter)
    return CsvStream(
        header=header,
        rows=reader,
        encoding=encoding_label(encoding),
        delimiter=delimiter,
        total_bytes=total,
        counter=counter,
        header_row=header_row,
        _closers=closers,
    )


NOT_TEXT = (
    "The file is not text we can read (not UTF-8, UTF-16 or a Windows code page). "
    "In Excel, save it as “CSV UTF-8”."
)


def encoding_note(encoding: str) -> str | None:
    """What the import says about a file read in a Windows code page (`CsvStream.encoding`), or None."""
    if not encoding.startswith("windows-"):
        return None
    region = code_page_region(f"cp{encoding.removeprefix('windows-')}")
    return (
        f"The file is not UTF-8: it was read as {encoding.capitalize()} ({region}), what Excel's "
        "“CSV (comma delimited)” writes. If a name shows odd letters, save it in Excel as “CSV UTF-8” "
        "and import it again."
    )


def _check_header(first: str, delimiter: str) -> list[str]:
    """The header row's cells; ImportRejected when it is too wide, a column name too long, or not CSV."""
    if len(first) >= MAX_HEADER_LINE and not first.endswith("\n"):
        raise ImportRejected(
            f"The header row is over {MAX_HEADER_LINE:,} characters long: this is not an export we can read "
            f"(at most {MAX_COLUMNS} columns of up to {MAX_HEADER_CELL} characters each).",
            field="header",
            row=1,
        )
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRejected(f"The header row is not valid CSV: {exc}.", field="header", row=1) from None
    if len(header) > MAX_COLUMNS:
        raise ImportRejected(
            f"The header has {len(header):,} columns; we read at most {MAX_COLUMNS}. "
            "Export only the report's columns, or check the delimiter.",
            field="header",
            row=1,
        )
    for column, cell in enumerate(header, 1):
        if len(cell) > MAX_HEADER_CELL:
            raise ImportRejected(
                f"Row 1, column {column}: the column name is {len(cell):,} characters long "
                f"(at most {MAX_HEADER_CELL}): is the first row really the header?",
                field="header",
                row=1,
                column=column,
            )
        if "\x00" in cell:
            raise ImportRejected(
                f"Row 1, column {column}: the column name holds a NUL byte: the file is not a text CSV.",
                field="header",
                row=1,
                column=column,
            )
    return header


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
    "%a, %b %d, %Y %H:%M",  # Mailchimp campaign report: Mon, Apr 26, 2021 12:25
    "%a, %b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y",
    "%d %b %Y",
)


FIRST_DAY = date(2000, 1, 1)


def day_window(today: date | None = None) -> tuple[date, date]:
    """The days a metric may be for: 2000-01-01 to the end of next year. A date outside is a typo
    (`1026`, `9999`) or a placeholder, and would stretch every chart and week list to cover it."""
    today = today or date.today()
    return FIRST_DAY, date(today.year + 1, 12, 31)


def _in_window(day: date, text: str) -> date:
    first, last = day_window()
    if not first <= day <= last:
        raise CellError(
            f"“{text.strip()[:40]}” is outside the dates we accept ({first:%Y-%m-%d} to {last:%Y-%m-%d}): "
            "check the year"
        )
    return day


def parse_day(text: str) -> date:
    """`2026-11-02`, `2026-11-02 10:00:00`, `Jun 09, 2018 09:30 pm` → a date in `day_window()`.
    CellError otherwise."""
    value = text.strip()
    match = _ISO_DAY.fullmatch(value)
    if match:
        try:
            day = date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise CellError(f"“{value[:40]}” is not a real date") from None
        return _in_window(day, value)
    if not value:
        raise CellError("the date is empty")
    value = " ".join(value.split())
    for pattern in _TEXT_DAY_FORMATS:
        try:
            day = datetime.strptime(value, pattern).date()
        except ValueError as exc:
            if "out of range" in str(exc):
                raise CellError(f"“{value[:40]}” is not a real date") from None
            continue
        return _in_window(day, value)
    raise CellError(f"“{value[:40]}” is not a date (use YYYY-MM-DD)")


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MAX_TIMESTAMP = 10**15  # beyond any unix time in seconds or milliseconds: refused before the arithmetic


def parse_event_day(text: str) -> int:
    """The UTC day (as a date ordinal, in `day_window()`) of a unix timestamp (s or ms) or an ISO 8601 time."""
    try:
        seconds = int(text)
    except ValueError:
        value = text.strip()
        try:
            seconds = int(float(value))
        except (ValueError, OverflowError):  # OverflowError: "inf", "1e400"
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise CellError(f"“{value[:40]}” is not a timestamp (unix seconds or ISO 8601)") from None
            if moment.tzinfo is not None:
                try:
                    moment = moment.astimezone(UTC)
                except OverflowError:  # 0001-01-01T00:00:00+01:00
                    raise CellError(f"“{value[:40]}” is not a real date") from None
            return _in_window(moment.date(), value).toordinal()
    if not -MAX_TIMESTAMP < seconds < MAX_TIMESTAMP:
        raise CellError(f"“{text.strip()[:40]}” is not a timestamp (unix seconds or ISO 8601)")
    if seconds > 100_000_000_000:  # milliseconds
        seconds //= 1000
    ordinal = EPOCH_ORDINAL + seconds // 86_400
    first, last = day_window()
    if not first.toordinal() <= ordinal <= last.toordinal():
        raise CellError(
            f"“{text.strip()[:40]}” is a time outside the dates we accept "
            f"({first:%Y-%m-%d} to {last:%Y-%m-%d})"
        )
    return ordinal


def clean_label(text: str) -> str:
    """A name or variant cell: trimmed, single-spaced, Excel's leading apostrophe dropped.
    CellError for a NUL byte (PostgreSQL refuses it in text; refused on SQLite alike)."""
    if "\x00" in text:
        raise CellError("the cell holds a NUL byte (\\0): the file is not plain text")
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
    # Rates read when the file has no count for that field: count = rate × delivered (bounces: of sent).
    rates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Columns naming the channel (Email, SMS, Push): rows of other channels are skipped with a note.
    channel: tuple[str, ...] = ()
    # The unique opens include the machine (Apple MPP) opens, which are taken out and counted apart.
    opens_include_machine: bool = False


GENERIC = AggregateFormat(
    name="generic",
    columns={
        "date": ("date", "day"),
        "stage": ("stage",),
        "email": ("email", "email name"),
        "variant": ("variant",),
        "segment": ("segment",),
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
    # Both headers: the older (Campaign Name, Send Time, Unique Placed Order…) and the newer
    # (Campaign name, Message send date time, Count of unique conversions…).
    columns={
        "date": ("send time", "message send date time", "send date"),
        "email": ("campaign name",),
        "variant": ("variant name", "variant"),
        # The lists and segments the campaign was sent to: "List" (older), "Audiences list" (newer).
        "segment": ("list", "audiences list"),
        "campaign_id": ("campaign id", "campaign message id"),
        "sent": ("total recipients", "recipients"),
        "delivered": ("successful deliveries", "delivered", "total delivered"),
        "opens": ("unique opens",),
        "machine_opens": ("unique apple privacy opens",),
        "clicks": ("unique clicks",),
        "conversions": ("unique placed order", "unique placed orders", "count of unique conversions"),
        "unsubscribes": ("unsubscribes", "unique unsubscribes"),
        "bounces": ("bounces", "total bounced", "bounced"),
        "complaints": ("spam complaints", "total spam complaints", "spam"),
        "revenue": ("revenue", "placed order value", "conversion value"),
    },
    required=("date", "email", "sent", "opens", "clicks"),
    sums_same_day=True,
    rates={"complaints": ("spam complaints rate", "spam rate", "spam complaint rate")},
    channel=("campaign channel", "send channel", "channel"),
    opens_include_machine=True,
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
        "conversions": ("unique placed order", "placed order"),
        "unsubscribes": ("unsubscribes",),
        "bounces": ("bounced",),
        "complaints": ("spam",),
        "revenue": ("revenue",),
    },
    required=("date", "email", "delivered", "opens", "clicks"),
    # Read only where the export has no count column (older exports had rates only).
    rates={
        "unsubscribes": ("unsub rate", "unsubscribe rate"),
        "complaints": ("complaint rate", "spam complaint rate", "spam rate"),
        "bounces": ("bounce rate",),
    },
    channel=("flow message channel",),
)
HUBSPOT = AggregateFormat(
    name="hubspot",
    columns={
        "date": ("publish date", "send date", "sent date", "last send date"),
        "email": ("email name", "name"),
        "campaign_id": ("email id", "id"),
        "sent": ("sent",),
        "delivered": ("delivered",),
        "opens": ("opened",),
        "clicks": ("clicked",),
        "unsubscribes": ("unsubscribed",),
        "bounces": ("bounced", "bounces"),
        "soft_bounces": ("soft bounced",),
        "hard_bounces": ("hard bounced",),
        "complaints": ("spam reports", "spam reported"),
    },
    required=("date", "email", "sent", "delivered", "opens", "clicks"),
    sums_same_day=True,
)
CAMPAIGN_MONITOR = AggregateFormat(
    name="campaign_monitor",
    columns={
        "date": ("sent date", "date sent", "sent"),
        "email": ("campaign name", "name"),
        "campaign_id": ("campaign id",),
        "sent": ("recipients",),
        "opens": ("unique opened", "unique opens"),
        "clicks": ("unique clicked", "unique clicks"),
        "unsubscribes": ("unsubscribed", "unsubscribes"),
        "bounces": ("bounced", "bounces"),
        "complaints": ("spam complaints", "marked as spam"),
    },
    required=("date", "email", "sent", "opens", "clicks"),
    sums_same_day=True,
)
CONSTANT_CONTACT = AggregateFormat(
    name="constant_contact",
    columns={
        "date": ("last sent date", "sent date", "date sent", "last sent"),
        "email": ("email name", "campaign name", "name"),
        "campaign_id": ("campaign id", "campaign activity id"),
        "sent": ("sends",),
        "opens": ("opens", "unique opens"),
        "clicks": ("clicks", "unique clicks"),
        "unsubscribes": ("unsubscribes", "opt outs", "optouts"),
        "bounces": ("bounces",),
        "complaints": ("spam reports", "abuse reports"),
    },
    required=("date", "email", "sent", "opens", "clicks"),
    sums_same_day=True,
)
ACTIVECAMPAIGN = AggregateFormat(
    name="activecampaign",
    columns={
        "date": ("date", "send date", "campaign send date"),
        "email": ("campaign name", "campaign"),
        "campaign_id": ("campaign id",),
        "sent": ("total sends",),
        "opens": ("unique subscriber opens",),
        "clicks": ("unique subscriber clicks",),
        "unsubscribes": ("total unsubscribes",),
        "bounces": ("total bounces",),
        "soft_bounces": ("total soft bounces",),
        "hard_bounces": ("total hard bounces",),
    },
    required=("date", "email", "sent", "opens", "clicks"),
    sums_same_day=True,
)
MAILERLITE = AggregateFormat(
    name="mailerlite",
    columns={
        "date": ("sent at", "date sent", "sent date"),
        "email": ("campaign name", "name"),
        "campaign_id": ("campaign id", "id"),
        "sent": ("sent", "emails sent"),
        "opens": ("unique opens",),
        "clicks": ("unique clicks",),
        "unsubscribes": ("unsubscribes", "unsubscribed"),
        "soft_bounces": ("soft bounces", "soft bounced"),
        "hard_bounces": ("hard bounces", "hard bounced"),
        "complaints": ("spam complaints",),
    },
    required=("date", "email", "sent", "opens", "clicks"),
    sums_same_day=True,
)
AGGREGATE_FORMATS = {
    f.name: f
    for f in (
        GENERIC,
        MAILCHIMP,
        KLAVIYO,
        KLAVIYO_FLOW,
        HUBSPOT,
        CAMPAIGN_MONITOR,
        CONSTANT_CONTACT,
        ACTIVECAMPAIGN,
        MAILERLITE,
    )
}

# Mapped files use the generic fields; these must be mapped, the rest default to 0 / empty, and one of
# MAPPING_ONE_OF at least (sent = delivered + bounces, delivered = sent − bounces when one is missing).
MAPPING_FIELDS = tuple(GENERIC.columns)
MAPPING_REQUIRED = ("date", "email", "opens", "clicks")
MAPPING_ONE_OF = ("sent", "delivered")

# --- per-recipient events -------------------------------------------------------

# Our field → the columns that may hold it, in order of preference. A row reads the first of them
# that is not empty in that row (Postmark puts the recipient in `Recipient` for deliveries and opens
# but in `Email` for bounces and complaints; SendGrid leaves `marketing_campaign_name` empty for
# Single Sends, named in `singlesend_name`).
EVENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "recipient": ("email", "recipient", "recipient email", "email address", "to"),
    "event": ("event", "event type", "recordtype", "record type"),
    "timestamp": (
        "timestamp",
        "ts event",  # Brevo: UTC seconds (its `date` is CET, its `date_event` the account's time zone)
        "ts",
        "time",
        "date",
        "event timestamp",
        "receivedat",
        "received at",
        "deliveredat",
        "delivered at",
        "bouncedat",
        "bounced at",
        "changedat",  # Postmark SubscriptionChange
        "changed at",
        "occurred at",
        "processed",  # SendGrid Email Activity CSV: the event's time
    ),
    "campaign_id": ("campaign id", "marketing campaign id", "singlesend id", "camp id"),
    "email": (
        "email name",
        "campaign",
        "campaign name",
        "marketing campaign name",
        "singlesend name",
        "category",
        "categories",
        "tag",
        "tags",
    ),
    "variant": ("variant", "variant name", "ab variation", "variation"),
    "machine": ("sg machine open", "machine open", "apple privacy open", "apple mpp open"),
    "severity": ("severity",),  # Mailgun failed: temporary (retried) or permanent
    "failure_reason": ("reason",),  # Mailgun failed: suppress-bounce… = never sent (a known bad address)
    "bounce_type": ("type",),  # SendGrid bounce: bounce or blocked; Postmark Bounce: HardBounce, Transient…
    "suppress": ("suppresssending", "suppress sending"),  # Postmark SubscriptionChange: true = unsubscribed
    "suppression_reason": ("suppressionreason", "suppression reason"),
}

(
    SENT,
    DELIVERED,
    BOUNCE,
    OPEN,
    MACHINE_OPEN,
    CLICK,
    UNSUBSCRIBE,
    COMPLAINT,
    SOFT_BOUNCE,  # a bounce only for a recipient the file never shows delivered
    DROPPED,  # not sent (suppressed, invalid, blocked by the provider): taken out of sent
) = range(10)
EVENT_KIND_COUNT = 10
EVENT_KINDS = {
    # SendGrid event webhook
    "processed": SENT,
    "dropped": DROPPED,
    "delivered": DELIVERED,
    "bounce": BOUNCE,
    "blocked": SOFT_BOUNCE,
    "open": OPEN,
    "click": CLICK,
    "spamreport": COMPLAINT,
    "unsubscribe": UNSUBSCRIBE,
    "group_unsubscribe": UNSUBSCRIBE,
    # SendGrid Email Activity CSV spells some with spaces
    "spam report": COMPLAINT,
    "group unsubscribe": UNSUBSCRIBE,
    # Mailgun ("failed" is a bounce unless its severity is temporary; "bounced" in its legacy webhooks)
    "accepted": SENT,
    "failed": BOUNCE,
    "bounced": BOUNCE,
    "opened": OPEN,
    "clicked": CLICK,
    "unsubscribed": UNSUBSCRIBE,
    "complained": COMPLAINT,
    # Postmark (a Bounce's Type says whether it is permanent; SubscriptionChange is read with
    # SuppressSending and SuppressionReason)
    "delivery": DELIVERED,
    "spamcomplaint": COMPLAINT,
    "subscriptionchange": UNSUBSCRIBE,
    # Brevo (marketing and transactional webhooks); also "delivered", "opened", "click", "unsubscribed"
    "request": SENT,
    "hard_bounce": BOUNCE,
    "soft_bounce": SOFT_BOUNCE,
    "spam": COMPLAINT,
    "unique_opened": OPEN,
    "proxy_open": MACHINE_OPEN,
    "unique_proxy_open": MACHINE_OPEN,
    "invalid_email": DROPPED,
    "error": DROPPED,
}
# Events that say nothing about a metric we keep: counted per event and listed, never an error.
IGNORED_EVENTS = frozenset(
    {
        "deferred",
        "group_resubscribe",
        "group resubscribe",
        "stored",
        "rejected",
        "list_member_uploaded",
        "transient",
        "list_addition",
        "contact_updated",
        "contact_deleted",
        "unique_coupon_sent",
    }
)
# Bounce types (the `type` / `Type` column of a bounce event) that are not permanent: a soft bounce,
# counted only for a recipient the file never shows delivered. SendGrid: blocked; Postmark: every
# Type but HardBounce, BadEmailAddress and ManuallyDeactivated (an out-of-office AutoResponder
# arrives as a Bounce of a delivered email).
SOFT_BOUNCE_TYPES = frozenset(
    {
        "blocked",
        "soft",
        "transient",
        "softbounce",
        "dnserror",
        "autoresponder",
        "addresschange",
        "spamnotification",
        "openrelaytest",
        "unknown",
        "virusnotification",
        "challengeverification",
        "subscribe",
        "unsubscribe",
        "unconfirmed",
        "smtpapierror",
        "inbounderror",
        "dmarcpolicy",
        "templaterenderingfailed",
    }
)
# Postmark SubscriptionChange reasons already counted by their own event (Bounce, SpamComplaint).
COUNTED_SUPPRESSIONS = frozenset({"hardbounce", "spamcomplaint"})
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


# Columns that together name a provider's tabular export (normalised).
PROVIDER_HEADERS = (
    ("hubspot", frozenset({"email name", "sent", "delivered", "opened", "clicked"})),
    ("campaign_monitor", frozenset({"recipients", "unique opened"})),
    ("activecampaign", frozenset({"total sends", "unique subscriber opens"})),
    ("mailerlite", frozenset({"sent", "unique opens", "spam complaints", "hard bounces", "soft bounces"})),
)
# The first line of a key/value report (journey.measure.imports.reports) → its format.
REPORT_TITLES = {
    "email campaign report": "mailchimp_campaign",
    "campaign report": "mailchimp_ab",  # Mailchimp's A/B report; MailerLite Classic's is told apart below
}


def detect_format(names: list[str]) -> str | None:
    """The format a normalised header belongs to, or None when it is not recognised.

    A key/value report's "header" is its title line (one cell): Mailchimp's single-campaign
    and A/B reports, MailerLite Classic's campaign report; reports.detect_report tells the last two apart.
    """
    present = set(names)
    if len([n for n in names if n]) == 1 and names[0] in REPORT_TITLES:
        return REPORT_TITLES[names[0]]
    if {"title", "send date", "successful deliveries", "unique opens"} <= present:
        return "mailchimp"
    if {"campaign name", "send time", "total recipients"} <= present or {
        "campaign name",
        "message send date time",
    } <= present:
        return "klaviyo"
    for name, columns in PROVIDER_HEADERS:
        if columns <= present:
            return name
    if {"sends", "opens", "clicks", "bounces"} <= present and present & {"spam reports", "did not open"}:
        return "constant_contact"
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


def detect_event_source(names: list[str]) -> str:
    """Which provider's per-recipient events a normalised header looks like ("" when none in particular)."""
    present = set(names)
    if {"processed", "message id", "event"} <= present:
        return "SendGrid Email Activity CSV"
    if present & {"sg event id", "sg message id", "sg machine open", "singlesend id", "smtp-id"}:
        return "SendGrid event webhook"
    if present & {"recordtype", "record type"}:
        return "Postmark webhooks"
    if present & {"ts event", "camp id", "date event", "ts sent"}:
        return "Brevo events"
    if "severity" in present or any(n.startswith(("message.headers", "delivery-status")) for n in names):
        return "Mailgun events"
    return ""


def duplicated_headers(names: list[str], used: set[int]) -> list[str]:
    """Names of columns the import reads that appear more than once."""
    seen: dict[str, int] = {}
    for name in names:
        seen[name] = seen.get(name, 0) + 1
    return sorted({names[i] for i in used if names[i] and seen[names[i]] > 1})
