"""Key/value campaign reports: one campaign per file, its figures as `"Label:","value"` lines.

    Email Campaign Report                 Mailchimp single-campaign report
    "Title:","Welcome 1"                  (Reports › the campaign › Export as CSV)
    "Delivery Date/Time:","Mon, Nov 2, 2026 09:30"
    "Overall Stats"
    "Total Recipients:","1,200"
    "Recipients Who Opened:","472 (40.0%)"
    …
    "Clicks by URL"                       the per-link tables after it are not read

Mailchimp's A/B report has the same lines once per "Combination N Stats" block: combination 1
is variant A, 2 is B… MailerLite Classic's campaign report ("Campaign report", "Subject:",
"Total emails sent:", "Opened:", "Hard bounce:"…) has no campaign name: its subject names the email.

read_report turns such a file into rows like the tabular formats' (day, name, variant, counts),
each count with the file row it came from, so a bad value is rejected naming its row and label.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from db.models import METRIC_COUNTS
from journey.core.errors import ImportRejected
from journey.measure.imports.formats import (
    FORMATS,
    NA_VALUES,
    CellError,
    clean_label,
    normalize_header,
    parse_count,
    parse_day,
    parse_decimal,
)


@dataclass(frozen=True)
class ReportFormat:
    """Which labels (normalised, without the colon) hold each of our fields."""

    name: str
    labels: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    # A line starting a variant's block: "Combination 2 Stats" → group 1 is the combination number.
    block: re.Pattern | None = None
    # Section titles after which nothing is read (per-link tables, reading environments…).
    stop: re.Pattern | None = None
    # Fields named only once, above the blocks (the title, the send date).
    shared: tuple[str, ...] = ("email", "date")


MAILCHIMP_LABELS = {
    "email": ("title",),
    "date": ("delivery date/time", "send date"),
    "sent": ("total recipients",),
    "delivered": ("successful deliveries",),
    "bounces": ("bounces", "total bounces"),
    "opens": ("recipients who opened", "unique opens"),
    "clicks": ("recipients who clicked", "unique clicks"),
    "unsubscribes": ("total unsubs", "unsubscribes"),
    "complaints": ("total abuse complaints", "abuse complaints"),
    "conversions": ("total orders", "orders"),
    "revenue": ("total sales", "total revenue"),
}
MAILCHIMP_REQUIRED = ("email", "date", "sent", "delivered", "opens", "clicks")
MAILCHIMP_STOP = re.compile(r"(combination \d+ )?clicks by url")
REPORT_FORMATS = {
    spec.name: spec
    for spec in (
        ReportFormat("mailchimp_campaign", MAILCHIMP_LABELS, MAILCHIMP_REQUIRED, stop=MAILCHIMP_STOP),
        ReportFormat(
            "mailchimp_ab",
            MAILCHIMP_LABELS,
            MAILCHIMP_REQUIRED,
            block=re.compile(r"combination (\d+) stats"),
            stop=MAILCHIMP_STOP,
        ),
        ReportFormat(
            "mailerlite_classic",
            {
                "email": ("subject", "campaign name", "name"),
                "date": ("sent", "date sent"),
                "sent": ("total emails sent",),
                "opens": ("opened",),
                "clicks": ("clicked",),
                "unsubscribes": ("unsubscribed",),
                "complaints": ("spam complaints",),
                "hard_bounces": ("hard bounce", "hard bounces"),
                "soft_bounces": ("soft bounce", "soft bounces"),
            },
            ("email", "date", "sent", "opens", "clicks"),
            stop=re.compile(r"reading environment|top email clients|links activity|top links"),
        ),
    )
}
MAX_REPORT_LINES = 100_000  # the figures and their per-link tables; more is not a campaign report
MAILERLITE_CLASSIC_LABELS = frozenset({"total emails sent", "bad statistics", "campaign results"})


class ReportCellError(CellError):
    """A bad value in a key/value report, with the row it is on."""

    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row


@dataclass
class ReportRow:
    """One campaign (or A/B combination) of a report: its cells, each with the row it is on."""

    variant: str = ""
    cells: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # field → (row, label, text)


def _label(cell: str) -> str:
    return normalize_header(cell).rstrip(":").strip()


def _variant(number: str, row: int) -> str:
    """Combination 1 → "A", 2 → "B"… (up to 26)."""
    index = int(number)
    if not 1 <= index <= 26:
        raise ImportRejected(f"“Combination {number}” is not a combination we can name A to Z.", row=row)
    return chr(ord("A") + index - 1)


def read_report(rows: Iterator[list[str]], first_row: int, chosen: str) -> tuple[str, list[ReportRow]]:
    """The format (an auto-detected "Campaign report" may turn out to be MailerLite Classic's)
    and the report's campaigns, from the rows after its title line (row `first_row` is the first)."""
    lines = []
    for row, cells in enumerate(rows, first_row):
        cells = [cell.strip() for cell in cells]
        if any(cells):
            lines.append((row, cells))
            if len(lines) > MAX_REPORT_LINES:
                raise ImportRejected(
                    f"The report goes on past row {row:,}: a campaign report has a few dozen lines. "
                    "Is it the right file?",
                    row=row,
                )
    labels = {_label(cells[0]) for _, cells in lines}
    if chosen == "mailchimp_ab" and labels & MAILERLITE_CLASSIC_LABELS:
        chosen = "mailerlite_classic"
    spec = REPORT_FORMATS[chosen]
    shared = ReportRow()
    blocks: list[ReportRow] = []
    for row, cells in lines:
        label = _label(cells[0])
        if spec.stop is not None and len([c for c in cells if c]) == 1 and spec.stop.fullmatch(label):
            break
        if spec.block is not None:
            start = spec.block.fullmatch(label)
            if start:
                blocks.append(ReportRow(variant=_variant(start[1], row)))
                continue
        if len(cells) < 2:
            continue  # a section title ("Overall Stats")
        target = blocks[-1] if blocks else shared
        for name, options in spec.labels.items():
            if label in options and name not in target.cells:
                target.cells[name] = (row, cells[0].rstrip(":").strip(), cells[1])
                break
    if spec.block is not None and not blocks:
        raise ImportRejected(
            f"The report has no “Combination 1 Stats” block: is it a {FORMATS[spec.name]}? "
            "Choose the single-campaign format for a report without combinations.",
            field="header",
        )
    campaigns = blocks or [shared]
    _complete(spec, campaigns, shared)
    return spec.name, campaigns


def _complete(spec: ReportFormat, campaigns: list[ReportRow], shared: ReportRow) -> None:
    """Give each combination the title and date above the blocks; refuse a campaign missing a figure."""
    for campaign in campaigns:
        if campaign is not shared:
            for name in spec.shared:
                if name in shared.cells:
                    campaign.cells.setdefault(name, shared.cells[name])
        missing = [spec.labels[f][0] for f in spec.required if f not in campaign.cells]
        if missing:
            where = f"Combination {ord(campaign.variant) - 64}" if campaign.variant else "The report"
            raise ImportRejected(
                f"{where} has no {', '.join(f'“{m.title()}:”' for m in missing)} line, needed for the "
                f"{FORMATS[spec.name]} format.",
                field="header",
            )


def _count(text: str) -> int:
    """`1,742`, `141 (8.1%)` (a count and its rate: the count), `n/a` → an int."""
    return parse_count(re.sub(r"\s*\([^)]*\)\s*$", "", text))


def _money(text: str) -> float:
    """`CA$1,250.50`, `$0.00`, `€12` → 1250.5, 0.0, 12.0."""
    value = text.strip()
    if value.lower() in NA_VALUES:
        return 0.0
    return round(parse_decimal(re.sub(r"^[A-Za-z]{1,3}(?=[$€£¥])|^[A-Z]{3}\s*", "", value)), 2)


def report_values(campaign: ReportRow) -> tuple[int, str, list, int]:
    """(day ordinal, email name, counts in metric_daily order with revenue last, row of the name).

    Raises CellError with the row and label of the first bad value: str() is "row N: …".
    """
    cells = campaign.cells
    name_row, name_label, name = cells["email"]
    try:
        name = clean_label(name)
    except CellError as exc:
        raise ReportCellError(name_row, f"{name_label}: {exc}") from None
    if not name:
        raise ReportCellError(name_row, f"{name_label}: the email name is empty")
    if name.startswith("="):
        raise ReportCellError(name_row, f"{name_label}: “{name[:40]}” is a formula, not an email name")
    date_row, date_label, text = cells["date"]
    try:
        day = parse_day(text).toordinal()
    except CellError as exc:
        raise ReportCellError(date_row, f"{date_label}: {exc}") from None
    values = [0] * len(METRIC_COUNTS) + [0.0]
    read: dict[str, int] = {}
    for field_name in (*METRIC_COUNTS, "hard_bounces", "soft_bounces"):
        if field_name in cells:
            row, label, text = cells[field_name]
            try:
                read[field_name] = _count(text)
            except CellError as exc:
                raise ReportCellError(row, f"{label}: {exc}") from None
    if "revenue" in cells:
        row, label, text = cells["revenue"]
        try:
            values[-1] = _money(text)
        except CellError as exc:
            raise ReportCellError(row, f"{label}: {exc}") from None
    if "bounces" not in read:
        read["bounces"] = read.get("hard_bounces", 0) + read.get("soft_bounces", 0)
    if "delivered" not in read:
        # MailerLite Classic: its open rate is opens ÷ (sent − bounces), so that is delivered.
        read["delivered"] = read["sent"] - read["bounces"]
    for position, field_name in enumerate(METRIC_COUNTS):
        values[position] = read.get(field_name, 0)
    return day, name, values, name_row
