"""The journey map out of the app and back in: the records of its PNG/SVG board (journey/plan/charts.py
draws and renders it), a printable A4-landscape page,
CSV (one row per stage, one column per lane), an empty workshop template (CSV and printable page),
and the CSV import of lanes into a journey.

CSV text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are exported with a leading apostrophe (journey.core.text.escape_formula); the import removes
it again, so a round trip keeps the text as it was. The emotion is written as a number.
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field
from html import escape

from sqlmodel import Session

from db.models import LANE_LABELS, LANES, StageCreate
from journey.core.errors import ImportRejected, InputTooLarge
from journey.core.fields import field_limits
from journey.core.text import decode_text, escape_formula, format_rate, sniff_delimiter, unescape_formula
from journey.plan import journeys
from journey.plan.maps import EMOTIONS, SHOWN_RATES, JourneyMap

STAGE_COLUMN = "Stage"
STAGE_WIDTH = 230  # px per stage column in the exported chart
EMOTION_COLUMN = "Emotion"
CSV_COLUMNS = [STAGE_COLUMN] + [LANE_LABELS[lane] for lane in LANES] + [EMOTION_COLUMN]
MAX_CSV_BYTES = 2_000_000
NAME_LIMITS = field_limits(StageCreate, "name")
EMOTION_LIMITS = field_limits(StageCreate, "emotion")
TEMPLATE_STAGES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
LINE_CHARS = 34


# --- chart: PNG and SVG ---------------------------------------------------------------------------


def board_records(journey_map: JourneyMap) -> list[dict]:
    """One record per stage and row (each lane, then each email card) for the exported chart."""
    records = []
    for s in journey_map.stages:
        for lane in LANES:
            records.append(
                {
                    "stage": s.name,
                    "row": LANE_LABELS[lane],
                    "kind": "lane",
                    "text": _cell_text(s.lanes[lane]),
                    "tooltip": "\n".join(s.lanes[lane]),
                }
            )
        for i, card in enumerate(s.emails, start=1):
            records.append(
                {
                    "stage": s.name,
                    "row": f"Email {i}",
                    "kind": card.status or "draft",
                    "text": "\n".join(
                        (
                            _short(card.subject or card.name),
                            _short(card.delay[:1].upper() + card.delay[1:]),
                            _short(f"{card.name} · {card.status}"),
                        )
                    ),
                    "tooltip": card.purpose,
                }
            )
    return records


def _short(text: str, limit: int = LINE_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word with "…" (mid-word only for one long word)."""
    short = textwrap.shorten(text, limit, placeholder="…")
    if short == "…":  # the first word alone is too long (a web address): cut inside it
        return " ".join(text.split())[: limit - 1] + "…"
    return short


def _cell_text(items: list[str], max_lines: int = 6) -> str:
    lines = [f"• {_short(i)}" for i in items[:max_lines]]
    if len(items) > max_lines:
        lines.append(f"(+{len(items) - max_lines} more)")
    return "\n".join(lines) or "–"


# --- printable HTML -------------------------------------------------------------------------------

PRINT_CSS = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #222; font-size: 9pt; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
.meta { color: #555; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.3mm solid #bbb; padding: 1.5mm; vertical-align: top; text-align: left; }
thead th { background: #2b2118; color: #fff; }
th.lane { width: 26mm; background: #efe8e1; color: #2b2118; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
ul { margin: 0; padding-left: 4mm; }
.card { border: 0.3mm solid #d9cfc5; border-left: 1mm solid #8a4b2a; padding: 1mm 1.5mm; margin: 0 0 1.5mm; }
.card.draft { border-left-color: #b0a69c; }
.subject { font-weight: bold; }
.small { color: #555; font-size: 8pt; }
.write { height: 19mm; }
.scale span { display: inline-block; border: 0.3mm solid #999; width: 7mm; text-align: center; margin-right: 1mm; }
@media screen { body { margin: 12px; } }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head><body>{body}</body></html>\n"
    )


def printable_html(journey_map: JourneyMap) -> str:
    """The whole map as a page that prints to PDF on A4 landscape: every stage, lane and email."""
    personas = ", ".join(journey_map.personas) or "none"
    head = "".join(f"<th>{escape(s.name)}</th>" for s in journey_map.stages)
    rows = [
        '<tr><th class="lane">Emotion</th>'
        + "".join(
            f"<td>{s.emotion:+d} · {escape(EMOTIONS.get(s.emotion, ''))}</td>" for s in journey_map.stages
        )
        + "</tr>"
    ]
    for lane in LANES:
        cells = []
        for s in journey_map.stages:
            items = s.lanes[lane]
            cells.append(
                "<td><ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul></td>"
                if items
                else "<td>–</td>"
            )
        rows.append(f'<tr><th class="lane">{escape(LANE_LABELS[lane])}</th>{"".join(cells)}</tr>')
    email_cells = []
    for s in journey_map.stages:
        cards = "".join(
            f'<div class="card {"draft" if c.status != "ready" else ""}">'
            f'<div class="subject">{escape(c.subject or c.name)}</div>'
            f'<div class="small">{escape(c.name)} · {escape(c.status)}</div>'
            f'<div class="small">{escape(c.trigger_label)}: {escape(c.delay)}</div>'
            f"<div>{escape(c.purpose)}</div></div>"
            for c in s.emails
        )
        email_cells.append(f"<td>{cards or '–'}</td>")
    rows.append(f'<tr><th class="lane">Emails</th>{"".join(email_cells)}</tr>')
    if journey_map.has_rates:
        rate_cells = []
        for s in journey_map.stages:
            if s.rates is None:
                rate_cells.append("<td>–</td>")
                continue
            lines = "".join(
                f"<div>{label}: {format_rate(s.rates.rates.get(key))}</div>"
                for key, label in SHOWN_RATES.items()
            )
            rate_cells.append(f'<td>{lines}<div class="small">{escape(s.rates.week)}</div></td>')
        rows.append(f'<tr><th class="lane">Latest rates</th>{"".join(rate_cells)}</tr>')
    body = (
        f"<h1>{escape(journey_map.name)}</h1>"
        f'<p class="meta">{escape(journey_map.map_type_label)} · Goal: {escape(journey_map.goal or "–")} · '
        f"KPI: {escape(journey_map.target_kpi or '–')} · Personas: {escape(personas)}</p>"
        f'<table><thead><tr><th class="lane"></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return _page(f"Journey map: {journey_map.name}", body)


def template_html(stages: tuple[str, ...] = TEMPLATE_STAGES) -> str:
    """An empty journey-map template to print and fill in at a workshop (A4 landscape)."""
    head = "".join(f"<th>{escape(s)}</th>" for s in stages)
    blank = "".join('<td class="write"></td>' for _ in stages)
    scale = "".join(f"<span>{v:+d}</span>" for v in EMOTIONS)
    rows = [f'<tr><th class="lane">{escape(LANE_LABELS[lane])}</th>{blank}</tr>' for lane in LANES]
    rows.append(
        '<tr><th class="lane">Emotion</th>'
        + "".join(f'<td class="scale">{scale}</td>' for _ in stages)
        + "</tr>"
    )
    rows.append(f'<tr><th class="lane">Emails</th>{blank}</tr>')
    body = (
        "<h1>Email journey map</h1>"
        '<p class="meta">Journey: ______________________ · Goal: ______________________ · '
        "Persona: ______________________ · Current state / Future state</p>"
        f'<table><thead><tr><th class="lane"></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        '<p class="small">One item per line. Emotion: circle −2 (frustrated) … +2 (delighted). '
        "Type it into the template CSV and import it on the Journey map page.</p>"
    )
    return _page("Email journey map template", body)


# --- CSV ------------------------------------------------------------------------------------------


def _csv(rows: list[list[str | int]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([[escape_formula(cell) for cell in row] for row in rows])
    return buffer.getvalue()


def map_csv(journey_map: JourneyMap) -> str:
    """One row per stage, one column per lane (as typed: one item per line) and the emotion."""
    return _csv([[s.name, *(s.lane_text[lane] for lane in LANES), s.emotion] for s in journey_map.stages])


def template_csv(stages: tuple[str, ...] = TEMPLATE_STAGES) -> str:
    """The empty template: the five stages, every lane empty, emotion blank."""
    return _csv([[name, *("" for _ in LANES), ""] for name in stages])


# --- CSV import of lanes --------------------------------------------------------------------------


@dataclass
class LaneImport:
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def _decode(content: bytes | str) -> str:
    if isinstance(content, bytes) and len(content) > MAX_CSV_BYTES:
        raise InputTooLarge(
            f"The file is {len(content):,} bytes; a journey map CSV is at most {MAX_CSV_BYTES:,}."
        )
    try:
        return decode_text(content)
    except UnicodeDecodeError as exc:
        raise ImportRejected("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.") from exc


def _column_key(header: str) -> str | None:
    wanted = " ".join(header.replace("_", " ").split()).casefold()
    if wanted == "stage":
        return "name"
    if wanted == "emotion":
        return "emotion"
    for lane in LANES:
        if wanted in (LANE_LABELS[lane].casefold(), lane.replace("_", " ")):
            return lane
    return None


def parse_lanes_csv(content: bytes | str) -> list[dict]:
    """The stages of a journey-map CSV, validated; ImportRejected names the row and column of a problem."""
    text = _decode(content)
    if len(text) > MAX_CSV_BYTES:
        raise InputTooLarge(f"The file is over {MAX_CSV_BYTES:,} characters.")
    delimiter = sniff_delimiter("\n".join(text.split("\n", 21)[:20]))  # the header and first rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected("The file is empty: start from the template CSV.") from None
    except csv.Error as exc:
        raise ImportRejected(f"Row 1: the CSV cannot be read ({exc}).", row=1) from exc
    keys = _lane_keys(header)
    stages: list[dict] = []
    seen: dict[str, int] = {}
    row_number = 1
    try:
        for row_number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(keys):
                raise ImportRejected(
                    f"Row {row_number}: {len(cells)} cells but only {len(keys)} columns in the header.",
                    row=row_number,
                )
            values = {key: unescape_formula(cell) for key, cell in zip(keys, cells, strict=False)}
            stages.append(_lane_stage(row_number, values, seen))
    except csv.Error as exc:
        raise ImportRejected(f"Row {row_number}: the CSV cannot be read ({exc}).", row=row_number) from exc
    if not stages:
        raise ImportRejected("The file has a header but no stages.")
    return stages


def _lane_keys(header: list[str]) -> list[str]:
    """The field of each header column; ImportRejected for an unknown or repeated one, or no Stage column."""
    keys: list[str] = []
    for number, title in enumerate(header, start=1):
        key = _column_key(title)
        if key is None:
            raise ImportRejected(
                f"Row 1, column {number} “{title[:60]}”: not a lane. Use: {', '.join(CSV_COLUMNS)}.",
                row=1,
                field=title[:60],
            )
        if key in keys:
            raise ImportRejected(
                f"Row 1, column “{title[:60]}”: the column appears twice.", row=1, field=title[:60]
            )
        keys.append(key)
    if "name" not in keys:
        raise ImportRejected("Row 1: there is no “Stage” column, so rows cannot be matched to stages.", row=1)
    return keys


def _lane_stage(row_number: int, values: dict[str, str], seen: dict[str, int]) -> dict:
    """One row's stage (name, lanes, emotion), validated; `seen` (folded name → row) catches repeats."""
    for key, value in values.items():
        if "\x00" in value:
            column = "Stage" if key == "name" else LANE_LABELS.get(key, key.capitalize())
            raise ImportRejected(
                f"Row {row_number}, column “{column}”: the cell holds a NUL byte; the file is not plain text.",
                row=row_number,
                field=key,
            )
    name = " ".join(values.get("name", "").split())
    if not name:
        raise ImportRejected(f"Row {row_number}, column “Stage”: the stage name is empty.", row=row_number)
    if len(name) > NAME_LIMITS.max_length:
        raise ImportRejected(
            f"Row {row_number}, column “Stage”: the name is over {NAME_LIMITS.max_length} characters.",
            row=row_number,
        )
    if name.casefold() in seen:
        raise ImportRejected(
            f"Row {row_number}, column “Stage”: “{name}” is already on row {seen[name.casefold()]}.",
            row=row_number,
        )
    seen[name.casefold()] = row_number
    stage: dict = {"name": name}
    for lane in LANES:
        if lane in values:
            lane_text = values[lane].replace("\r\n", "\n").strip()
            limit = field_limits(StageCreate, lane).max_length
            if len(lane_text) > limit:
                raise ImportRejected(
                    f"Row {row_number}, column “{LANE_LABELS[lane]}”: over {limit:,} characters.",
                    row=row_number,
                    field=lane,
                )
            stage[lane] = lane_text
    emotion = values.get("emotion", "").strip()
    if emotion:
        stage["emotion"] = _lane_emotion(row_number, emotion)
    return stage


def _lane_emotion(row_number: int, emotion: str) -> int:
    """An emotion cell as a whole number from -2 to 2 ("+1" and "1.0" too)."""
    try:
        number = int(float(emotion.replace("+", "")))
    except ValueError:
        number = None
    if number is None or not EMOTION_LIMITS.ge <= number <= EMOTION_LIMITS.le:
        raise ImportRejected(
            f"Row {row_number}, column “Emotion”: {emotion!r} is not a whole number "
            f"from {EMOTION_LIMITS.ge} to {EMOTION_LIMITS.le}.",
            row=row_number,
            field="emotion",
        )
    return number


def import_lanes_csv(session: Session, journey_id: int, content: bytes | str) -> LaneImport:
    """Write a journey-map CSV's lanes into a journey, all or nothing.

    Rows match stages by name (ignoring case); a new name adds a stage at the end. A blank emotion
    keeps the stage's emotion. Nothing is written when any row is invalid.
    """
    stages = parse_lanes_csv(content)
    tree = journeys.load_tree(session, journey_id)
    existing = {node.stage.name.casefold(): node.stage for node in tree.stages}
    result = LaneImport()
    with session.begin_nested():
        for values in stages:
            stage = existing.get(values["name"].casefold())
            changes = {k: v for k, v in values.items() if k != "name"}
            if stage is None:
                journeys.add_stage(session, journey_id, **values)
                result.created.append(values["name"])
            else:
                journeys.update_stage(session, stage.id, stage.version, **changes)
                result.updated.append(stage.name)
    return result
