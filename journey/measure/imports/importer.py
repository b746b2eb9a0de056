"""Import metric exports into metric_daily: all-or-nothing, streaming, idempotent.

    import_metrics(session, journey_id, "export.csv")            # auto-detect, write
    import_metrics(session, journey_id, upload, dry_run=True)    # the summary, nothing written

Formats (journey.measure.imports.formats, FORMATS): generic CSV, Mailchimp all-campaigns,
single-campaign and A/B reports, Klaviyo campaign and flow exports, HubSpot, Campaign Monitor,
Constant Contact, ActiveCampaign and MailerLite reports, per-recipient events (SendGrid, Mailgun,
Postmark, Brevo), or any CSV through `mapping={"date": "Day", "email": "Message", ...}`.

Rules:
- Rows map to the journey's emails by ESP campaign id (Email.esp_campaign_id, or
  EmailVariant.esp_campaign_id which also gives the variant), else by email name
  (case-insensitive).
- Mailchimp A/B pairs, one narrow rule (`split_ab_title`): a title ending in " (B)", " (C)"… (one
  letter in brackets, or a variant label the email already has) whose base title, "Welcome", is an
  email of the journey or another title in the same file, is variant B, C… of that email, unless an
  email is named "Welcome (B)" itself. The base title's rows on a day a lettered one was sent become
  variant A. The import creates the EmailVariant rows the email lacks (its label, and the file's
  Subject where it differs from the email's own), and the dry run's check says what it paired
  (`CheckRow.pair`).
- A row that breaks a rule is rejected with its row number (header = row 1). If any
  row is rejected nothing is written: the result lists them and the user fixes the file.
- Rows of emails the journey does not have are listed as unmatched and skipped, or,
  with `create_missing_stage`, the emails are created (in the row's own stage for the
  generic format, else in that stage) in the same transaction.
- One metric_daily row per email, variant and day: a re-import replaces it. Within a
  file, two rows for the same email, variant and day are duplicates (rejected) in the
  generic and flow formats; in per-campaign reports (Mailchimp, Klaviyo campaigns) two
  different campaigns sent on one day for one email are summed, while the same
  campaign twice is a duplicate.
- Where the file carries a segment (the generic `segment` column, a mapped one, Klaviyo's `List` /
  `Audiences list`), each email, variant and day is also kept per segment in metric_segment_daily
  (same counts; metric_daily holds their sum, as without segments). Rows for one email, variant, day
  and segment are duplicates (or summed) as above; writing a day's totals replaces its segment rows.
- Events are counted as unique recipients per email, variant and day, where the day
  is the day the recipient was sent the email (their first processed/accepted,
  delivered or bounce event in the file; an event with none uses its own UTC day).
  sent = recipients with processed/accepted events (less those only dropped), or
  delivered ∪ bounced when the file has none for that email; a soft bounce counts only for
  a recipient never delivered. Opens flagged as machine opens (sg_machine_open, Brevo's
  proxy_open) go to machine_opens for recipients with no other open. A field found in
  several columns (Postmark's Recipient and Email) reads the first filled one. Events that
  count towards no metric, known or not, are counted per event in `ignored_events`: never
  a rejection.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Column, MetaData, Table, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from db import rollups
from db.models import (
    MAX_SEGMENT,
    METRIC_COUNTS,
    METRIC_FIELDS,
    Email,
    EmailVariant,
    Journey,
    MetricDaily,
    MetricSegmentDaily,
    Stage,
    utcnow,
)
from journey.core.access import Role, require
from journey.core.errors import ImportRejected, JourneyError
from journey.core.fields import field_limits
from journey.core.text import plural
from journey.measure.imports.formats import (
    AGGREGATE_FORMATS,
    BOUNCE,
    CLICK,
    COMPLAINT,
    COUNTED_SUPPRESSIONS,
    DELIVERED,
    DROPPED,
    EVENT_COLUMNS,
    EVENT_KIND_COUNT,
    EVENT_KINDS,
    FORMATS,
    GENERIC,
    IGNORED_EVENTS,
    MACHINE_OPEN,
    MAPPING_ONE_OF,
    MAPPING_REQUIRED,
    OPEN,
    SENT,
    SOFT_BOUNCE,
    SOFT_BOUNCE_TYPES,
    TRUE_VALUES,
    UNSUBSCRIBE,
    AggregateFormat,
    CellError,
    CsvStream,
    all_indexes,
    clean_label,
    detect_event_source,
    detect_format,
    duplicated_headers,
    encoding_note,
    find_columns,
    normalize_header,
    open_csv,
    parse_count,
    parse_day,
    parse_decimal,
    parse_event_day,
    parse_rate,
)
from journey.measure.imports.reports import REPORT_FORMATS, ReportCellError, read_report, report_values
from journey.measure.segments import NO_SEGMENT
from journey.plan import journeys
from journey.plan.activity import record_import

Progress = Callable[[float, str], None]
MAX_REJECTED_LISTED = 1_000
MAX_VARIANT = field_limits(MetricDaily, "variant").max_length
MAX_SUBJECT = field_limits(EmailVariant, "subject").max_length
WRITE_BATCH = 5_000
PROGRESS_EVERY = 1 << 15
# Mailchimp titles "Welcome (B)" name variant B of "Welcome"; MailerLite Classic names its email by subject.
MAILCHIMP_FORMATS = frozenset({"mailchimp", "mailchimp_campaign", "mailchimp_ab"})
SUBJECT_NAMED = frozenset({"mailerlite_classic"})
AB_TITLE = re.compile(r"(?P<base>.*\S) \((?P<label>[^()]{1,40})\)")
AB_LETTER = re.compile(r"[A-Za-z]")
# A row's values in metric_daily order (the counts, then revenue), as read from the table; the unpacking
# fails at import if the table gains a column this module does not know.
COUNT_NAMES = METRIC_COUNTS
SENT_I, DELIVERED_I, OPENS_I, MACHINE_I, CLICKS_I, CONV_I, UNSUB_I, BOUNCES_I, COMPLAINTS_I, REVENUE_I = (
    range(len(METRIC_FIELDS))
)


@dataclass
class RejectedRow:
    row: int  # as a spreadsheet shows it: header = row 1, first data row = row 2
    error: str


@dataclass
class UnmatchedEmail:
    """An email named in the file that the journey does not have."""

    name: str
    campaign_id: str
    rows: int
    sent: int = 0
    delivered: int = 0
    opens: int = 0
    clicks: int = 0


@dataclass
class IgnoredEvent:
    """Rows of one event kind that count towards no metric: listed in the check, never an error."""

    event: str  # as the file writes it
    rows: int
    known: bool  # an event we know says nothing we count (deferred…); False: a spelling we do not know
    reason: str = ""

    @property
    def message(self) -> str:
        why = self.reason or ("" if self.known else "an event we do not know")
        rows = plural(self.rows, "row")
        return f"{rows} of event “{self.event}” ignored{f' ({why})' if why else ''}"


@dataclass
class CheckRow:
    """What a dry run will do with one email (and variant) of the file: the journey's email its rows
    update, with how many days are new and how many replace saved ones, or why they are skipped."""

    file_email: str  # the name as the file writes it (or the ESP campaign id when it has no name)
    campaign_id: str
    file_variant: str
    first_row: int  # as a spreadsheet shows it
    rows: int
    email: str = ""  # the journey's email its rows go to ("" when skipped)
    stage: str = ""
    variant: str = ""
    new_days: int = 0  # metric rows (email, variant, day) not saved yet
    updated_days: int = 0  # saved ones that the import replaces
    created: bool = False  # the email will be created (create_missing_stage)
    skipped: str = ""  # why its rows are skipped
    pair: str = ""  # the Mailchimp A/B pair these rows belong to, in words ("" when none)


@dataclass
class ImportResult:
    format: str
    rows_read: int = 0
    imported: int = 0  # metric_daily rows written (or that would be, in a dry run)
    rejected: list[RejectedRow] = field(default_factory=list)  # the first 1,000
    unmatched: list[UnmatchedEmail] = field(default_factory=list)
    created_emails: list[str] = field(default_factory=list)
    detected: bool = False  # format chosen from the header
    encoding: str = ""
    delimiter: str = ","
    rejected_total: int = 0
    dry_run: bool = False
    written: bool = False
    first_day: date | None = None
    last_day: date | None = None
    notes: list[str] = field(default_factory=list)  # what was read but skipped on purpose, and why
    provider: str = ""  # for events: whose export the header looks like ("SendGrid Email Activity CSV")
    ignored_events: list[IgnoredEvent] = field(default_factory=list)  # most rows first
    # The dry run's plan (journey.measure.imports.preview shows it): one row per email and variant.
    check: list[CheckRow] = field(default_factory=list)
    new_days: int = 0
    updated_days: int = 0
    skipped_rows: int = 0  # rows of emails the journey does not have
    segment_rows: int = 0  # metric_segment_daily rows written (or that would be), where the file has segments
    mapping_name: str = ""  # the saved column mapping used or saved

    @property
    def format_label(self) -> str:
        label = FORMATS.get(self.format, self.format)
        return f"{label}: {self.provider}" if self.provider else label

    @property
    def ok(self) -> bool:
        return not self.rejected_total

    def to_dict(self) -> dict:
        """Plain JSON-ready data (what the CLI prints with --json)."""
        data = asdict(self)
        data["first_day"] = self.first_day.isoformat() if self.first_day else None
        data["last_day"] = self.last_day.isoformat() if self.last_day else None
        return data


# --- the journey's emails -----------------------------------------------------------


@dataclass(frozen=True)
class StageRef:
    id: int
    name: str


@dataclass
class _Targets:
    journey_id: int
    by_campaign: dict[str, tuple[int, str | None]]
    by_name: dict[str, int]
    stage_of: dict[int, int]
    stages: dict[str, StageRef]
    variants: dict[int, dict[str, str]]
    labels: dict[int, tuple[str, str]]  # email id → (its name, its stage's name)
    subject_of: dict[int, str] = field(default_factory=dict)  # email id → its subject
    by_subject: dict[str, int] = field(default_factory=dict)  # subjects only one email has

    @classmethod
    def load(cls, session: Session, journey_id: int) -> _Targets:
        tree = journeys.load_tree(session, journey_id)
        emails = tree.emails
        by_campaign: dict[str, tuple[int, str | None]] = {}
        variants: dict[int, dict[str, str]] = {e.id: {} for e in emails}
        if emails:
            for variant in session.execute(
                select(EmailVariant).where(EmailVariant.email_id.in_([e.id for e in emails]))
            ).scalars():
                variants[variant.email_id][variant.label.casefold()] = variant.label
                if variant.esp_campaign_id:
                    by_campaign[variant.esp_campaign_id.strip()] = (variant.email_id, variant.label)
        for email in emails:
            if email.esp_campaign_id:
                by_campaign[email.esp_campaign_id.strip()] = (email.id, None)
        by_name = {e.name.casefold(): e.id for e in emails}
        subjects: dict[str, list[int]] = {}
        for email in emails:
            if email.subject.strip():
                subjects.setdefault(" ".join(email.subject.split()).casefold(), []).append(email.id)
        return cls(
            journey_id=journey_id,
            by_campaign=by_campaign,
            by_name=by_name,
            stage_of={e.id: e.stage_id for e in emails},
            stages={n.stage.name.casefold(): StageRef(n.stage.id, n.stage.name) for n in tree.stages},
            variants=variants,
            by_subject={subject: ids[0] for subject, ids in subjects.items() if len(ids) == 1},
            labels={e.id: (e.name, n.stage.name) for n in tree.stages for e in n.emails},
            subject_of={e.id: e.subject for e in emails},
        )

    def stage_list(self) -> str:
        return ", ".join(f"“{s.name}”" for s in self.stages.values()) or "none yet"

    def resolve(
        self, campaign_id: str, name: str, variant: str, *, suffix_variants: bool, subjects: bool = False
    ) -> tuple[int, str] | None:
        """(email id, variant label) for a row, or None when the journey has no such email."""
        target = self.by_campaign.get(campaign_id) if campaign_id else None
        if target is not None:
            email_id, label = target
            return email_id, label if label is not None else self._variant(email_id, variant)
        email_id = self.by_name.get(name.casefold()) if name else None
        if email_id is not None:
            return email_id, self._variant(email_id, variant)
        if suffix_variants and name:
            pair = split_ab_title(name)
            email_id = self.by_name.get(pair[0].casefold()) if pair else None
            if email_id is not None:
                label = self.ab_label(email_id, pair[1])
                if label:
                    return email_id, label
        if subjects and name:
            email_id = self.by_subject.get(name.casefold())
            if email_id is not None:
                return email_id, self._variant(email_id, variant)
        return None

    def ab_label(self, email_id: int | None, suffix: str) -> str | None:
        """The variant a title's bracketed suffix names: one letter ("B"), or a label the email's
        variants already have ("Short subject"). Anything else ("Nov", "copy 01") is not a variant."""
        known = self.variants.get(email_id, {}) if email_id is not None else {}
        if suffix.casefold() in known:
            return known[suffix.casefold()]
        return suffix.upper() if AB_LETTER.fullmatch(suffix) else None

    def _variant(self, email_id: int, label: str) -> str:
        return self.variants.get(email_id, {}).get(label.casefold(), label) if label else ""


def split_ab_title(title: str) -> tuple[str, str] | None:
    """ "Welcome (B)" → ("Welcome", "B"): a title and its last bracketed suffix, or None without one."""
    match = AB_TITLE.fullmatch(title)
    return (match["base"], match["label"]) if match else None


# --- import ----------------------------------------------------------------------------


class _Run:
    """The state of one import while the file is read."""

    def __init__(self, result: ImportResult, progress: Progress | None, stream: CsvStream) -> None:
        self.result = result
        self.progress = progress
        self.stream = stream
        # (campaign id, folded name, folded stage) → [name, campaign id, stage, first row, rows, totals…]
        self.idents: dict[tuple[str, str, str], list] = {}
        # (ident, folded variant, day ordinal) → [first row, variant, counts (10)]
        self.entries: dict[tuple, list] = {}
        self.other_channels: dict[str, list[int]] = {}  # "SMS" → rows skipped as not email
        # (ident, folded variant) → [first row, rows]; (ident, variant) → (email id, label) or None
        self.group_rows: dict[tuple, list] = {}
        self.matched: dict[tuple, tuple[int, str] | None] = {}
        # Mailchimp A/B pairs found in the file: lettered ident → (its base title's ident, label)
        self.pairs: dict[tuple, tuple[tuple, str]] = {}
        # folded name → the id of the email created for it (a stand-in in a dry run)
        self.created: dict[str, int] = {}
        self.subjects: dict[tuple, str] = {}  # ident → its first row's subject (Mailchimp's Subject column)
        # Where the file has a segment column: entry key → {folded segment: [first row, segment, counts]},
        # and once matched, (email id, variant, day) → {folded segment: [segment, counts]}.
        self.segments: dict[tuple, dict[str, list]] = {}
        self.segment_rows: dict[tuple[int, str, date], dict[str, list]] = {}
        self.segment_column = ""  # the file's segment column, as its header writes it
        # A streamed import (_stream) keeps no counts while it checks the file: only each email-day's
        # first row under one int, and the variants as written.
        self.streaming = False
        self.seen: dict[int, int] = {}
        self.numbers: dict[object, int] = {}
        self.written: dict[tuple, None] = {}  # (ident, variant as written), in file order

    def count_rows(self, ident: tuple, folded_variant: str, first_row: int, rows: int) -> None:
        """Count `rows` file rows (from `first_row`) for the check of this email and variant."""
        tally = self.group_rows.get((ident, folded_variant))
        if tally is None:
            self.group_rows[(ident, folded_variant)] = [first_row, rows]
        else:
            tally[1] += rows
            if first_row < tally[0]:
                tally[0] = first_row

    def number(self, value: object) -> int:
        """A small int for an ident or a folded variant (the parts of an email-day's int code)."""
        number = self.numbers.get(value)
        if number is None:
            number = self.numbers[value] = len(self.numbers)
        return number

    def reject(self, row: int, error: str) -> None:
        result = self.result
        result.rejected_total += 1
        if len(result.rejected) < MAX_REJECTED_LISTED:
            result.rejected.append(RejectedRow(row, error))

    def report(self, rows: int) -> None:
        if self.progress is None:
            return
        total = self.stream.total_bytes
        fraction = min(self.stream.bytes_read / total, 1.0) if total else 0.0
        self.progress(0.9 * fraction, f"Reading the file: {rows:,} rows so far")

    def ident(self, campaign_id: str, name: str, stage: str, row: int) -> tuple[str, str, str]:
        key = (campaign_id, name.casefold(), stage.casefold())
        if key not in self.idents:
            self.idents[key] = [name, campaign_id, stage, row, 0, 0, 0, 0, 0]
        return key


def import_metrics(
    session: Session,
    journey_id: int,
    source: BinaryIO | Path | str,
    *,
    format: str = "auto",
    mapping: dict[str, str] | None = None,
    create_missing_stage: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Read a metrics export and upsert its unique counts for `journey_id` (see the module doc).

    Returns the summary; writes only when no row is rejected and not `dry_run` (in the
    session's transaction, with any emails it creates: the caller commits, like every service).
    Raises ImportRejected when the file as a whole cannot be read (empty, bad header…); then,
    and when rows are rejected, whatever the import wrote is rolled back. A written import leaves one
    "imported" row in the activity log, in the same transaction (journey.plan.activity.record_import).
    A viewer's import (not a dry run) is refused (PermissionDenied) before the file is read.
    """
    require(session, Role.viewer if dry_run else Role.editor)  # a check reads: anyone may run one
    result = _import_metrics(
        session,
        journey_id,
        source,
        format=format,
        mapping=mapping,
        create_missing_stage=create_missing_stage,
        dry_run=dry_run,
        progress=progress,
    )
    if result.written:
        _record_import(session, journey_id, source, result)
    return result


def _record_import(session: Session, journey_id: int, source, result: ImportResult) -> None:
    name = (
        Path(source).name if isinstance(source, str | Path) else Path(getattr(source, "name", "") or "").name
    )
    journey_name = session.execute(select(Journey.name).where(Journey.id == journey_id)).scalar() or ""
    days = f", {result.first_day} to {result.last_day}" if result.first_day and result.last_day else ""
    created = f", {plural(len(result.created_emails), 'email')} created" if result.created_emails else ""
    record_import(
        session,
        kind="import",
        name=f"{name or 'metrics file'} → {journey_name}",
        journey_id=journey_id,
        object_id=name,
        summary=f"{plural(result.imported, 'row')} of {result.format_label}{days}{created}",
    )


def _import_metrics(
    session: Session,
    journey_id: int,
    source: BinaryIO | Path | str,
    *,
    format: str = "auto",
    mapping: dict[str, str] | None = None,
    create_missing_stage: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    if format not in ("auto", *FORMATS):
        raise ImportRejected(f"Unknown format “{format}”: choose auto, {', '.join(FORMATS)}.", field="format")
    opened_here = not session.in_transaction()
    targets = _Targets.load(session, journey_id)
    segments_saved = _segments_saved(session, journey_id)  # read now: the file is read outside a transaction
    if opened_here:
        # End the read this call began: on SQLite every transaction holds the write lock (BEGIN
        # IMMEDIATE), and reading a big file should not block teammates' saves. Writing opens a new
        # transaction. A transaction the caller already had open is the caller's: it stays.
        session.rollback()
    if create_missing_stage is not None and create_missing_stage.casefold() not in targets.stages:
        raise ImportRejected(
            f"This journey has no stage named “{create_missing_stage}” to create missing emails in "
            f"(stages: {targets.stage_list()}).",
            field="create_missing_stage",
        )
    stream = open_csv(source)
    try:
        names = [normalize_header(cell) for cell in stream.header]
        try:
            preamble = _skip_preamble(stream, names) if format == "auto" and not mapping else []
        except (UnicodeDecodeError, csv.Error) as exc:  # in a row below an unknown header
            raise _unreadable(exc, stream.header_row, stream.encoding) from None
        names = [normalize_header(cell) for cell in stream.header]
        chosen, detected = _choose_format(names, format, mapping)
        result = ImportResult(
            format=chosen,
            detected=detected,
            encoding=stream.encoding,
            delimiter=stream.delimiter,
            dry_run=dry_run,
        )
        result.notes += preamble
        result.notes += filter(None, [encoding_note(stream.encoding)])
        run = _Run(result, progress, stream)
        run.streaming = not segments_saved and _streams(chosen, source, dry_run)
        _read_rows(run, chosen, names, targets, mapping)
    finally:
        stream.close()
    if result.rows_read == 0:
        raise ImportRejected("The file has a header but no data rows.", row=2)
    # A savepoint: a rejected import undoes its own writes (emails it created), not the caller's.
    savepoint = session.begin_nested()
    try:
        chosen = result.format  # a "Campaign report" may have turned out to be MailerLite Classic's
        if run.streaming:
            reopen = partial(_Reopen, source, chosen, names, mapping, bool(preamble))
            return _finish_streamed(run, targets, create_missing_stage, session, savepoint, reopen, progress)
        if not any(folded for segments in run.segments.values() for folded in segments):
            run.segments.clear()  # a segment column left blank throughout: no segments to keep
        rows = _resolve(run, targets, chosen, create_missing_stage, session, dry_run)
        _note_segments(run)
        if rows and result.rejected_total == 0:
            days = [key[2] for key in rows]
            result.first_day, result.last_day = min(days), max(days)
        if dry_run and not result.rejected_total:
            _plan(run, targets, rows, session, create_missing_stage)
        if result.rejected_total or dry_run:
            savepoint.rollback()  # emails created before a duplicate was found; none in a dry run
            result.imported = len(rows) if not result.rejected_total else 0
            return result
        _write(session, rows, chosen, progress, run.segment_rows)
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
        raise ImportRejected(
            "An email or stage of this journey was deleted while the file was read: nothing was "
            "imported. Import the file again."
        ) from None
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    result.imported = len(rows)
    result.written = True
    if progress is not None:
        progress(1.0, f"Imported {len(rows):,} rows.")
    return result


MAX_SEGMENTS_NAMED = 5


def _note_segments(run: _Run) -> None:
    """Count the segment rows the import keeps, and say so in a note naming the first segments."""
    result = run.result
    result.segment_rows = sum(len(segments) for segments in run.segment_rows.values())
    if not result.segment_rows or result.rejected_total:
        return
    spelled: dict[str, str] = {}  # one name per segment, in any case
    for segments in run.segment_rows.values():
        for folded, (segment, _counts) in segments.items():
            spelled.setdefault(folded, segment or NO_SEGMENT)
    names = sorted(spelled.values(), key=str.casefold)
    shown = ", ".join(f"“{n}”" for n in names[:MAX_SEGMENTS_NAMED]) + (
        " …" if len(names) > MAX_SEGMENTS_NAMED else ""
    )
    result.notes.append(
        f"Kept per segment ({run.segment_column}): {plural(len(names), 'segment')} ({shown}), "
        f"{result.segment_rows:,} rows, for the weekly review's “By segment” table."
    )


def _streams(chosen: str, source, dry_run: bool) -> bool:
    """Whether an import reads the file twice instead of holding its rows: a one-row-per-email-and-day
    format (the generic CSV, mapped files, flow exports) written for real from a file it can read
    again, or checked (a dry run: one pass, which keeps one int per email-day, `_check_streamed`). Not into a journey with saved segment rows (a re-import replaces those day by day, from
    the rows in memory), nor from a file with a segment column (_read_rows)."""
    spec = AGGREGATE_FORMATS.get(chosen, GENERIC if chosen == "mapped" else None)
    if spec is None or spec.sums_same_day or chosen in MAILCHIMP_FORMATS:
        return False
    return dry_run or isinstance(source, str | Path) or source.seekable()  # a check reads the file once


def _segments_saved(session: Session, journey_id: int) -> bool:
    """Whether metric_segment_daily holds any row of the journey's emails (one indexed look-up)."""
    table = MetricSegmentDaily.__table__
    found = session.execute(
        select(table.c.id)
        .join(Email, Email.id == table.c.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .where(Stage.journey_id == journey_id)
        .limit(1)
    ).first()
    return found is not None


def _read_rows(
    run: _Run, chosen: str, names: list[str], targets: _Targets, mapping: dict[str, str] | None
) -> None:
    """Read every row of the file in its format; a file that is not text or not CSV is refused whole."""
    try:
        if chosen == "events":
            _read_events(run, names, targets)
        elif chosen in REPORT_FORMATS:
            _read_report(run, chosen)
        else:
            spec, columns = _aggregate_columns(chosen, names, mapping, run.stream.header)
            run.streaming = run.streaming and "segment" not in columns
            _read_aggregate(run, spec, columns, names, targets)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _unreadable(exc, run.result.rows_read + run.stream.header_row, run.stream.encoding) from None


def _unreadable(exc: UnicodeDecodeError | csv.Error, row: int, encoding: str) -> ImportRejected:
    """The refusal of a file that stops being text or CSV after `row` (as a spreadsheet counts rows)."""
    if isinstance(exc, UnicodeDecodeError):
        return ImportRejected(
            f"The file is not {encoding} text after row {row:,} (its first megabyte is): it mixes "
            "encodings. In Excel, save it as “CSV UTF-8”.",
            row=row + 1,
        )
    return ImportRejected(f"The file is not valid CSV after row {row:,}: {exc}.", row=row + 1)


PREAMBLE_LINES = 10


def _skip_preamble(stream: CsvStream, names: list[str]) -> list[str]:
    """Some exports (Klaviyo's flow analytics) put a title or a date range above the header: when the
    first row is no header we know, the first of the next PREAMBLE_LINES rows that is one becomes the
    header. A note saying so, or none (nothing found: the file is refused as before)."""
    if detect_format(names) is not None:
        return []
    for skipped, cells in enumerate(stream.rows, 1):
        if skipped > PREAMBLE_LINES:
            break
        candidate = [normalize_header(cell) for cell in cells]
        if len([c for c in candidate if c]) > 1 and detect_format(candidate) is not None:
            stream.header = cells
            stream.header_row += skipped
            lines = f"the {skipped} line{'s' if skipped > 1 else ''} above it"
            verb = "were" if skipped > 1 else "was"
            return [
                f"The header is row {stream.header_row}: {lines} (a title or a date range) {verb} not read."
            ]
    return []


def _choose_format(names: list[str], format: str, mapping: dict[str, str] | None) -> tuple[str, bool]:
    if mapping:
        return "mapped", False
    if not any(names):
        raise ImportRejected("The first row is empty: it must be the header with the column names.", row=1)
    detected = detect_format(names)
    if format == "auto":
        if detected is None:
            raise ImportRejected(
                "The header is not one we recognise (generic; Mailchimp, Klaviyo, HubSpot, Campaign Monitor, "
                "Constant Contact, ActiveCampaign or MailerLite reports; events): "
                "map its columns to ours, or check it is the first row of the file.",
                field="header",
                row=1,
            )
        return detected, True
    if format == "mapped":
        raise ImportRejected("The “mapped” format needs a column mapping.", field="mapping")
    return format, False


def _aggregate_columns(
    chosen: str, names: list[str], mapping: dict[str, str] | None, header: list[str]
) -> tuple[AggregateFormat, dict[str, int]]:
    if chosen == "mapped":
        spec = AggregateFormat(name="mapped", columns=GENERIC.columns, required=MAPPING_REQUIRED)
        columns = {}
        for target, column in (mapping or {}).items():
            if not column:
                continue
            if target not in GENERIC.columns:
                raise ImportRejected(
                    f"“{target}” is not one of our fields ({', '.join(GENERIC.columns)}).", field="mapping"
                )
            wanted = normalize_header(column)
            if wanted not in names:
                raise ImportRejected(
                    f"The file has no column “{column}” (mapped to {target}).", field="mapping"
                )
            columns[target] = names.index(wanted)
        missing = [f for f in MAPPING_REQUIRED if f not in columns]
        if not any(f in columns for f in MAPPING_ONE_OF):
            missing.append(" or ".join(MAPPING_ONE_OF))
        if missing:
            raise ImportRejected(f"Map a column to each of: {', '.join(missing)}.", field="mapping")
    else:
        spec = AGGREGATE_FORMATS[chosen]
        columns = find_columns(names, spec.columns)
        for target, options in spec.rates.items():
            found = find_columns(names, {target: options})
            if found and target not in columns:  # a count, where the file has one, wins over its rate
                columns[f"{target}_rate"] = found[target]
        columns.update(find_columns(names, {"channel": spec.channel}))
        missing = [spec.columns[f][0] for f in spec.required if f not in columns]
        if missing:
            raise ImportRejected(
                f"The header lacks column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(f'“{m}”' for m in missing)} needed for the {FORMATS[chosen]} format.",
                field="header",
                row=1,
            )
    duplicated = duplicated_headers(names, set(columns.values()))
    if duplicated:
        shown = [header[names.index(n)].replace("\ufeff", "").strip() for n in duplicated]
        raise ImportRejected(
            f"The header has duplicated column{'s' if len(shown) > 1 else ''} "
            f"{', '.join(f'“{s}”' for s in shown)}: keep one of each and import again.",
            field="header",
            row=1,
        )
    return spec, columns


@lru_cache(maxsize=4096)
def _day_ordinal(text: str) -> int:
    """A date cell as a day number; cached, as a file repeats its dates on every row (bounded:
    report timestamps are mostly unique). A CellError is raised, not cached."""
    return parse_day(text).toordinal()


class _AggregateCells:
    """How to read one row of an aggregate file: where each field sits, and its checks."""

    def __init__(self, spec: AggregateFormat, columns: dict[str, int], stream: CsvStream) -> None:
        self.spec = spec
        self.header = [cell.replace("\ufeff", "").strip() for cell in stream.header]
        self.decimal_comma = stream.delimiter == ";"
        self.date_i = columns["date"]
        self.email_i = columns.get("email")
        self.campaign_i = columns.get("campaign_id")
        self.stage_i = columns.get("stage")
        self.variant_i = columns.get("variant")
        self.segment_i = columns.get("segment")
        self.counts = [(COUNT_NAMES.index(f), columns[f]) for f in COUNT_NAMES if f in columns]
        self.revenue_i = columns.get("revenue")
        soft_i, hard_i = columns.get("soft_bounces"), columns.get("hard_bounces")
        # Soft and hard bounces add up to bounces when the file has no bounces column.
        self.bounce_parts = [] if "bounces" in columns else [i for i in (soft_i, hard_i) if i is not None]
        self.rates = [
            (COUNT_NAMES.index(f), columns[f"{f}_rate"]) for f in spec.rates if f"{f}_rate" in columns
        ]
        self.derive_sent = "sent" not in columns
        # Reports without a delivered count (Campaign Monitor, Constant Contact…): sent − bounces.
        self.derive_delivered = "delivered" not in columns and "sent" in columns
        self.machine_in_opens = spec.opens_include_machine and "machine_opens" in columns
        self.channel_i = columns.get("channel")

    def names(self, cells: list[str], targets: _Targets) -> tuple[int, str, str, str, str]:
        """The row's day, email name, campaign id (one of the two may be empty), stage and variant."""
        try:
            day = _day_ordinal(cells[self.date_i])
        except CellError as exc:
            raise CellError(f"{self.header[self.date_i]}: {exc}") from None
        name = self.label(cells, self.email_i) if self.email_i is not None else ""
        campaign_id = ""
        if self.campaign_i is not None:
            self.label(cells, self.campaign_i)  # refuses a NUL byte, naming the column
            campaign_id = cells[self.campaign_i].strip()
        if campaign_id.lower() in ("n/a", "-"):
            campaign_id = ""
        if not name and not campaign_id:
            where = self.email_i if self.email_i is not None else self.date_i
            raise CellError(f"{self.header[where]}: the email name is empty")
        if name.startswith("="):
            raise CellError(f"{self.header[self.email_i]}: “{name[:40]}” is a formula, not an email name")
        stage = self.label(cells, self.stage_i) if self.stage_i is not None else ""
        if stage and stage.casefold() not in targets.stages:
            raise CellError(f"unknown stage “{stage}” (this journey's stages: {targets.stage_list()})")
        if not stage and self.stage_i is not None and self.spec.name == "generic":
            raise CellError(f"{self.header[self.stage_i]}: the stage is empty")
        variant = self.label(cells, self.variant_i) if self.variant_i is not None else ""
        if len(variant) > MAX_VARIANT:
            raise CellError(
                f"{self.header[self.variant_i]}: variant names are limited to {MAX_VARIANT} characters"
            )
        return day, name, campaign_id, stage, variant

    def segment(self, cells: list[str]) -> str | None:
        """The row's segment ("" when left blank), or None when the file has no segment column."""
        if self.segment_i is None:
            return None
        segment = self.label(cells, self.segment_i)
        if segment.lower() in ("n/a", "-", "none"):
            return ""
        if segment.startswith("="):
            raise CellError(f"{self.header[self.segment_i]}: “{segment[:40]}” is a formula, not a segment")
        if len(segment) > MAX_SEGMENT:
            raise CellError(
                f"{self.header[self.segment_i]}: segment names are limited to {MAX_SEGMENT} characters"
            )
        return segment

    def values(self, cells: list[str]) -> list:
        """The row's counts and revenue (metric_daily order), derived ones filled in and checked."""
        values = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0]
        for position, index in self.counts:
            try:
                values[position] = int(cells[index])  # the common case, without a call
            except ValueError:
                values[position] = self._cell(parse_count, cells, index)
        if self.revenue_i is not None:
            try:
                values[REVENUE_I] = round(
                    parse_decimal(cells[self.revenue_i], decimal_comma=self.decimal_comma), 2
                )
            except CellError as exc:
                raise CellError(f"{self.header[self.revenue_i]}: {exc}") from None
        for index in self.bounce_parts:
            values[BOUNCES_I] += self._cell(parse_count, cells, index)
        if self.derive_delivered:
            if values[BOUNCES_I] > values[SENT_I]:
                raise CellError(f"bounces ({values[BOUNCES_I]:,}) are more than sent ({values[SENT_I]:,})")
            values[DELIVERED_I] = values[SENT_I] - values[BOUNCES_I]
        if self.machine_in_opens:
            if values[MACHINE_I] > values[OPENS_I]:
                raise CellError(
                    f"Apple privacy opens ({values[MACHINE_I]:,}) are more than unique opens "
                    f"({values[OPENS_I]:,}), which include them"
                )
            values[OPENS_I] -= values[MACHINE_I]
        for position, index in self.rates:
            rate = self._cell(parse_rate, cells, index)
            if position == BOUNCES_I:
                values[position] = round(rate * values[DELIVERED_I] / (1 - rate)) if rate < 1 else 0
            else:
                values[position] = round(rate * values[DELIVERED_I])
        if self.derive_sent:
            values[SENT_I] = values[DELIVERED_I] + values[BOUNCES_I]
        elif self.derive_delivered:
            values[DELIVERED_I] = values[SENT_I] - values[BOUNCES_I]
        problem = _check_counts(values)
        if problem:
            raise CellError(problem)
        return values

    def label(self, cells: list[str], index: int) -> str:
        """A name cell cleaned by clean_label; a CellError names its column."""
        try:
            return clean_label(cells[index])
        except CellError as exc:
            raise CellError(f"{self.header[index]}: {exc}") from None

    def _cell(self, parse: Callable[..., float], cells: list[str], index: int) -> float:
        """A number cell read by `parse`; a CellError names its column."""
        try:
            return parse(cells[index], decimal_comma=self.decimal_comma)
        except CellError as exc:
            raise CellError(f"{self.header[index]}: {exc}") from None


def _read_aggregate(
    run: _Run, spec: AggregateFormat, columns: dict[str, int], names: list[str], targets: _Targets
) -> None:
    keep = _check_entry if run.streaming else _add_entry
    for key, row, variant, values, segment in _aggregate_rows(run, spec, columns, names, targets):
        keep(run, spec, key, row, variant, values, segment)


def _aggregate_rows(
    run: _Run, spec: AggregateFormat, columns: dict[str, int], names: list[str], targets: _Targets
):
    """Each good row of an aggregate file as ((ident, folded variant, day), row, variant, counts,
    segment): read lazily, one row at a time; bad rows are rejected on `run` and left out."""
    result, stream = run.result, run.stream
    read = _AggregateCells(spec, columns, stream)
    width = len(read.header)
    subject_i = names.index("subject") if spec.name == "mailchimp" and "subject" in names else None
    sends_seen: dict[tuple, int] = {}
    row = stream.header_row
    for cells in stream.rows:
        row += 1
        if not cells or (not cells[0] and not any(cells)):
            continue
        result.rows_read += 1
        if not result.rows_read % PROGRESS_EVERY:
            run.report(result.rows_read)
        if len(cells) != width and (len(cells) < width or any(cells[width:])):
            run.reject(
                row,
                f"the row has {len(cells)} cells but the header has {width} "
                "(a number like 1,751 without quotes, or a missing delimiter?)",
            )
            continue
        try:
            if read.channel_i is not None and not _is_email(cells[read.channel_i]):
                run.other_channels.setdefault(read.label(cells, read.channel_i), []).append(row)
                continue
            day, name, campaign_id, stage, variant = read.names(cells, targets)
            values = read.values(cells)
            segment = read.segment(cells)
        except CellError as exc:
            run.reject(row, str(exc))
            continue
        except IndexError:
            run.reject(row, f"the row has {len(cells)} cells but the header has {width}")
            continue
        ident = run.ident(campaign_id, name, stage, row)
        if subject_i is not None and ident not in run.subjects and "\x00" not in cells[subject_i]:
            run.subjects[ident] = " ".join(cells[subject_i].split())[:MAX_SUBJECT]
        _tally(run, ident, values)
        if spec.sums_same_day:
            send = (
                (campaign_id, variant.casefold())
                if campaign_id
                else (name.casefold(), variant.casefold(), cells[read.date_i])
            )
            if send in sends_seen:
                run.reject(row, f"duplicate of row {sends_seen[send]} (the same campaign twice)")
                continue
            sends_seen[send] = row
        yield (ident, variant.casefold(), day), row, variant, values, segment
    run.report(result.rows_read)
    if read.segment_i is not None:
        run.segment_column = read.header[read.segment_i]
    if run.other_channels:
        header = read.header[read.channel_i]
        skipped = sum(len(rows) for rows in run.other_channels.values())
        kinds = ", ".join(
            f"{kind or 'empty'}: {len(rows)}" for kind, rows in sorted(run.other_channels.items())
        )
        rows = sorted(r for rows in run.other_channels.values() for r in rows)
        shown = ", ".join(str(r) for r in rows[:20]) + (" …" if len(rows) > 20 else "")
        result.notes.append(
            f"Skipped {skipped} row{'s' if skipped > 1 else ''} that {'are' if skipped > 1 else 'is'} not "
            f"email ({header}: {kinds}); row{'s' if skipped > 1 else ''} {shown}."
        )


def _is_email(channel: str) -> bool:
    """Whether a channel cell names email (empty and n/a count as email: older exports left it out)."""
    value = channel.strip().lower()
    return value in ("", "email", "e-mail", "n/a")


def _tally(run: _Run, ident: tuple, values: list) -> None:
    """Add a row to its email's tally (rows, sent, delivered, opens, clicks), shown when unmatched."""
    info = run.idents[ident]
    info[4] += 1
    info[5] += values[SENT_I]
    info[6] += values[DELIVERED_I]
    info[7] += values[OPENS_I]
    info[8] += values[CLICKS_I]


def _read_report(run: _Run, chosen: str) -> None:
    """A key/value campaign report (journey.measure.imports.reports): one entry per campaign or A/B
    combination; a bad value is rejected with its row and label."""
    result, stream = run.result, run.stream
    result.format, campaigns = read_report(stream.rows, stream.header_row + 1, chosen)
    for campaign in campaigns:
        result.rows_read += 1
        try:
            day, name, values, row = report_values(campaign)
        except ReportCellError as exc:
            run.reject(exc.row, str(exc))
            continue
        problem = _check_counts(values)
        if problem:
            run.reject(row, problem)
            continue
        ident = run.ident("", name, "", row)
        _tally(run, ident, values)
        _add_entry(run, GENERIC, (ident, campaign.variant.casefold(), day), row, campaign.variant, values)


def _add_entry(
    run: _Run,
    spec: AggregateFormat,
    key: tuple,
    row: int,
    variant: str,
    values: list,
    segment: str | None = None,
) -> None:
    """Keep a row's counts under its email, variant and day: summed or a duplicate, as the format says.
    With a segment (the file has a segment column), that rule holds per segment, and the email, variant
    and day sums its segments."""
    run.count_rows(key[0], key[1], row, 1)
    if segment is not None:
        by_segment = run.segments.setdefault(key, {})
        seen = by_segment.get(segment.casefold())
        if seen is None:
            by_segment[segment.casefold()] = [row, segment, values]
        elif spec.sums_same_day:
            seen[2] = [a + b for a, b in zip(seen[2], values, strict=True)]
        else:
            run.reject(row, f"duplicate of row {seen[0]} (the same email, variant, segment and day)")
            return
        entry = run.entries.get(key)
        if entry is None:
            run.entries[key] = [row, variant, list(values)]
        else:
            entry[2] = [a + b for a, b in zip(entry[2], values, strict=True)]
        return
    entry = run.entries.get(key)
    if entry is None:
        run.entries[key] = [row, variant, values]
    elif spec.sums_same_day:
        entry[2] = [a + b for a, b in zip(entry[2], values, strict=True)]
    else:
        run.reject(row, f"duplicate of row {entry[0]} (the same email, variant and day)")


def _check_entry(
    run: _Run, spec: AggregateFormat, key: tuple, row: int, variant: str, values: list, segment: str | None
) -> None:
    """A streamed import's first pass: count the row and refuse a second row for its email-day; the
    counts are not kept (the second pass reads them again)."""
    run.count_rows(key[0], key[1], row, 1)
    code = (run.number(key[0]) << 36) | (run.number(key[1]) << 20) | key[2]
    first = run.seen.get(code)
    if first is None:
        run.seen[code] = row
        run.written[(key[0], variant)] = None
    else:
        run.reject(row, f"duplicate of row {first} (the same email, variant and day)")


def _check_counts(values: list) -> str | None:
    """Why a row's counts cannot be right, or None."""
    for position, name in enumerate(COUNT_NAMES):
        if values[position] < 0:
            return f"{name} is negative ({values[position]:,})"
    if values[REVENUE_I] < 0:
        return f"revenue is negative ({values[REVENUE_I]:,})"
    sent, delivered = values[SENT_I], values[DELIVERED_I]
    if delivered > sent:
        return f"delivered ({delivered:,}) is more than sent ({sent:,})"
    opened = values[OPENS_I] + values[MACHINE_I]
    if opened > delivered:
        return f"opens ({opened:,}) are more than delivered ({delivered:,})"
    if values[CLICKS_I] > delivered:
        return f"clicks ({values[CLICKS_I]:,}) are more than delivered ({delivered:,})"
    return None


# --- events -----------------------------------------------------------------------------


def _event_columns(names: list[str], header: list[str]) -> dict[str, list[int]]:
    """Every column that may hold each field of an events file, in order of preference (a row
    reads the first of them that is not empty)."""
    columns = {f: all_indexes(names, options) for f, options in EVENT_COLUMNS.items()}
    columns = {f: found for f, found in columns.items() if found}
    for needed in ("recipient", "event", "timestamp"):  # a file forced to be read as events may lack one
        if needed not in columns:
            names_it = ", ".join(f"“{option.replace(' ', '_')}”" for option in EVENT_COLUMNS[needed][:5])
            raise ImportRejected(
                f"An events file needs a {needed} column: one of {names_it}. Is this file an events export?",
                field="header",
                row=1,
            )
    if "email" not in columns and "campaign_id" not in columns:
        raise ImportRejected(
            "An events file needs a column naming the email: one of “email_name”, “campaign”, "
            "“campaign_name”, “category”, “tag” (email names) or “campaign_id”, "
            "“marketing_campaign_id”, “singlesend_id” (ESP campaign ids).",
            field="header",
            row=1,
        )
    duplicated = duplicated_headers(names, {i for found in columns.values() for i in found})
    if duplicated:
        shown = [header[names.index(n)] for n in duplicated]
        raise ImportRejected(
            f"The header has duplicated columns {', '.join(f'“{s}”' for s in shown)}: keep one of each.",
            field="header",
            row=1,
        )
    return columns


def _first_filled(cells: list[str], indexes: list[int]) -> str:
    """The first of the cells at `indexes` that is not blank (the first one when all are)."""
    for index in indexes:
        if cells[index].strip():
            return cells[index]
    return cells[indexes[0]]


MAX_IGNORED_KINDS = 50  # distinct ignored event spellings listed; the rest are summed under OTHER_EVENTS
OTHER_EVENTS = "… other events"


class _IgnoredEvents:
    """Rows whose event counts towards no metric, per event as written (point 8: never a rejection)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], int] = {}  # (event, reason) → rows

    def add(self, event: str, reason: str = "") -> None:
        key = (event, reason)
        if key not in self.rows and len(self.rows) >= MAX_IGNORED_KINDS:
            key = (OTHER_EVENTS, "")
        self.rows[key] = self.rows.get(key, 0) + 1

    def listed(self) -> list[IgnoredEvent]:
        return sorted(
            (
                IgnoredEvent(
                    event,
                    rows,
                    known=event.strip().lower() in IGNORED_EVENTS or bool(reason),
                    reason=reason,
                )
                for (event, reason), rows in self.rows.items()
            ),
            key=lambda e: (-e.rows, e.event.casefold()),
        )


def _unusual_event_kind(text: str) -> int | None:
    """The kind of an event not written exactly as EVENT_KINDS has it (`Open`, ` delivered `), or None."""
    return EVENT_KINDS.get(text.strip().lower())


class _EventDays:
    """Event timestamps as day ordinals. `unix` remembers the day of each unix day number seen
    (most files stamp events in unix seconds), `interned` keeps one int object per day."""

    def __init__(self, time_columns: list[int], header: list[str]) -> None:
        self.time_i, self.extra = time_columns[0], time_columns[1:]
        self.header = header
        self.unix: dict[int, int] = {}
        self.interned: dict[int, int] = {}

    def read(self, cells: list[str]) -> int:
        """The day of a row not in `unix` yet; an empty timestamp falls back to the next time column."""
        where = self.time_i
        if not cells[where].strip():
            where = next((i for i in self.extra if cells[i].strip()), where)
        stamp = cells[where]
        try:
            day = parse_event_day(stamp)
        except CellError as exc:
            raise CellError(f"{self.header[where]}: {exc}") from None
        day = self.interned.setdefault(day, day)
        if stamp.isdigit() and int(stamp) < 100_000_000_000:  # unix seconds: remember the day
            self.unix[int(stamp) // 86_400] = day
        return day


class _EventCells:
    """How to read one row of an events file: where each field sits (a field found in several
    columns reads the first filled one), and what its event counts as."""

    def __init__(self, columns: dict[str, list[int]], header: list[str], ignored: _IgnoredEvents) -> None:
        self.header = header
        self.ignored = ignored
        self.several = {f for f, found in columns.items() if len(found) > 1 and f != "timestamp"}
        self.recipient_at, self.event_at = columns["recipient"], columns["event"]
        self.recipient_i, self.event_i = self.recipient_at[0], self.event_at[0]
        self.recipient_label = " or ".join(header[i] for i in self.recipient_at)
        self.key_at = [columns.get(f) for f in ("campaign_id", "email", "variant")]
        self.name_i = self.key_at[1][0] if self.key_at[1] else None
        self.variant_i = self.key_at[2][0] if self.key_at[2] else None
        self.machine_at, self.severity_at = columns.get("machine"), columns.get("severity")
        self.bounce_type_at = columns.get("bounce_type")
        self.failure_reason_at = columns.get("failure_reason")
        self.suppress_at, self.reason_at = columns.get("suppress"), columns.get("suppression_reason")
        self.width = max(i for found in columns.values() for i in found) + 1
        # The kinds `kind` may turn into another (a temporary failure, a soft bounce, a machine open,
        # a subscription change that is no unsubscribe): with one column per field, only these rows
        # need more than EVENT_KINDS.
        self.refined = frozenset(
            kind
            for kind, wanted in (
                (BOUNCE, self.severity_at or self.bounce_type_at or self.failure_reason_at),
                (OPEN, self.machine_at),
                (UNSUBSCRIBE, self.suppress_at or self.reason_at),
            )
            if wanted
        )

    def kind(self, cells: list[str], row: int, reject: Callable[[int, str], None]) -> int | None:
        """What the row's event counts as, or None when it counts as nothing (listed) or is rejected."""
        event = cells[self.event_i] if "event" not in self.several else _first_filled(cells, self.event_at)
        kind = EVENT_KINDS.get(event)
        if kind is None:
            kind = _unusual_event_kind(event)
            if kind is None:
                if event.strip():
                    self.ignored.add(" ".join(event.split()).lower()[:40])
                else:
                    reject(row, f"{self.header[self.event_i]}: the event is empty")
                return None
        if kind == BOUNCE:
            if self.severity_at and _first_filled(cells, self.severity_at).strip().lower() == "temporary":
                self.ignored.add(event, "a temporary failure, retried")
                return None
            if self.failure_reason_at and _first_filled(cells, self.failure_reason_at).startswith(
                "suppress-"
            ):
                return DROPPED  # Mailgun did not send to an address it had suppressed
            if (
                self.bounce_type_at
                and _first_filled(cells, self.bounce_type_at).strip().lower() in SOFT_BOUNCE_TYPES
            ):
                return SOFT_BOUNCE
        elif kind == OPEN:
            if self.machine_at and _first_filled(cells, self.machine_at).strip().lower() in TRUE_VALUES:
                return MACHINE_OPEN
        elif kind == UNSUBSCRIBE and (self.suppress_at or self.reason_at):
            why = _subscription_change(cells, self.suppress_at, self.reason_at)
            if why:
                self.ignored.add(event, why)
                return None
        return kind

    def recipient(self, cells: list[str]) -> str:
        if "recipient" in self.several:
            return _first_filled(cells, self.recipient_at).strip().lower()
        return cells[self.recipient_i].strip().lower()

    def key(self, cells: list[str]) -> tuple[str, ...]:
        """(campaign id, email name, variant) as written."""
        if not self.several:
            return tuple("" if at is None else cells[at[0]] for at in self.key_at)
        return tuple("" if at is None else _first_filled(cells, at) for at in self.key_at)


def _read_events(run: _Run, names: list[str], targets: _Targets) -> None:
    result, stream = run.result, run.stream
    header = [cell.replace("\ufeff", "").strip() for cell in stream.header]
    columns = _event_columns(names, header)
    result.provider = detect_event_source(names)
    ignored = _IgnoredEvents()
    read = _EventCells(columns, header, ignored)
    width, time_i = read.width, columns["timestamp"][0]
    simple, refined, kinds = not read.several, read.refined, EVENT_KINDS
    recipient_i, event_i, name_i, variant_i = read.recipient_i, read.event_i, read.name_i, read.variant_i
    campaign_i = read.key_at[0][0] if read.key_at[0] else None
    event_days = _EventDays(columns["timestamp"], header)
    days = event_days.unix  # unix day number → date ordinal
    # (campaign id, name, variant) as written → [ident, variant, first row, kind dicts (recipient hash → day)]
    groups: dict[tuple[str, str, str], list] = {}
    rows_read = 0
    row = stream.header_row
    reject = run.reject
    for cells in stream.rows:
        row += 1
        if len(cells) < width:
            if not any(cells):
                continue
            rows_read += 1
            reject(row, f"the row has {len(cells)} cells but the header has {len(header)}")
            continue
        rows_read += 1
        if not rows_read & (PROGRESS_EVERY - 1):
            result.rows_read = rows_read
            run.report(rows_read)
        kind = kinds.get(cells[event_i]) if simple else None  # the common case, without a call
        if kind is None or kind in refined:
            kind = read.kind(cells, row, reject)
            if kind is None:
                continue
        try:
            day = days[int(cells[time_i]) // 86_400]
        except (KeyError, ValueError):
            try:
                day = event_days.read(cells)
            except CellError as exc:
                reject(row, str(exc))
                continue
        recipient = cells[recipient_i].strip().lower() if simple else read.recipient(cells)
        if not recipient:
            reject(row, f"{read.recipient_label}: the recipient is empty")
            continue
        if simple:
            key = (
                cells[campaign_i] if campaign_i is not None else "",
                cells[name_i] if name_i is not None else "",
                cells[variant_i] if variant_i is not None else "",
            )
        else:
            key = read.key(cells)
        group = groups.get(key) or _add_group(run, groups, key, row, header, name_i, variant_i)
        if group is None:
            continue
        group[4] += 1
        seen = group[3][kind]
        h = hash(recipient)
        old = seen.get(h)
        if old is None or day < old:
            seen[h] = day
    result.rows_read = rows_read
    result.ignored_events = ignored.listed()
    run.report(rows_read)
    if not result.rejected_total:
        _count_groups(run, groups)


def _subscription_change(cells: list[str], suppress_at: list[int] | None, reason_at: list[int] | None) -> str:
    """Why a Postmark SubscriptionChange is not an unsubscribe ("" when it is one): a reactivation
    (SuppressSending false), or a suppression its own Bounce or SpamComplaint event already counts."""
    if suppress_at is not None:
        suppress = _first_filled(cells, suppress_at).strip().lower()
        if suppress and suppress not in TRUE_VALUES:
            return "SuppressSending false: a reactivation"
    if reason_at is not None:
        reason = _first_filled(cells, reason_at).strip()
        if reason.lower() in COUNTED_SUPPRESSIONS:
            return f"{reason}: counted as its own event"
    return ""


def _count_groups(run: _Run, groups: dict[tuple[str, str, str], list]) -> None:
    """Turn each group's recipients into counts per day (freeing each group as it goes)."""
    for key in list(groups):
        ident, variant, first_row, seen, rows = groups.pop(key)
        run.idents[ident][4] += rows
        run.count_rows(ident, variant.casefold(), first_row, rows)
        _count_group(run, ident, variant, first_row, seen)


def _add_group(
    run: _Run,
    groups: dict[tuple[str, str, str], list],
    key: tuple[str, str, str],
    row: int,
    header: list[str],
    name_i: int | None,
    variant_i: int | None,
) -> list | None:
    """The group of an email and variant's first row, added to `groups`; None when the row is rejected."""
    group = _new_group(run, key, row, header, name_i, variant_i)
    if isinstance(group, str):
        run.reject(row, group)
        return None
    groups[key] = group
    return group


def _new_group(
    run: _Run,
    key: tuple[str, str, str],
    row: int,
    header: list[str],
    name_i: int | None,
    variant_i: int | None,
) -> list | str:
    campaign_id, raw_name, raw_variant = key
    campaign_id = campaign_id.strip()
    for text, index in ((raw_name, name_i), (raw_variant, variant_i), (campaign_id, None)):
        try:
            clean_label(text)
        except CellError as exc:
            return f"{header[index] if index is not None else 'campaign id'}: {exc}"
    name = clean_label(raw_name)
    if name.startswith("[") and name.endswith("]"):  # SendGrid categories: ["welcome", "promo"]
        try:
            listed = json.loads(name)
            name = str(listed[0]) if listed else ""
        except (ValueError, IndexError):
            pass
    if not name and not campaign_id:
        return f"{header[name_i] if name_i is not None else 'campaign'}: no email or campaign named"
    if name.startswith("="):
        return f"{header[name_i]}: “{name[:40]}” is a formula, not an email name"
    variant = clean_label(raw_variant)
    if len(variant) > MAX_VARIANT:
        return f"{header[variant_i]}: variant names are limited to {MAX_VARIANT} characters"
    ident = run.ident(campaign_id, name, "", row)
    # kinds: SENT, DELIVERED, BOUNCE, OPEN, MACHINE_OPEN, CLICK, UNSUBSCRIBE, COMPLAINT, SOFT_BOUNCE, DROPPED
    return [ident, variant, row, [{} for _ in range(EVENT_KIND_COUNT)], 0]


def _count_group(run: _Run, ident: tuple, variant: str, first_row: int, seen: list[dict]) -> None:
    """Unique recipients per day and kind, each counted on the day they were sent the email."""
    info = run.idents[ident]
    for day, counts in _counts_per_send_day(seen).items():
        problem = _check_counts(counts)
        if problem:
            label = info[0] or info[1]
            run.reject(
                first_row,
                f"{label}{f' / {variant}' if variant else ''} on {date.fromordinal(day)}: {problem} "
                "(does the file hold every event of that send?)",
            )
            continue
        run.entries[(ident, variant.casefold(), day)] = [first_row, variant, counts]
        info[5] += counts[SENT_I]
        info[6] += counts[DELIVERED_I]
        info[7] += counts[OPENS_I]
        info[8] += counts[CLICKS_I]


def _send_outcomes(seen: list[dict]) -> tuple[dict, dict, dict]:
    """The sent, delivered and bounced recipients (hash → day), soft bounces and drops resolved."""
    delivered = seen[DELIVERED]
    bounced = seen[BOUNCE]
    if seen[SOFT_BOUNCE]:
        bounced = dict(bounced)
        for h, day in seen[SOFT_BOUNCE].items():
            if h not in delivered and (h not in bounced or day < bounced[h]):
                bounced[h] = day
    sent = seen[SENT]
    if seen[DROPPED] and sent:
        dropped = seen[DROPPED]
        sent = {h: day for h, day in sent.items() if h not in dropped or h in delivered or h in bounced}
    return sent, delivered, bounced


def _counts_per_send_day(seen: list[dict]) -> dict[int, list]:
    """Send day → counts (metric_daily order) from each kind's recipients (hash → first day).

    bounced = hard bounces, and soft bounces of recipients never delivered (a soft bounce that
    was retried and delivered, or an auto-reply to a delivered email, is no bounce); sent =
    recipients with a processed/accepted event, less those only dropped (never sent, so delivered =
    sent − bounced holds), or delivered ∪ bounced when there are none; every other event counts on
    its recipient's send day; a machine open only for a recipient with no other open.
    """
    sent, delivered, bounced = _send_outcomes(seen)
    per_day: dict[int, list] = {}

    def add(day: int, position: int) -> None:
        counts = per_day.get(day)
        if counts is None:
            counts = per_day[day] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0]
        counts[position] += 1

    def send_day(h: int, own: int) -> int:
        day = sent.get(h)
        if day is None:
            day = delivered.get(h)
            if day is None:
                day = bounced.get(h, own)
        return day

    for day in sent.values():
        add(day, SENT_I)
    if not seen[SENT]:
        for day in delivered.values():
            add(day, SENT_I)
        for h, day in bounced.items():
            if h not in delivered:
                add(day, SENT_I)
    for found, position in (
        (delivered, DELIVERED_I),
        (bounced, BOUNCES_I),
        (seen[OPEN], OPENS_I),
        (seen[CLICK], CLICKS_I),
        (seen[UNSUBSCRIBE], UNSUB_I),
        (seen[COMPLAINT], COMPLAINTS_I),
    ):
        for h, day in found.items():
            add(send_day(h, day), position)
    opened = seen[OPEN]
    for h, day in seen[MACHINE_OPEN].items():
        if h not in opened:
            add(send_day(h, day), MACHINE_I)
    return per_day


# --- matching and writing ---------------------------------------------------------


def _resolve(
    run: _Run,
    targets: _Targets,
    chosen: str,
    create_missing_stage: str | None,
    session: Session,
    dry_run: bool,
) -> dict[tuple[int, str, date], list]:
    """Map entries to (email id, variant, day) → counts; list or create the unmatched emails."""
    result = run.result
    sums = chosen == "events" or AGGREGATE_FORMATS.get(chosen, GENERIC).sums_same_day
    suffix_variants = chosen in MAILCHIMP_FORMATS
    rows: dict[tuple[int, str, date], list] = {}
    first_rows: dict[tuple[int, str, date], int] = {}
    cache = run.matched

    def target_of(ident: tuple, variant: str) -> tuple[int, str] | None:
        if (ident, variant) not in cache:
            campaign_id, _name, _stage = ident
            cache[(ident, variant)] = targets.resolve(
                campaign_id,
                run.idents[ident][0],
                variant,
                suffix_variants=suffix_variants,
                subjects=chosen in SUBJECT_NAMED,
            )
            pair = run.pairs.get(ident)
            if cache[(ident, variant)] is None and pair is not None:
                base = target_of(pair[0], "")
                if base is not None:
                    cache[(ident, variant)] = (base[0], targets.ab_label(base[0], pair[1]) or pair[1])
        return cache[(ident, variant)]

    if suffix_variants:
        _pair_titles(run, targets)
    unmatched: dict[tuple, list] = {}
    for entry_key, (first_row, variant, counts) in run.entries.items():
        ident, _folded, day = entry_key
        target = target_of(ident, variant)
        if target is None:
            base, label = run.pairs.get(ident, (ident, variant))  # a lettered title goes with its base
            unmatched.setdefault(base, []).append((day, label, counts, first_row, entry_key))
            continue
        stage = run.idents[ident][2]
        if stage and targets.stages[stage.casefold()].id != targets.stage_of[target[0]]:
            run.reject(first_row, f"the email “{run.idents[ident][0]}” is not in the stage “{stage}”")
            continue
        key = (target[0], target[1], date.fromordinal(day))
        _merge(run, rows, first_rows, key, counts, first_row, sums)
        _merge_segments(run, key, entry_key)
    _list_unmatched(run, unmatched)
    if unmatched and create_missing_stage is not None and not result.rejected_total:
        _create_missing(
            run, targets, unmatched, rows, first_rows, create_missing_stage, session, dry_run, sums
        )
    if suffix_variants:
        _label_a_sides(rows, run.segment_rows)
        if not dry_run and not result.rejected_total:
            _add_pair_variants(session, targets, rows, _pair_subjects(run, rows))
    return rows


class _Reopen:
    """The file again, from its first byte, as the first pass read it: its stream and its columns."""

    def __init__(self, source, chosen: str, names: list[str], mapping: dict | None, preamble: bool) -> None:
        self.source, self.chosen, self.names, self.mapping, self.preamble = (
            source,
            chosen,
            names,
            mapping,
            preamble,
        )

    def __call__(self) -> CsvStream:
        if not isinstance(self.source, str | Path):
            self.source.seek(0)
        stream = open_csv(self.source)
        if self.preamble:
            _skip_preamble(stream, [normalize_header(cell) for cell in stream.header])
        return stream

    def columns(self, stream: CsvStream) -> tuple[AggregateFormat, dict[str, int]]:
        return _aggregate_columns(self.chosen, self.names, self.mapping, stream.header)


def _finish_streamed(
    run: _Run,
    targets: _Targets,
    create_missing_stage: str | None,
    session: Session,
    savepoint,
    reopen,
    progress,
) -> ImportResult:
    """A streamed import after its first pass: the check (a dry run) or the write (a second pass)."""
    if run.result.dry_run:
        return _check_streamed(run, targets, create_missing_stage, session, savepoint)
    return _commit_streamed(run, targets, create_missing_stage, session, savepoint, reopen(), progress)


def _match_streamed(
    run: _Run, targets: _Targets, create_missing_stage: str | None, session: Session, *, dry_run: bool
) -> None:
    """After a streamed first pass: the journey's email for each file email and variant, the unmatched
    listed, and (when asked) the missing emails created (stand-in ids in a dry run)."""
    result = run.result
    for ident, variant in run.written:
        if (ident, variant) not in run.matched:
            run.matched[(ident, variant)] = targets.resolve(
                ident[0],
                run.idents[ident][0],
                variant,
                suffix_variants=False,
                subjects=result.format in SUBJECT_NAMED,
            )
    missing = {ident: [] for (ident, _v), target in run.matched.items() if target is None}
    _list_unmatched(run, missing)
    if missing and create_missing_stage is not None and not result.rejected_total:
        _create_missing(run, targets, missing, {}, {}, create_missing_stage, session, dry_run, False)


def _check_streamed(
    run: _Run, targets: _Targets, create_missing_stage: str | None, session: Session, savepoint
) -> ImportResult:
    """A streamed import's check (a dry run): the first pass kept one int per email-day and no counts,
    which is all the check table needs (which email each file email goes to, its new and replaced
    days). Memory is bounded by the file's email-days, as for the import itself; nothing is written."""
    result = run.result
    _match_streamed(run, targets, create_missing_stage, session, dry_run=True)
    spelled = {(ident, variant.casefold()): variant for ident, variant in run.written}
    by_number = {number: value for value, number in run.numbers.items()}
    run.entries = {}  # the shape _plan reads: (ident, folded variant, day) → (row, variant, no counts)
    rows: dict[tuple[int, str, date], list] = {}
    first_rows: dict[tuple[int, str, date], int] = {}
    for code, row in sorted(run.seen.items(), key=lambda item: item[1]):
        ident, folded, day = by_number[code >> 36], by_number[(code >> 20) & 0xFFFF], code & 0xFFFFF
        variant = spelled[(ident, folded)]
        run.entries[(ident, folded, day)] = (row, variant, None)
        target = run.matched.get((ident, variant))
        if target is None and create_missing_stage is not None and run.created:
            target = (run.created[(run.idents[ident][0] or ident[0]).casefold()], variant)
        if target is None:
            continue
        stage = run.idents[ident][2]
        if stage and target[0] > 0 and targets.stages[stage.casefold()].id != targets.stage_of[target[0]]:
            run.reject(row, f"the email “{run.idents[ident][0]}” is not in the stage “{stage}”")
            continue
        _merge(run, rows, first_rows, (target[0], target[1], date.fromordinal(day)), [], row, False)
    if not result.rejected_total:
        if rows:
            result.first_day, result.last_day = min(key[2] for key in rows), max(key[2] for key in rows)
        _plan(run, targets, rows, session, create_missing_stage)
    savepoint.rollback()  # nothing was written; a created email exists only as a stand-in id
    result.imported = len(rows) if not result.rejected_total else 0
    return result


def _commit_streamed(
    run: _Run,
    targets: _Targets,
    create_missing_stage: str | None,
    session: Session,
    savepoint,
    reopen: _Reopen,
    progress: Progress | None,
) -> ImportResult:
    """Write a streamed import (second pass) in the savepoint; roll it back if a row is refused."""
    result = run.result
    _stream(run, targets, create_missing_stage, session, reopen, reopen.columns, progress)
    if result.rejected_total:
        savepoint.rollback()
        result.imported = 0
        return result
    savepoint.commit()
    result.written = True
    if progress is not None:
        progress(1.0, f"Imported {result.imported:,} rows.")
    return result


def _stream(
    run: _Run,
    targets: _Targets,
    create_missing_stage: str | None,
    session: Session,
    reopen: Callable[[], CsvStream],
    spec_and_columns: Callable[[CsvStream], tuple[AggregateFormat, dict[str, int]]],
    progress: Progress | None,
) -> None:
    """A streamed import's second pass (the first checked every row and kept no counts): read the file
    again and upsert its rows in batches as they are read, so memory never holds them all.

    A row that can only be refused now (an email outside the stage the row names, two file emails
    for one journey email on the same day) is rejected and nothing more is written: the caller
    rolls the savepoint back, so the import stays all-or-nothing.
    """
    result = run.result
    chosen = result.format
    _match_streamed(run, targets, create_missing_stage, session, dry_run=False)
    created = run.created
    if result.rejected_total:
        return
    run.seen, run.numbers = {}, {}  # the first pass's codes: freed before the second pass
    final: dict[tuple, tuple[int, str, bool]] = {}  # (ident, variant) → (email id, label, was matched)
    for (ident, variant), target in run.matched.items():
        if target is not None:
            final[(ident, variant)] = (target[0], target[1], True)
        elif created:
            final[(ident, variant)] = (created[(run.idents[ident][0] or ident[0]).casefold()], variant, False)
    shared = len({t[:2] for t in final.values()}) < len(final)  # two file emails → one email
    stream = reopen()
    try:
        second = _Run(ImportResult(format=chosen), None, stream)
        spec, columns = spec_and_columns(stream)
        rows = _aggregate_rows(second, spec, columns, reopen.names, targets)
        spans: dict[int, list[date]] = {}
        values = _streamed_values(run, second, rows, targets, final, shared, spans)
        _upsert(session, values, result.rows_read, progress)
    finally:
        stream.close()
    rollups.mark_days(session.connection(), ((e, d) for e, span in spans.items() for d in span))
    if spans:
        result.first_day = min(span[0] for span in spans.values())
        result.last_day = max(span[1] for span in spans.values())


def _streamed_values(
    run: _Run, second: _Run, rows, targets: _Targets, final: dict, shared: bool, spans: dict
):
    """The second pass's rows as metric_daily values, one at a time (see _stream)."""
    result, now = run.result, utcnow()
    source = result.format
    seen: dict[int, int] = {}
    labels: dict[str, int] = {}
    days: dict[int, date] = {}
    for (ident, _folded, day), row, variant, values, _segment in rows:
        target = final.get((ident, variant))
        if target is None:
            continue  # an email the journey does not have: listed, skipped
        email_id, label, matched = target
        stage = second.idents[ident][2]
        if matched and stage and targets.stages[stage.casefold()].id != targets.stage_of[email_id]:
            run.reject(row, f"the email “{second.idents[ident][0]}” is not in the stage “{stage}”")
            continue
        if shared:
            code = (email_id << 36) | (labels.setdefault(label, len(labels)) << 20) | day
            first = seen.setdefault(code, row)
            if first != row:
                run.reject(row, f"duplicate of row {first} (the same email, variant and day)")
                continue
        if result.rejected_total:
            continue  # read on to list every problem; write nothing more
        when = days.get(day)
        if when is None:
            when = days[day] = date.fromordinal(day)
        span = spans.get(email_id)
        if span is None:
            spans[email_id] = [when, when]
        elif when < span[0]:
            span[0] = when
        elif when > span[1]:
            span[1] = when
        result.imported += 1
        yield (email_id, label, when, *values[:REVENUE_I], float(values[REVENUE_I]), source, now)


def _pair_titles(run: _Run, targets: _Targets) -> None:
    """Find the file's Mailchimp A/B pairs: "Welcome (B)" beside "Welcome" in the same file (see the
    module doc). A title that is itself an email of the journey, or the journey's email's variant, is
    left to `_Targets.resolve`."""
    titles: dict[str, tuple] = {}
    for ident, info in run.idents.items():
        if info[0]:
            titles.setdefault(info[0].casefold(), ident)
    for ident, info in run.idents.items():
        pair = split_ab_title(info[0]) if info[0] else None
        if pair is None or info[0].casefold() in targets.by_name:
            continue
        base = titles.get(pair[0].casefold())
        base_email = targets.by_name.get(pair[0].casefold())
        label = targets.ab_label(base_email, pair[1])
        if base is not None and base != ident and label:
            run.pairs[ident] = (base, label)


def _list_unmatched(run: _Run, unmatched: dict[tuple, list]) -> None:
    """The file's emails the journey lacks, a lettered title's rows counted under its base title."""
    result = run.result
    for ident in unmatched:
        name, campaign_id, _stage, _row, *tally = run.idents[ident]
        for lettered, (base, _label) in run.pairs.items():
            if base == ident:
                tally = [a + b for a, b in zip(tally, run.idents[lettered][4:], strict=True)]
        result.unmatched.append(UnmatchedEmail(name or campaign_id, campaign_id, *tally))
    result.unmatched.sort(key=lambda u: u.name.casefold())


def _create_missing(
    run: _Run,
    targets: _Targets,
    unmatched: dict[tuple, list],
    rows: dict,
    first_rows: dict,
    create_missing_stage: str,
    session: Session,
    dry_run: bool,
    sums: bool,
) -> None:
    """Create the emails the journey lacks (in the row's stage or `create_missing_stage`) and map their
    rows; a dry run only names them, under stand-in ids."""
    result = run.result
    created: dict[str, int] = {}
    for ident, pending in unmatched.items():
        name, campaign_id, stage, *_ = run.idents[ident]
        name = name or campaign_id
        folded = name.casefold()
        if folded not in created:
            stage_row = targets.stages[(stage or create_missing_stage).casefold()]
            result.created_emails.append(name)
            if dry_run:
                created[folded] = -len(created) - 1  # a stand-in id: nothing is written
            else:
                try:
                    email = journeys.add_email(
                        session, stage_row.id, name=name, esp_campaign_id=campaign_id or None
                    )
                except JourneyError as exc:
                    raise ImportRejected(f"Cannot create the email “{name}”: {exc}") from None
                created[folded] = email.id
        for day, variant, counts, first_row, entry_key in pending:
            key = (created[folded], variant, date.fromordinal(day))
            _merge(run, rows, first_rows, key, counts, first_row, sums)
            _merge_segments(run, key, entry_key)
    run.created = created


def _label_a_sides(rows: dict[tuple[int, str, date], list], segment_rows: dict[tuple, dict]) -> None:
    """Mailchimp's A/B: "Welcome" sent beside "Welcome (B)" on the same day is the A side."""
    labels: dict[tuple[int, date], set[str]] = {}
    for email_id, variant, day in rows:
        labels.setdefault((email_id, day), set()).add(variant.casefold())
    for (email_id, day), seen in labels.items():
        if "" in seen and len(seen) > 1 and "a" not in seen:
            rows[(email_id, "A", day)] = rows.pop((email_id, "", day))
            if (email_id, "", day) in segment_rows:
                segment_rows[(email_id, "A", day)] = segment_rows.pop((email_id, "", day))


def _merge_segments(run: _Run, key: tuple[int, str, date], entry_key: tuple) -> None:
    """Add an entry's segments (if the file has any) to the segments of the email, variant and day
    it matched; two entries matching one email (by campaign id and by name) are summed, as its totals."""
    segments = run.segments.get(entry_key)
    if segments is None:
        return
    matched = run.segment_rows.setdefault(key, {})
    for folded, (_row, segment, counts) in segments.items():
        seen = matched.get(folded)
        if seen is None:
            matched[folded] = [segment, counts]
        else:
            seen[1] = [a + b for a, b in zip(seen[1], counts, strict=True)]


def _pair_subjects(run: _Run, rows: dict[tuple[int, str, date], list]) -> dict[tuple[int, str], str]:
    """(email id, A/B label) → the subject the file's title for it was sent with."""
    sent = {(email_id, variant) for email_id, variant, _day in rows}
    subjects: dict[tuple[int, str], str] = {}
    for ident, subject in run.subjects.items():
        target = run.matched.get((ident, ""))
        base, label = run.pairs.get(ident, (ident, ""))
        created = run.created.get(run.idents[base][0].casefold())
        if target is None and created is not None:
            target = (created, label)
        if target is None or not subject:
            continue
        email_id, label = target
        if not label and (email_id, "A") in sent:
            label = "A"
        if AB_LETTER.fullmatch(label):
            subjects.setdefault((email_id, label), subject)
    return subjects


def _add_pair_variants(
    session: Session,
    targets: _Targets,
    rows: dict[tuple[int, str, date], list],
    subjects: dict[tuple[int, str], str],
) -> None:
    """The EmailVariant rows that A/B pairs name and the emails lack, so the studio lists them and the
    review compares them: the label, and the subject the file gives it where it differs from the email's."""
    from journey.write.variants import add_variant

    wanted = {(email_id, variant) for email_id, variant, _day in rows if AB_LETTER.fullmatch(variant)}
    for email_id, label in sorted(wanted):
        if label.casefold() in targets.variants.get(email_id, {}):
            continue
        subject = subjects.get((email_id, label))
        own = " ".join((targets.subject_of.get(email_id) or "").split())
        add_variant(session, email_id, label=label, subject=subject if subject and subject != own else None)
        targets.variants.setdefault(email_id, {})[label.casefold()] = label


def _merge(
    run: _Run, rows: dict, first_rows: dict, key: tuple, counts: list, first_row: int, sums: bool
) -> None:
    existing = rows.get(key)
    if existing is None:
        rows[key] = counts
        first_rows[key] = first_row
    elif sums:
        rows[key] = [a + b for a, b in zip(existing, counts, strict=True)]
    else:
        run.reject(first_row, f"duplicate of row {first_rows[key]} (the same email, variant and day)")


def _plan(
    run: _Run,
    targets: _Targets,
    rows: dict[tuple[int, str, date], list],
    session: Session,
    create_missing_stage: str | None,
) -> None:
    """The dry run's check: per email and variant of the file, the journey's email its rows go to and
    how many of its days are new or replace saved ones, or why its rows are skipped."""
    result = run.result
    suffix_variants = result.format in MAILCHIMP_FORMATS
    saved = _saved_days(session, rows)
    result.new_days = sum(key not in saved for key in rows)
    result.updated_days = len(rows) - result.new_days
    days: dict[tuple, list[int]] = {}
    written: dict[tuple, str] = {}  # (ident, folded variant) → the variant as the file writes it
    for (ident, folded, day), (_row, variant, _counts) in run.entries.items():
        days.setdefault((ident, folded), []).append(day)
        written.setdefault((ident, folded), variant)
    for (ident, folded), (first_row, count) in run.group_rows.items():
        name, campaign_id, stage, *_ = run.idents[ident]
        variant = written.get((ident, folded), "")
        check = CheckRow(name or campaign_id, campaign_id, variant, first_row, count)
        result.check.append(check)
        target = run.matched.get((ident, variant))
        base, label = run.pairs.get(ident, (ident, variant))
        if target is not None:
            (check.email, check.stage), check.variant = targets.labels[target[0]], target[1]
        elif create_missing_stage is not None:
            base_name, _id, base_stage, *_ = run.idents[base]
            check.created, check.email, check.variant = True, base_name or campaign_id, label
            check.stage = targets.stages[(base_stage or create_missing_stage).casefold()].name
            target = (run.created.get(check.email.casefold(), 0), label)
        else:
            check.skipped = _no_match(targets, name, campaign_id)
            if base != ident:
                check.skipped = (
                    f"{_no_match(targets, run.idents[base][0], '')} (“{name}” is its variant {label})"
                )
            result.skipped_rows += count
            continue
        for day in days.get((ident, folded), ()):
            key = (target[0], target[1], date.fromordinal(day))
            if not target[1] and key not in rows and (target[0], "A", key[2]) in rows:
                key, check.variant = (target[0], "A", key[2]), "A"  # the A side of a Mailchimp pair
            if key in saved:
                check.updated_days += 1
            else:
                check.new_days += 1
        if suffix_variants and check.variant and check.email.casefold() != name.casefold():
            check.pair = f"A/B test: “{name}” is variant {check.variant} of “{check.email}”"
    if suffix_variants:
        _name_partners(result.check)
    result.check.sort(key=lambda c: (bool(c.skipped), c.first_row))


def _name_partners(checks: list[CheckRow]) -> None:
    """Say, on each row group of a Mailchimp A/B pair, which titles of the file it was paired with."""
    paired = {c.email.casefold() for c in checks if c.pair and not c.skipped}
    titles: dict[str, list[str]] = {}
    for check in checks:
        if check.variant and not check.skipped and check.email.casefold() in paired:
            titles.setdefault(check.email.casefold(), []).append(check.file_email)
    for check in checks:
        others = [t for t in titles.get(check.email.casefold(), []) if t != check.file_email]
        if check.skipped or not others or not check.variant:
            continue
        beside = ", ".join(f"“{t}”" for t in others)
        check.pair = (
            check.pair or f"A/B test: “{check.file_email}” is variant {check.variant} of “{check.email}”"
        )
        check.pair += f", beside {beside}"


def _saved_days(session: Session, rows: dict[tuple[int, str, date], list]) -> set[tuple[int, str, date]]:
    """The (email id, variant, day) of `rows` that metric_daily already holds."""
    ids = sorted({email_id for email_id, _variant, _day in rows if email_id > 0})
    if not ids:
        return set()
    days = [day for _email_id, _variant, day in rows]
    query = select(MetricDaily.email_id, MetricDaily.variant, MetricDaily.day).where(
        MetricDaily.email_id.in_(ids), MetricDaily.day.between(min(days), max(days))
    )
    return {(email_id, variant, day) for email_id, variant, day in session.execute(query)}


def _no_match(targets: _Targets, name: str, campaign_id: str) -> str:
    """Why a file's email matches none of the journey's, with the closest name when one is near."""
    if not name:
        return f"no email of this journey has the ESP campaign id “{campaign_id}”"
    close = difflib.get_close_matches(name.casefold(), list(targets.by_name), n=1, cutoff=0.75)
    hint = f": did you mean “{targets.labels[targets.by_name[close[0]]][0]}”?" if close else ""
    return f"no email named “{name}” in this journey{hint}"


COLUMNS = ("email_id", "variant", "day", *COUNT_NAMES, "revenue", "source", "imported_at")
REPLACED = (*COUNT_NAMES, "revenue", "source", "imported_at")


@dataclass(frozen=True)
class _Target:
    """A table the import upserts into: its columns in the order of the rows given (the day third,
    the import time last), and the unique key a row replaces."""

    table: Table
    columns: tuple[str, ...]
    key: tuple[str, ...]


DAILY_TABLE = _Target(MetricDaily.__table__, COLUMNS, ("email_id", "variant", "day"))
SEGMENT_TABLE = _Target(
    MetricSegmentDaily.__table__,
    ("email_id", "variant", "day", "segment", *COUNT_NAMES, "revenue", "source", "imported_at"),
    ("email_id", "day", "variant", "segment"),
)


def _write(
    session: Session,
    rows: dict[tuple[int, str, date], list],
    source: str,
    progress: Progress | None,
    segment_rows: dict[tuple[int, str, date], dict[str, list]] | None = None,
) -> None:
    """Upsert every row: INSERT … ON CONFLICT (email_id, variant, day) DO UPDATE, in one transaction;
    and replace the segment rows of those emails, variants and days with `segment_rows`.

    SQLite: the dialect's upsert, compiled once, run with the driver's executemany on plain
    tuples in batches. PostgreSQL: COPY into a temporary table, then one INSERT … SELECT …
    ON CONFLICT DO UPDATE (executemany of upserts ran at ~18k rows/s; see docs/BENCHMARKS.md).
    The segment rows are written the same way, into metric_segment_daily.
    """
    now = utcnow()
    connection = session.connection()
    _delete_segments(connection, rows)
    # The weekly rollup rows of these days are recomputed before the transaction commits (db.rollups).
    rollups.mark_days(connection, ((email_id, day) for email_id, _variant, day in rows))
    values = (
        (email_id, variant, day, *counts[:REVENUE_I], float(counts[REVENUE_I]), source, now)
        for (email_id, variant, day), counts in rows.items()
    )
    upsert = _copy_upsert if connection.dialect.name == "postgresql" else _executemany_upsert
    upsert(connection, values, len(rows), progress)
    if segment_rows:
        segment_values = (
            (email_id, variant, day, segment, *counts[:REVENUE_I], float(counts[REVENUE_I]), source, now)
            for (email_id, variant, day), segments in segment_rows.items()
            for segment, counts in segments.values()
        )
        total = sum(len(segments) for segments in segment_rows.values())
        upsert(connection, segment_values, total, None, SEGMENT_TABLE)


def _upsert(session: Session, values: Iterable[tuple], total: int, progress: Progress | None) -> None:
    """Upsert metric_daily values (COLUMNS order) as they come, in batches (a streamed import)."""
    connection = session.connection()
    upsert = _copy_upsert if connection.dialect.name == "postgresql" else _executemany_upsert
    upsert(connection, values, total, progress)


MARKED = {rollups.MARKED: True}  # the import marks the days it writes itself (_write, _stream)


def _executemany_upsert(
    connection, values, total: int, progress: Progress | None, target: _Target = DAILY_TABLE
) -> None:
    table, columns = target.table, target.columns
    dialect = connection.dialect
    insert = sqlite_insert if dialect.name == "sqlite" else pg_insert
    statement = insert(table).values({name: bindparam(name) for name in columns})
    statement = statement.on_conflict_do_update(
        index_elements=list(target.key),
        set_={name: statement.excluded[name] for name in REPLACED},
    )
    compiled = statement.compile(dialect=dialect)
    order = list(compiled.positiontup) if compiled.positional else list(compiled.bind_names.values())
    where = [columns.index(name) for name in order]
    day_bind = table.c.day.type.dialect_impl(dialect).bind_processor(dialect) or (lambda value: value)
    time_bind = table.c.imported_at.type.dialect_impl(dialect).bind_processor(dialect) or (
        lambda value: value
    )
    days: dict[date, object] = {}
    batch: list = []
    done = 0
    for row in values:
        day = days.get(row[2])
        if day is None:
            day = days[row[2]] = day_bind(row[2])
        row = (*row[:2], day, *row[3:-1], time_bind(row[-1]))
        batch.append(
            tuple(row[i] for i in where)
            if compiled.positional
            else dict(zip(order, (row[i] for i in where), strict=True))
        )
        if len(batch) >= WRITE_BATCH:
            connection.exec_driver_sql(compiled.string, batch, execution_options=MARKED)
            done += len(batch)
            batch = []
            if progress is not None:
                progress(0.9 + 0.1 * done / total, f"Writing: {done:,} of {total:,} rows")
    if batch:
        connection.exec_driver_sql(compiled.string, batch, execution_options=MARKED)


def _copy_upsert(
    connection, values, total: int, progress: Progress | None, target: _Target = DAILY_TABLE
) -> None:
    table, columns = target.table, target.columns
    staging = Table(
        f"{table.name}_import",
        MetaData(),
        *(Column(name, table.c[name].type) for name in columns),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    staging.create(connection)
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(f"COPY {staging.name} ({', '.join(columns)}) FROM STDIN") as copy:
            for done, row in enumerate(values, 1):
                copy.write_row(row)
                if progress is not None and not done % WRITE_BATCH:
                    progress(0.9 + 0.09 * done / total, f"Writing: {done:,} of {total:,} rows")
    finally:
        cursor.close()
    statement = pg_insert(table).from_select(list(columns), select(*staging.c))
    statement = statement.on_conflict_do_update(
        index_elements=list(target.key),
        set_={name: statement.excluded[name] for name in REPLACED},
    )
    connection.execute(statement, execution_options={rollups.MARKED: True})  # _write marked its days
    staging.drop(connection)


def _delete_segments(connection, rows: dict[tuple[int, str, date], list]) -> None:
    """Delete the segment rows of every email, variant and day the import writes: a day keeps the
    segments of the file that last wrote its totals (none, when that file had no segment column).

    Only when metric_segment_daily holds rows for these emails and days (one indexed look-up), so an
    import without segments into a workspace without them costs nothing more.
    """
    table = MetricSegmentDaily.__table__
    ids = sorted({email_id for email_id, _variant, _day in rows})
    if not ids:
        return
    days = [day for _email_id, _variant, day in rows]
    saved = connection.execute(
        select(table.c.id)
        .where(table.c.email_id.in_(ids), table.c.day.between(min(days), max(days)))
        .limit(1)
    ).first()
    if saved is None:
        return
    statement = table.delete().where(
        table.c.email_id == bindparam("b_email_id"),
        table.c.day == bindparam("b_day"),
        table.c.variant == bindparam("b_variant"),
    )
    batch: list[dict] = []
    for email_id, variant, day in rows:
        batch.append({"b_email_id": email_id, "b_variant": variant, "b_day": day})
        if len(batch) >= WRITE_BATCH:
            connection.execute(statement, batch)
            batch = []
    if batch:
        connection.execute(statement, batch)
