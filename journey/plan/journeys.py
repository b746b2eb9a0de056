"""Journeys, their stages (in order, with lanes) and each stage's emails (in order).

Every function takes an explicit `session` and leaves the commit to the caller, so a
page, the CLI or an import can make one transaction of several steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlmodel import Session

from db import audit
from db.crud import name_taken, update_versioned
from db.models import (
    LANE_LABELS,
    LANES,
    MAP_TYPE_LABELS,
    TRIGGER_LABELS,
    Email,
    EmailStatus,
    EmailUpdate,
    EmailVariant,
    Journey,
    JourneyPersona,
    JourneyUpdate,
    MapType,
    MetricDaily,
    Persona,
    Stage,
    StageUpdate,
)
from db.models import MAX_DELAY_HOURS as MAX_DELAY_HOURS  # for the editor's number input (EmailBase's rule)
from journey.core.errors import DuplicateName, InvalidInput, NotFound
from journey.core.fields import clean_choice, clean_field
from journey.core.text import plural
from journey.plan.activity import stale_edit
from journey.write import history

STARTER_STAGE_NAMES = ("Awareness", "Consideration", "Decision", "Retention", "Advocacy")
MAP_TYPES = {m.value: label for m, label in MAP_TYPE_LABELS.items()}
TRIGGERS = {t.value: label for t, label in TRIGGER_LABELS.items()}
STATUSES = {EmailStatus.draft.value: "Draft", EmailStatus.ready.value: "Ready"}


@dataclass
class JourneySummary:
    id: int
    name: str
    map_type: str
    goal: str
    target_kpi: str
    stages: int
    emails: int
    personas: list[str]
    updated_at: datetime


@dataclass
class StageNode:
    stage: Stage
    emails: list[Email] = field(default_factory=list)


@dataclass
class JourneyTree:
    """One journey with its personas, stages in order and each stage's emails in order."""

    journey: Journey
    personas: list[Persona]
    stages: list[StageNode]

    @property
    def emails(self) -> list[Email]:
        return [email for node in self.stages for email in node.emails]


# --- journeys ---------------------------------------------------------------

JOURNEY_LABELS = {
    "name": "Journey name",
    "goal": "Goal",
    "target_kpi": "Target KPI",
    "max_emails_per_week": "Most emails in any 7 days",
}


def _clean_journey(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, label in JOURNEY_LABELS.items():
        if name in values:
            cleaned[name] = clean_field(JourneyUpdate, name, values[name], label=label)
    if "map_type" in values:
        cleaned["map_type"] = clean_choice(
            values["map_type"], field="map_type", label="Map type", choices=MAP_TYPES
        )
    return cleaned


def _ensure_unique_journey(session: Session, name: str, exclude_id: int | None = None) -> None:
    if name_taken(session, Journey, name, exclude_id=exclude_id):
        binned = session.execute(
            select(Journey.id).where(
                func.lower(Journey.name) == name.lower(), Journey.deleted_at.is_not(None)
            )
        ).first()
        if binned is not None:
            raise DuplicateName(
                f'A journey named "{name}" is in the bin: pick another name, or have an owner restore it '
                "or delete it for good from the Journeys page's Bin.",
                field="name",
            )
        raise DuplicateName(f'A journey named "{name}" already exists: pick another name.', field="name")


LIVE = Journey.deleted_at.is_(
    None
)  # a journey not in the bin (journey.plan.bin): every listing filters on it


def journeys_with_counts(session: Session, where, *order_by) -> list[tuple[Journey, int, int]]:
    """(journey, stage count, email count) for the journeys `where` holds for, counted in SQL."""
    stage_counts = (
        select(Stage.journey_id, func.count(Stage.id).label("n")).group_by(Stage.journey_id).subquery()
    )
    email_counts = (
        select(Stage.journey_id, func.count(Email.id).label("n"))
        .join(Email, Email.stage_id == Stage.id)
        .group_by(Stage.journey_id)
        .subquery()
    )
    return session.execute(
        select(Journey, func.coalesce(stage_counts.c.n, 0), func.coalesce(email_counts.c.n, 0))
        .outerjoin(stage_counts, stage_counts.c.journey_id == Journey.id)
        .outerjoin(email_counts, email_counts.c.journey_id == Journey.id)
        .where(where)
        .order_by(*order_by)
    ).all()


def list_journeys(session: Session) -> list[JourneySummary]:
    """Every journey with its stage and email counts, by name (counted in SQL)."""
    rows = journeys_with_counts(session, LIVE, func.lower(Journey.name))
    names: dict[int, list[str]] = {}
    for journey_id, persona_name in session.execute(
        select(JourneyPersona.journey_id, Persona.name)
        .join(Persona, Persona.id == JourneyPersona.persona_id)
        .order_by(Persona.name)
    ):
        names.setdefault(journey_id, []).append(persona_name)
    return [
        JourneySummary(
            id=j.id,
            name=j.name,
            map_type=j.map_type,
            goal=j.goal,
            target_kpi=j.target_kpi,
            stages=stages,
            emails=emails,
            personas=names.get(j.id, []),
            updated_at=j.updated_at,
        )
        for j, stages, emails in rows
    ]


def default_journey_id(session: Session) -> int | None:
    """The journey a fresh session opens on: the one with the latest metric day (of several with metrics
    that day, the newest), else the newest journey; None when there is none.

    Two index lookups, whatever the number of metric rows: the latest day is the end of
    ix_metric_day_email, and only that day's rows (one per email and variant) are joined to their journey.
    """
    latest_day = (
        select(func.max(MetricDaily.day))
        .join(Email, Email.id == MetricDaily.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .join(Journey, Journey.id == Stage.journey_id)
        .where(LIVE)
        .scalar_subquery()
    )
    with_metrics = session.execute(
        select(func.max(Stage.journey_id))
        .select_from(MetricDaily)
        .join(Email, Email.id == MetricDaily.email_id)
        .join(Stage, Stage.id == Email.stage_id)
        .join(Journey, Journey.id == Stage.journey_id)
        .where(MetricDaily.day == latest_day, LIVE)
    ).scalar_one_or_none()
    if with_metrics is not None:
        return with_metrics
    newest = select(Journey.id).where(LIVE).order_by(Journey.created_at.desc(), Journey.id.desc()).limit(1)
    return session.execute(newest).scalar_one_or_none()


def get_journey(session: Session, journey_id: int, *, binned: bool = False) -> Journey:
    """The journey (not in the bin, unless `binned`); NotFound when there is none."""
    journey = session.get(Journey, journey_id)
    if journey is None or (journey.deleted_at is not None and not binned):
        raise NotFound("That journey no longer exists: it may have been deleted by a teammate.")
    return journey


def get_journey_by_name(session: Session, name: str) -> Journey:
    journey = session.execute(select(Journey).where(Journey.name == name, LIVE)).scalar_one_or_none()
    if journey is None:
        known = ", ".join(f'"{s.name}"' for s in list_journeys(session)) or "none yet"
        raise NotFound(f'No journey named "{name[:80]}" (journeys: {known}).', field="journey")
    return journey


def journey_persona_ids(session: Session, journey_id: int) -> list[int]:
    return list(
        session.execute(
            select(JourneyPersona.persona_id).where(JourneyPersona.journey_id == journey_id)
        ).scalars()
    )


def set_journey_personas(session: Session, journey_id: int, persona_ids: list[int]) -> None:
    """The personas this journey follows (replaces the previous set)."""
    get_journey(session, journey_id)
    wanted = list(dict.fromkeys(persona_ids))
    found = (
        set(session.execute(select(Persona.id).where(Persona.id.in_(wanted))).scalars()) if wanted else set()
    )
    if missing := [p for p in wanted if p not in found]:
        ids = ", ".join(str(p) for p in missing)
        raise InvalidInput(
            f"{plural(len(missing), 'persona')} you chose {'was' if len(missing) == 1 else 'were'} deleted "
            f"meanwhile (id {ids}): reload the page and choose again.",
            field="personas",
        )
    before = set(journey_persona_ids(session, journey_id))
    session.execute(delete(JourneyPersona).where(JourneyPersona.journey_id == journey_id))
    session.add_all(JourneyPersona(journey_id=journey_id, persona_id=p) for p in wanted)
    session.flush()
    if before != set(wanted):  # the activity log: a change of the journey's personas
        journey = get_journey(session, journey_id)
        audit.record_change(session, Journey, {"id": journey.id, "name": journey.name}, ["personas"])


def create_journey(
    session: Session,
    *,
    name: str,
    goal: str = "",
    target_kpi: str = "",
    map_type: str = MapType.current_state.value,
    persona_ids: list[int] | None = None,
    template: str = "starter",
    email_status: str = EmailStatus.draft.value,
) -> Journey:
    """A new journey, from the five-stage starter (stages, lanes and emails), the demo's story, or blank.

    The starter (journey.plan.starter) is a neutral template; "demo" is the demo workspace's Fernhill
    Coffee story (journey.plan.demo_content). The emails are drafts (`email_status`): each is the
    workspace's own only once its brand is filled in and someone has read it; the demo loads them ready.
    """
    if template not in ("starter", "demo", "blank"):
        raise InvalidInput(f"Unknown template {template!r}: use starter or blank.", field="template")
    email_status = clean_choice(email_status, field="email_status", label="Email status", choices=STATUSES)
    cleaned = _clean_journey({"name": name, "goal": goal, "target_kpi": target_kpi, "map_type": map_type})
    _ensure_unique_journey(session, cleaned["name"])
    journey = Journey(**cleaned)
    session.add(journey)
    session.flush()
    if persona_ids:
        set_journey_personas(session, journey.id, persona_ids)
    if template != "blank":
        if template == "demo":
            from journey.plan.demo_content import DEMO_STAGES as template_stages
        else:
            from journey.plan.starter import STARTER_STAGES as template_stages

        for position, starter_stage in enumerate(template_stages):
            stage = Stage(
                journey_id=journey.id,
                position=position,
                name=starter_stage.name,
                emotion=starter_stage.emotion,
                **{lane: getattr(starter_stage, lane) for lane in LANES},
            )
            session.add(stage)
            session.flush()
            for email_position, starter_email in enumerate(starter_stage.emails):
                session.add(
                    Email(
                        stage_id=stage.id,
                        position=email_position,
                        name=starter_email.name,
                        purpose=starter_email.purpose,
                        trigger=starter_email.trigger,
                        trigger_detail=starter_email.trigger_detail,
                        delay_hours=starter_email.delay_hours,
                        subject=starter_email.subject,
                        preheader=starter_email.preheader,
                        mjml=starter_email.mjml,
                        cta_label=starter_email.cta_label,
                        cta_url=starter_email.cta_url,
                        status=email_status,
                    )
                )
        history.record_journey(session, journey.id)
    return journey


def update_journey(session: Session, journey_id: int, expected_version: int, **changes: Any) -> Journey:
    """Save the journey's name, goal, KPI, map type or weekly email cap; refused when stale."""
    get_journey(session, journey_id)
    cleaned = _clean_journey(changes)
    if "name" in cleaned:
        _ensure_unique_journey(session, cleaned["name"], exclude_id=journey_id)
    if update_versioned(session, Journey, journey_id, expected_version, cleaned) is None:
        raise stale_edit(session, Journey, journey_id, "journey")
    return get_journey(session, journey_id)


def delete_journey(session: Session, journey_id: int) -> None:
    """Move a journey to the bin (journey.plan.bin): hidden everywhere, restorable by an owner for 30 days,
    then deleted with its stages, emails, variants, metrics and notes."""
    from journey.plan.bin import bin_journey

    bin_journey(session, journey_id)


def erase_journey(session: Session, journey_id: int) -> None:
    """Delete a journey now, in the bin or not, with its stages, emails, variants, history, metrics and
    notes (no bin: Start blank, the demo's --replace, the bin's purge)."""
    journey = session.get(Journey, journey_id)
    if journey is None:
        raise NotFound("That journey no longer exists: it may have been deleted by a teammate.")
    session.delete(journey)
    session.flush()
    session.expunge_all()


def duplicate_journey(
    session: Session, journey_id: int, *, name: str, as_future_state: bool = False
) -> Journey:
    """A copy of the journey's stages, lanes, emails and variants (not its metrics).

    As a future state, the copy's map type is "future state" and it remembers its source,
    so the two can be compared side by side.
    """
    tree = load_tree(session, journey_id)
    source = tree.journey
    cleaned = _clean_journey({"name": name})
    _ensure_unique_journey(session, cleaned["name"])
    copy = Journey(
        name=cleaned["name"],
        goal=source.goal,
        target_kpi=source.target_kpi,
        map_type=MapType.future_state.value if as_future_state else source.map_type,
        max_emails_per_week=source.max_emails_per_week,
        source_journey_id=source.id if as_future_state else None,
    )
    session.add(copy)
    session.flush()
    session.add_all(JourneyPersona(journey_id=copy.id, persona_id=p.id) for p in tree.personas)
    variants = variants_by_email(session, [e.id for e in tree.emails])
    for node in tree.stages:
        stage = Stage(journey_id=copy.id, **_copyable(node.stage, Stage))
        session.add(stage)
        session.flush()
        for email in node.emails:
            new_email = Email(stage_id=stage.id, **_copyable(email, Email))
            session.add(new_email)
            session.flush()
            for variant in variants.get(email.id, []):
                session.add(EmailVariant(email_id=new_email.id, **_copyable(variant, EmailVariant)))
    history.record_journey(session, copy.id)
    return copy


def _copyable(row: Any, model: type) -> dict[str, Any]:
    skip = {"id", "journey_id", "stage_id", "email_id", "created_at", "updated_at", "version"}
    return {name: getattr(row, name) for name in model.model_fields if name not in skip}


def variants_by_email(session: Session, email_ids: list[int]) -> dict[int, list[EmailVariant]]:
    """Each email's A/B variants, by label, for many emails in one query (emails without any: absent)."""
    found: dict[int, list[EmailVariant]] = {}
    if email_ids:
        for variant in session.execute(
            select(EmailVariant)
            .where(EmailVariant.email_id.in_(email_ids))
            .order_by(EmailVariant.label, EmailVariant.id)
        ).scalars():
            found.setdefault(variant.email_id, []).append(variant)
    return found


def load_tree(session: Session, journey_id: int) -> JourneyTree:
    """The journey, its personas, its stages in order and their emails in order (three queries)."""
    journey = get_journey(session, journey_id)
    personas = list(
        session.execute(
            select(Persona)
            .join(JourneyPersona, JourneyPersona.persona_id == Persona.id)
            .where(JourneyPersona.journey_id == journey_id)
            .order_by(Persona.name)
        ).scalars()
    )
    stages = list(
        session.execute(
            select(Stage).where(Stage.journey_id == journey_id).order_by(Stage.position, Stage.id)
        ).scalars()
    )
    nodes = {stage.id: StageNode(stage) for stage in stages}
    if nodes:
        for email in session.execute(
            select(Email).where(Email.stage_id.in_(list(nodes))).order_by(Email.position, Email.id)
        ).scalars():
            nodes[email.stage_id].emails.append(email)
    return JourneyTree(journey=journey, personas=personas, stages=[nodes[s.id] for s in stages])


# --- stages -----------------------------------------------------------------

STAGE_LABELS = {"name": "Stage name", **{lane: LANE_LABELS[lane] for lane in LANES}, "emotion": "Emotion"}


def _clean_stage(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, label in STAGE_LABELS.items():
        if name in values:
            cleaned[name] = clean_field(StageUpdate, name, values[name], label=label)
    return cleaned


def _in_live_journey(session: Session, stage: Stage | None) -> bool:
    """The stage exists and its journey is not in the bin (two primary-key reads, from the identity map
    once loaded)."""
    journey = session.get(Journey, stage.journey_id) if stage is not None else None
    return journey is not None and journey.deleted_at is None


def get_stage(session: Session, stage_id: int) -> Stage:
    stage = session.get(Stage, stage_id)
    if not _in_live_journey(session, stage):
        raise NotFound("That stage no longer exists: it may have been deleted by a teammate.")
    return stage


def _stages(session: Session, journey_id: int) -> list[Stage]:
    return list(
        session.execute(
            select(Stage).where(Stage.journey_id == journey_id).order_by(Stage.position, Stage.id)
        ).scalars()
    )


def _ensure_unique_stage(session: Session, journey_id: int, name: str, exclude_id: int | None = None) -> None:
    if name_taken(session, Stage, name, exclude_id=exclude_id, where=[Stage.journey_id == journey_id]):
        raise DuplicateName(f'This journey already has a stage named "{name}".', field="name")


def add_stage(
    session: Session, journey_id: int, *, name: str, index: int | None = None, **lanes: Any
) -> Stage:
    """A new stage at `index` (0-based; default: the end)."""
    get_journey(session, journey_id)
    cleaned = _clean_stage({"name": name, **lanes})
    _ensure_unique_stage(session, journey_id, cleaned["name"])
    stages = _stages(session, journey_id)
    stage = Stage(journey_id=journey_id, position=len(stages), **cleaned)
    session.add(stage)
    session.flush()
    if index is not None:
        move_stage(session, stage.id, index)
    return stage


def update_stage(session: Session, stage_id: int, expected_version: int, **changes: Any) -> Stage:
    """Rename a stage or change its lanes; refused when stale."""
    stage = get_stage(session, stage_id)
    cleaned = _clean_stage(changes)
    if "name" in cleaned:
        _ensure_unique_stage(session, stage.journey_id, cleaned["name"], exclude_id=stage_id)
    if update_versioned(session, Stage, stage_id, expected_version, cleaned) is None:
        raise stale_edit(session, Stage, stage_id, "stage")
    return get_stage(session, stage_id)


def _renumber(rows: list[Any]) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def move_stage(session: Session, stage_id: int, index: int) -> None:
    """Move a stage to `index` (0-based) in its journey."""
    stage = get_stage(session, stage_id)
    stages = [s for s in _stages(session, stage.journey_id) if s.id != stage_id]
    if not isinstance(index, int) or not 0 <= index <= len(stages):
        raise InvalidInput(
            f"Cannot move stage “{stage.name}” to position {index + 1 if isinstance(index, int) else index}: "
            f"the journey has {len(stages) + 1} stages.",
            field="position",
        )
    stages.insert(index, stage)
    _renumber(stages)
    session.flush()


def delete_stage(session: Session, stage_id: int) -> None:
    """Delete a stage with its emails; the stages after it move up."""
    stage = get_stage(session, stage_id)
    journey_id = stage.journey_id
    session.delete(stage)
    session.flush()
    session.expire_all()
    _renumber(_stages(session, journey_id))
    session.flush()


# --- emails -----------------------------------------------------------------

EMAIL_LABELS = {
    "name": "Email name",
    "purpose": "Purpose",
    "subject": "Subject",
    "preheader": "Preheader",
    "cta_label": "Call-to-action label",
    "cta_url": "Call-to-action URL",
    "trigger_detail": "Trigger detail",
    "mjml": "MJML body",
    "delay_hours": "Delay (hours)",
    "esp_campaign_id": "ESP campaign id",
}


def _clean_email(values: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for name, label in EMAIL_LABELS.items():
        if name in values:
            cleaned[name] = clean_field(EmailUpdate, name, values[name], label=label, strip=name != "mjml")
    if "trigger" in values:
        cleaned["trigger"] = clean_choice(
            values["trigger"], field="trigger", label="Trigger", choices=TRIGGERS
        )
    if "status" in values:
        cleaned["status"] = clean_choice(values["status"], field="status", label="Status", choices=STATUSES)
    if "esp_campaign_id" in cleaned:
        cleaned["esp_campaign_id"] = cleaned["esp_campaign_id"] or None
    if cleaned.get("cta_url"):
        url = cleaned["cta_url"]
        if not (url.startswith(("https://", "http://", "mailto:", "tel:")) or "{{" in url):
            raise InvalidInput(
                "Call-to-action URL must start with https://, http://, mailto: or tel: (or be a merge tag).",
                field="cta_url",
            )
    return cleaned


def get_email(session: Session, email_id: int) -> Email:
    email = session.get(Email, email_id)
    if email is None or not _in_live_journey(session, session.get(Stage, email.stage_id)):
        raise NotFound("That email no longer exists: it may have been deleted by a teammate.")
    return email


def journey_of_email(session: Session, email_id: int) -> int:
    return get_stage(session, get_email(session, email_id).stage_id).journey_id


def _emails(session: Session, stage_id: int) -> list[Email]:
    return list(
        session.execute(
            select(Email).where(Email.stage_id == stage_id).order_by(Email.position, Email.id)
        ).scalars()
    )


def _ensure_unique_email(session: Session, journey_id: int, name: str, exclude_id: int | None = None) -> None:
    in_journey = Email.stage_id.in_(select(Stage.id).where(Stage.journey_id == journey_id))
    if name_taken(session, Email, name, exclude_id=exclude_id, where=[in_journey]):
        raise DuplicateName(f'This journey already has an email named "{name}".', field="name")


def add_email(session: Session, stage_id: int, *, name: str, **values: Any) -> Email:
    """A new email at the end of a stage (a draft unless `status` says otherwise)."""
    stage = get_stage(session, stage_id)
    cleaned = _clean_email({"name": name, **values})
    _ensure_unique_email(session, stage.journey_id, cleaned["name"])
    email = Email(stage_id=stage_id, position=len(_emails(session, stage_id)), **cleaned)
    session.add(email)
    session.flush()
    history.record(session, [email.id])
    return email


def update_email(
    session: Session,
    email_id: int,
    expected_version: int,
    *,
    restored_from: int | None = None,
    **changes: Any,
) -> Email:
    """Save changes to an email made against `expected_version`; refused when stale. The saved state is
    kept in the email's history (journey.write.history), `restored_from` naming the version it restores."""
    email = get_email(session, email_id)
    cleaned = _clean_email(changes)
    if "name" in cleaned:
        journey_id = get_stage(session, email.stage_id).journey_id
        _ensure_unique_email(session, journey_id, cleaned["name"], exclude_id=email_id)
    saved = update_versioned(session, Email, email_id, expected_version, cleaned)
    if saved is None:
        raise stale_edit(session, Email, email_id, "email")
    if saved != expected_version:
        history.record(session, [email_id], restored_from=restored_from)
    return get_email(session, email_id)


def move_email(session: Session, email_id: int, *, index: int, stage_id: int | None = None) -> None:
    """Move an email to `index` (0-based) within its stage, or into another stage of the same journey."""
    email = get_email(session, email_id)
    source = get_stage(session, email.stage_id)
    target = source if stage_id is None else get_stage(session, stage_id)
    if target.journey_id != source.journey_id:
        raise InvalidInput(
            f"Cannot move “{email.name}” into stage “{target.name}”: that stage belongs to another journey. "
            "Duplicate the email there instead.",
            field="stage",
        )
    siblings = [e for e in _emails(session, target.id) if e.id != email_id]
    if not isinstance(index, int) or not 0 <= index <= len(siblings):
        raise InvalidInput(
            f"Cannot move “{email.name}” to position {index + 1 if isinstance(index, int) else index}: "
            f"stage “{target.name}” would have {len(siblings) + 1} emails.",
            field="position",
        )
    email.stage_id = target.id
    siblings.insert(index, email)
    _renumber(siblings)
    if target.id != source.id:
        _renumber(_emails(session, source.id))
    session.flush()


def delete_email(session: Session, email_id: int) -> None:
    """Delete an email (with its variants and metrics); the emails after it move up."""
    email = get_email(session, email_id)
    stage_id = email.stage_id
    session.delete(email)
    session.flush()
    session.expire_all()
    _renumber(_emails(session, stage_id))
    session.flush()
