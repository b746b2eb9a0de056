"""The journey map: stages as columns, lanes as rows, the emotion curve, each stage's emails as cards
and its latest rates; and the side-by-side comparison of a current and a future state.

Pure: builds plain dataclasses, an Altair chart and HTML strings (every user text escaped with
html.escape; CSS classes prefixed `jm-` so they cannot clash with the app's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from db.models import LANE_LABELS, LANES, MAP_TYPE_LABELS, TRIGGER_LABELS, MapType
from journey.core.text import format_rate, lane_items, plural
from journey.measure.metrics import latest_stage_rates
from journey.plan.journeys import JourneyTree
from journey.plan.walkthrough import human_delay

EMOTIONS = {-2: "Frustrated", -1: "Unhappy", 0: "Neutral", 1: "Happy", 2: "Delighted"}
SHOWN_RATES = {
    "open_rate": "Open",
    "click_rate": "Click",
    "conversion_rate": "Conversion",
    "unsubscribe_rate": "Unsubscribe",
}
ARROWS = {"up": "↑", "down": "↓", "flat": "→", None: ""}
HIGHER_IS_BETTER = {"open_rate": True, "click_rate": True, "conversion_rate": True, "unsubscribe_rate": False}
EMAIL_FIELDS = {
    "purpose": "purpose",
    "trigger": "trigger",
    "trigger_detail": "trigger detail",
    "delay_hours": "delay",
    "subject": "subject",
    "preheader": "preheader",
    "status": "status",
    "cta_label": "CTA label",
    "cta_url": "CTA URL",
    "mjml": "body",
}


@dataclass
class EmailCard:
    name: str
    purpose: str
    trigger: str
    trigger_label: str
    delay: str  # "2 days after signs up"
    subject: str
    status: str
    mark: str = ""  # comparisons: "added", "removed", "changed"


@dataclass
class StageRatesView:
    week: str  # its dates, "23–29 Nov", marked "in progress (N of 7 days)" while under way
    rates: dict[str, float | None]  # SHOWN_RATES keys
    direction: dict[str, str | None]


@dataclass
class StageColumn:
    name: str
    emotion: int
    lanes: dict[str, list[str]]  # lane → items
    emails: list[EmailCard]
    rates: StageRatesView | None = None
    lane_text: dict[str, str] = field(default_factory=dict)  # lane → text as typed (for CSV export)


@dataclass
class JourneyMap:
    name: str
    map_type: str
    map_type_label: str
    goal: str
    target_kpi: str
    personas: list[str]
    stages: list[StageColumn]

    @property
    def has_rates(self) -> bool:
        return any(s.rates for s in self.stages)


def stage_rates(session, journey_id: int, today=None) -> dict:
    """Each stage's rates in the last complete week (journey.measure.metrics.latest_stage_rates), {} when
    there are none; `today` defaults to today in the workspace's time zone."""
    return latest_stage_rates(session, journey_id, today)


def email_card(email) -> EmailCard:
    return EmailCard(
        name=email.name,
        purpose=email.purpose or "",
        trigger=email.trigger or "",
        trigger_label=TRIGGER_LABELS.get(email.trigger, email.trigger or "no trigger"),
        delay=human_delay(email.delay_hours, email.trigger, email.trigger_detail),
        subject=email.subject or "",
        status=email.status or "",
    )


def build_map(tree: JourneyTree, rates: dict | None = None) -> JourneyMap:
    """The map of one journey; `rates` from stage_rates (stage id → metrics.StageRates)."""
    rates = rates or {}
    journey = tree.journey
    stages = []
    for node in tree.stages:
        stage = node.stage
        found = rates.get(stage.id)
        view = None
        if found is not None:
            view = StageRatesView(
                week=found.label,
                rates={k: found.rates.get(k) for k in SHOWN_RATES},
                direction={k: found.direction.get(k) for k in SHOWN_RATES},
            )
        stages.append(
            StageColumn(
                name=stage.name,
                emotion=stage.emotion,
                lanes={lane: lane_items(getattr(stage, lane)) for lane in LANES},
                emails=[email_card(e) for e in node.emails],
                rates=view,
                lane_text={lane: (getattr(stage, lane) or "").strip() for lane in LANES},
            )
        )
    try:
        label = MAP_TYPE_LABELS[MapType(journey.map_type)]
    except ValueError:
        label = journey.map_type
    return JourneyMap(
        name=journey.name,
        map_type=journey.map_type,
        map_type_label=label,
        goal=journey.goal or "",
        target_kpi=journey.target_kpi or "",
        personas=[p.name for p in tree.personas],
        stages=stages,
    )


# --- chart ------------------------------------------------------------------------------------


def emotion_records(journey_map: JourneyMap) -> list[dict]:
    return [
        {
            "position": i + 1,
            "stage": s.name,
            "emotion": s.emotion,
            "feeling": EMOTIONS.get(s.emotion, str(s.emotion)),
            "emails": len(s.emails),
        }
        for i, s in enumerate(journey_map.stages)
    ]


# --- HTML --------------------------------------------------------------------------------------

MAP_CSS = """
.jm-map{overflow-x:auto;color:#222;font-size:14px;line-height:1.35}
.jm-grid{display:grid;gap:4px;align-items:stretch}
.jm-head{background:#2b2118;color:#fff;font-weight:600;padding:6px 8px;border-radius:4px}
.jm-lane{background:#efe8e1;color:#2b2118;font-weight:600;padding:6px 8px;border-radius:4px}
.jm-cell{background:#fbfaf8;color:#222;border:1px solid #e6e0da;padding:6px 8px;border-radius:4px}
.jm-cell ul{margin:0;padding-left:1.1em}
.jm-cell li{margin:0 0 2px 0}
.jm-empty{color:#8a8078;font-style:italic}
.jm-card{background:#fff;border:1px solid #d9cfc5;border-left:4px solid #8a4b2a;border-radius:4px;
 padding:5px 7px;margin:0 0 6px 0}
.jm-card.jm-draft{border-left-color:#b0a69c}
.jm-subject{font-weight:600}
.jm-meta{color:#5c4b3f;font-size:12px}
.jm-badge{display:inline-block;font-size:11px;padding:0 5px;border-radius:8px;background:#efe8e1;color:#2b2118}
.jm-rates{font-size:12px;color:#2b2118}
.jm-added{background:#e3f4e6 !important;border-color:#3a9b52 !important}
.jm-removed{background:#fbe6e4 !important;border-color:#c5473a !important;text-decoration:line-through}
.jm-changed{background:#fff3dc !important;border-color:#d08b12 !important}
.jm-legend span{margin-right:10px}
.jm-better{color:#1e7b34;font-weight:700}
.jm-worse{color:#b3261e;font-weight:700}
.jm-head.jm-added,.jm-head.jm-removed,.jm-head.jm-changed{color:#2b2118}
"""


def _items_html(items: list[str], marks: dict[str, str] | None = None) -> str:
    if not items:
        return '<span class="jm-empty">–</span>'
    marks = marks or {}
    lis = "".join(
        f'<li class="jm-{marks[item]}">{escape(item)}</li>' if item in marks else f"<li>{escape(item)}</li>"
        for item in items
    )
    return f"<ul>{lis}</ul>"


def card_html(card: EmailCard, note: str = "") -> str:
    classes = ["jm-card"]
    if card.status != "ready":
        classes.append("jm-draft")
    if card.mark:
        classes.append(f"jm-{card.mark}")
    mark = f' <span class="jm-badge">{escape(card.mark)}</span>' if card.mark else ""
    return (
        f'<div class="{" ".join(classes)}">'
        f'<div class="jm-subject">{escape(card.subject or card.name)}{mark}</div>'
        f'<div class="jm-meta">{escape(card.name)} · <span class="jm-badge">{escape(card.status)}</span></div>'
        f'<div class="jm-meta">⏱ {escape(card.trigger_label)} — {escape(card.delay)}</div>'
        f"<div>{escape(card.purpose) or '<span class=jm-empty>no purpose</span>'}</div>"
        + (f'<div class="jm-meta">{escape(note)}</div>' if note else "")
        + "</div>"
    )


def rates_html(view: StageRatesView | None) -> str:
    if view is None:
        return '<span class="jm-empty">no metrics</span>'
    rows = "".join(
        f"<div>{label}: <b>{format_rate(view.rates.get(key))}</b> {_arrow(key, view.direction.get(key))}</div>"
        for key, label in SHOWN_RATES.items()
    )
    return f'<div class="jm-rates">{rows}<div class="jm-meta">{escape(view.week)}</div></div>'


def _arrow(rate: str, direction: str | None) -> str:
    """↑ ↓ → since the week before, green when it moved the good way and red when the bad way."""
    if direction in (None, "flat"):
        return ARROWS[direction]
    good = (direction == "up") == HIGHER_IS_BETTER[rate]
    word = "better" if good else "worse"
    return f'<span class="jm-{word}" title="{word} than the week before">{ARROWS[direction]}</span>'


def map_html(journey_map: JourneyMap) -> str:
    """The map as one scoped HTML grid (for st.html): a header row, a row per lane, emails, rates."""
    n = len(journey_map.stages)
    columns = f"grid-template-columns:9rem repeat({n}, minmax(12rem, 1fr));min-width:{9 + 12 * n}rem"
    cells = ['<div class="jm-lane">Stage</div>']
    cells += [f'<div class="jm-head">{escape(s.name)}</div>' for s in journey_map.stages]
    cells.append('<div class="jm-lane">Emotion</div>')
    cells += [
        f'<div class="jm-cell">{s.emotion:+d} · {escape(EMOTIONS.get(s.emotion, ""))}</div>'
        for s in journey_map.stages
    ]
    for lane in LANES:
        cells.append(f'<div class="jm-lane">{escape(LANE_LABELS[lane])}</div>')
        cells += [f'<div class="jm-cell">{_items_html(s.lanes[lane])}</div>' for s in journey_map.stages]
    cells.append('<div class="jm-lane">Emails</div>')
    for s in journey_map.stages:
        cards = "".join(card_html(c) for c in s.emails) or '<span class="jm-empty">no email</span>'
        cells.append(f'<div class="jm-cell">{cards}</div>')
    if journey_map.has_rates:
        cells.append('<div class="jm-lane">Latest rates</div>')
        cells += [f'<div class="jm-cell">{rates_html(s.rates)}</div>' for s in journey_map.stages]
    return (
        f"<style>{MAP_CSS}</style>"
        f'<div class="jm-map"><div class="jm-grid" style="{columns}">{"".join(cells)}</div></div>'
    )


# --- compare current vs future -------------------------------------------------------------------


@dataclass
class LaneDiff:
    lane: str
    current: list[str]
    future: list[str]

    @property
    def added(self) -> list[str]:
        return [i for i in self.future if i not in self.current]

    @property
    def removed(self) -> list[str]:
        return [i for i in self.current if i not in self.future]

    @property
    def changed(self) -> bool:
        return self.current != self.future


@dataclass
class EmailDiff:
    name: str
    status: str  # "added", "removed", "changed", "same"
    current: EmailCard | None
    future: EmailCard | None
    changes: list[str] = field(default_factory=list)  # which fields changed


@dataclass
class StageDiff:
    name: str
    status: str  # "added", "removed", "changed", "same"
    current_emotion: int | None
    future_emotion: int | None
    lanes: list[LaneDiff]
    emails: list[EmailDiff]


@dataclass
class MapComparison:
    current: str
    future: str
    stages: list[StageDiff]

    @property
    def summary(self) -> str:
        """ "2 stages and 1 email differ" (a stage differs when a lane, its emotion or an email changed)."""
        stages = sum(s.status != "same" for s in self.stages)
        emails = sum(e.status != "same" for s in self.stages for e in s.emails)
        if not stages:
            return "The two journeys are the same."
        return f"{plural(stages, 'stage')} and {plural(emails, 'email')} differ."


def compare_pair(session, journey_id: int) -> tuple[int, int | None]:
    """Which two journeys to compare by default: (source, this) for a future state, else (this, its
    newest future state), or (this, None) when it has none."""
    from sqlalchemy import select

    from db.models import Journey

    journey = session.get(Journey, journey_id)
    source = (
        session.get(Journey, journey.source_journey_id) if journey and journey.source_journey_id else None
    )
    if source is not None and source.deleted_at is None:  # a source in the bin is not offered
        return source.id, journey_id
    newest = session.execute(
        select(Journey.id)
        .where(Journey.source_journey_id == journey_id, Journey.deleted_at.is_(None))
        .order_by(Journey.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return journey_id, newest


def compare_trees(current: JourneyTree, future: JourneyTree) -> MapComparison:
    """Stages matched by name, emails by name within the stage: lanes and emails added, removed, changed."""
    cur_nodes = {n.stage.name.casefold(): n for n in current.stages}
    fut_nodes = {n.stage.name.casefold(): n for n in future.stages}
    order = [n.stage.name.casefold() for n in future.stages]
    order += [k for k in cur_nodes if k not in fut_nodes]
    stages = []
    for key in order:
        cur, fut = cur_nodes.get(key), fut_nodes.get(key)
        name = (fut or cur).stage.name
        lanes = [
            LaneDiff(
                lane,
                lane_items(getattr(cur.stage, lane)) if cur else [],
                lane_items(getattr(fut.stage, lane)) if fut else [],
            )
            for lane in LANES
        ]
        cur_emails = {e.name.casefold(): e for e in cur.emails} if cur else {}
        fut_emails = {e.name.casefold(): e for e in fut.emails} if fut else {}
        email_keys = list(fut_emails) + [k for k in cur_emails if k not in fut_emails]
        emails = []
        for ek in email_keys:
            a, b = cur_emails.get(ek), fut_emails.get(ek)
            if a is None:
                emails.append(EmailDiff(b.name, "added", None, email_card(b)))
            elif b is None:
                emails.append(EmailDiff(a.name, "removed", email_card(a), None))
            else:
                changes = [label for f, label in EMAIL_FIELDS.items() if getattr(a, f) != getattr(b, f)]
                emails.append(
                    EmailDiff(b.name, "changed" if changes else "same", email_card(a), email_card(b), changes)
                )
        if cur is None:
            status = "added"
        elif fut is None:
            status = "removed"
        elif (
            any(lane.changed for lane in lanes)
            or any(e.status != "same" for e in emails)
            or cur.stage.emotion != fut.stage.emotion
        ):
            status = "changed"
        else:
            status = "same"
        stages.append(
            StageDiff(
                name,
                status,
                cur.stage.emotion if cur else None,
                fut.stage.emotion if fut else None,
                lanes,
                emails,
            )
        )
    return MapComparison(current.journey.name, future.journey.name, stages)


def _side_emails(diffs: list[EmailDiff], side: str) -> str:
    parts = []
    for diff in diffs:
        card = diff.current if side == "current" else diff.future
        if card is None:
            continue
        mark = "" if diff.status == "same" else diff.status
        if side == "current" and diff.status == "changed":
            mark = ""  # mark the new version only
        shown = EmailCard(**{**card.__dict__, "mark": mark})
        note = "changed: " + ", ".join(diff.changes) if diff.changes and side == "future" else ""
        parts.append(card_html(shown, note))
    return "".join(parts) or '<span class="jm-empty">no email</span>'


def comparison_html(comparison: MapComparison) -> str:
    """Current and future side by side, stage by stage; what differs is marked added/removed/changed."""
    cells = [
        '<div class="jm-lane"></div>',
        f'<div class="jm-head">Current: {escape(comparison.current)}</div>',
        f'<div class="jm-head">Future: {escape(comparison.future)}</div>',
    ]
    for stage in comparison.stages:
        badge = "" if stage.status == "same" else f' <span class="jm-badge">{escape(stage.status)}</span>'
        cls = "" if stage.status == "same" else f" jm-{stage.status}"
        cells.append(
            f'<div class="jm-head{cls}" style="grid-column:1 / -1">{escape(stage.name)}{badge}</div>'
        )
        if stage.current_emotion != stage.future_emotion:
            cells += [
                '<div class="jm-lane">Emotion</div>',
                f'<div class="jm-cell">{_fmt_emotion(stage.current_emotion)}</div>',
                f'<div class="jm-cell jm-changed">{_fmt_emotion(stage.future_emotion)}</div>',
            ]
        for lane in stage.lanes:
            if not lane.current and not lane.future:
                continue
            removed = {i: "removed" for i in lane.removed}
            added = {i: "added" for i in lane.added}
            cells += [
                f'<div class="jm-lane">{escape(LANE_LABELS[lane.lane])}</div>',
                f'<div class="jm-cell">{_items_html(lane.current, removed)}</div>',
                f'<div class="jm-cell">{_items_html(lane.future, added)}</div>',
            ]
        cells += [
            '<div class="jm-lane">Emails</div>',
            f'<div class="jm-cell">{_side_emails(stage.emails, "current")}</div>',
            f'<div class="jm-cell">{_side_emails(stage.emails, "future")}</div>',
        ]
    legend = (
        '<div class="jm-legend jm-meta"><span class="jm-badge jm-added">added</span>'
        '<span class="jm-badge jm-removed">removed</span><span class="jm-badge jm-changed">changed</span></div>'
    )
    return (
        f'<style>{MAP_CSS}</style><div class="jm-map">{legend}'
        f'<div class="jm-grid" style="grid-template-columns:9rem 1fr 1fr;min-width:40rem">{"".join(cells)}</div></div>'
    )


def _fmt_emotion(value: int | None) -> str:
    return "–" if value is None else f"{value:+d} · {EMOTIONS.get(value, '')}"


# --- the map page's view -------------------------------------------------------


@dataclass
class MapView:
    """What the map page shows of one journey: the map, its check findings, the journey it was copied from."""

    map: JourneyMap
    findings: list
    source_journey_id: int | None


def map_view(session, journey_id: int, today=None) -> MapView:
    """The journey's map with its stages' rates in the last complete week as of `today` (default: today in
    the workspace's time zone), and its checks on those same rates (check_journey's)."""
    from journey.plan.checks import check_loaded
    from journey.plan.journeys import load_tree

    tree = load_tree(session, journey_id)
    rates = stage_rates(session, journey_id, today)
    return MapView(build_map(tree, rates), check_loaded(session, tree, rates), tree.journey.source_journey_id)
