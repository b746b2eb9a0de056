"""One journey as JSON and back: its personas, stages with lanes, emails in order, A/B variants.

The file format ("email-journey/1") is validated with pydantic before anything is
written, so a malformed file is refused with the field and position named
(`stages[2].emails[0].delay_hours: …`) and the database is left unchanged. Its limits are the
models' (db/models.py `XCreate`), read with journey.core.fields.field_limits.

Snippets travel with the journey: an export lists (under "snippets", only when there are any) every
snippet its emails and variants include, nested ones too, so the file renders the same elsewhere.
On import a snippet is reused by name like a persona: created when the workspace has none of that
name, otherwise the workspace's own is kept (its footer stays the one the team edits).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from sqlalchemy import insert, select
from sqlmodel import Session

from db import audit
from db.models import (
    LANES,
    MAX_SNIPPET_NAME,
    Email,
    EmailCreate,
    EmailVariant,
    EmailVariantCreate,
    JourneyCreate,
    Persona,
    PersonaCreate,
    SnippetCreate,
    Stage,
    StageCreate,
    utcnow,
)
from journey.core.access import Role, require
from journey.core.errors import InvalidJourneyFile, JourneyError, NotFound
from journey.core.fields import MAX_MERGE_VALUE, clean_merge_data, field_limits
from journey.core.text import plural
from journey.plan import journeys, personas
from journey.plan.activity import record_import
from journey.write import history
from journey.write.snippets import clean_snippet_name, create_snippet, get_snippet_by_name

FORMAT = "email-journey/1"
IGNORED = {"id", "created_at", "updated_at"}


def _name(model: type) -> Any:
    """The file's type for a required name: trimmed, then the model's limits."""
    limits = field_limits(model, "name" if "name" in model.model_fields else "label")
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=limits.min_length, max_length=limits.max_length),
    ]


def _field(model: type, name: str) -> Any:
    """The file's field `name`: the model's default and limits (length or range)."""
    limits = field_limits(model, name)
    return Field(
        default=model.model_fields[name].default, max_length=limits.max_length, ge=limits.ge, le=limits.le
    )


PersonaName = _name(PersonaCreate)
VariantLabel = _name(EmailVariantCreate)
EmailName = _name(EmailCreate)
StageName = _name(StageCreate)
JourneyName = _name(JourneyCreate)


class _Strict(BaseModel):
    # Unknown keys are refused (a typo would otherwise be dropped silently); ids and
    # timestamps that an export carries are accepted and ignored.
    model_config = ConfigDict(extra="forbid", strict=True)
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None


class PersonaFile(_Strict):
    name: PersonaName
    description: str = _field(PersonaCreate, "description")
    goals: str = _field(PersonaCreate, "goals")
    motivations: str = _field(PersonaCreate, "motivations")
    segment: str = _field(PersonaCreate, "segment")
    merge_data: dict[str, Annotated[str, StringConstraints(max_length=MAX_MERGE_VALUE)]] = {}


class VariantFile(_Strict):
    label: VariantLabel
    subject: str | None = _field(EmailVariantCreate, "subject")
    preheader: str | None = _field(EmailVariantCreate, "preheader")
    mjml: str | None = _field(EmailVariantCreate, "mjml")
    esp_campaign_id: str | None = _field(EmailVariantCreate, "esp_campaign_id")


class EmailFile(_Strict):
    name: EmailName
    purpose: str = _field(EmailCreate, "purpose")
    trigger: str
    trigger_detail: str = _field(EmailCreate, "trigger_detail")
    delay_hours: int = _field(EmailCreate, "delay_hours")
    subject: str = _field(EmailCreate, "subject")
    preheader: str = _field(EmailCreate, "preheader")
    mjml: str = _field(EmailCreate, "mjml")
    cta_label: str = _field(EmailCreate, "cta_label")
    cta_url: str = _field(EmailCreate, "cta_url")
    status: Literal["draft", "ready"] = "draft"
    esp_campaign_id: str | None = _field(EmailCreate, "esp_campaign_id")
    variants: list[VariantFile] = []


class StageFile(_Strict):
    name: StageName
    customer_goals: str = _field(StageCreate, "customer_goals")
    motivations: str = _field(StageCreate, "motivations")
    actions: str = _field(StageCreate, "actions")
    obstacles: str = _field(StageCreate, "obstacles")
    opportunities: str = _field(StageCreate, "opportunities")
    touchpoints: str = _field(StageCreate, "touchpoints")
    emotion: int = _field(StageCreate, "emotion")
    emails: list[EmailFile] = []


class JourneyFile(_Strict):
    name: JourneyName
    goal: str = _field(JourneyCreate, "goal")
    target_kpi: str = _field(JourneyCreate, "target_kpi")
    map_type: Literal["current_state", "future_state", "day_in_the_life"] = "current_state"
    max_emails_per_week: int = _field(JourneyCreate, "max_emails_per_week")
    personas: list[str] = []


class SnippetFile(_Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SNIPPET_NAME)]
    mjml: str = _field(SnippetCreate, "mjml")


class JourneyExport(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    format: Literal["email-journey/1"]
    exported_at: str | None = None
    journey: JourneyFile
    personas: list[PersonaFile] = []
    stages: list[StageFile]
    snippets: list[SnippetFile] = []


def _included_snippets(session: Session, bodies: list[str]) -> list[dict[str, Any]]:
    """The snippets `bodies` include, nested ones too, as {"name", "mjml"} by name."""
    from journey.write.includes import included_names
    from journey.write.snippets import snippet_library

    library = snippet_library(session)
    wanted: set[str] = set()
    frontier = [name for body in bodies for name in included_names(body)]
    while frontier:
        name = frontier.pop()
        if name in wanted or name not in library:
            continue
        wanted.add(name)
        frontier.extend(included_names(library[name]))
    return [{"name": name, "mjml": library[name]} for name in sorted(wanted)]


def _where(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "the file"


def _persona_dict(persona: Persona) -> dict[str, Any]:
    return {
        "name": persona.name,
        "description": persona.description,
        "goals": persona.goals,
        "motivations": persona.motivations,
        "segment": persona.segment,
        "merge_data": dict(persona.merge_data or {}),
    }


def _email_dict(email: Email, variants: list[EmailVariant]) -> dict[str, Any]:
    fields = [
        name for name in EmailFile.model_fields if name not in ("id", "created_at", "updated_at", "variants")
    ]
    data: dict[str, Any] = {"id": email.id, **{name: getattr(email, name) for name in fields}}
    data["variants"] = [
        {name: getattr(v, name) for name in ("label", "subject", "preheader", "mjml", "esp_campaign_id")}
        for v in variants
    ]
    return data


def export_journey(session: Session, journey_id: int) -> dict[str, Any]:
    """The journey as a JSON-ready dict (ids are informative; import ignores them)."""
    tree = journeys.load_tree(session, journey_id)
    variants = journeys.variants_by_email(session, [e.id for e in tree.emails])
    j = tree.journey
    bodies = [e.mjml for e in tree.emails] + [v.mjml or "" for vs in variants.values() for v in vs]
    snippets = _included_snippets(session, bodies)
    return {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "journey": {
            "id": j.id,
            "name": j.name,
            "goal": j.goal,
            "target_kpi": j.target_kpi,
            "map_type": j.map_type,
            "max_emails_per_week": j.max_emails_per_week,
            "personas": [p.name for p in tree.personas],
        },
        "personas": [_persona_dict(p) for p in tree.personas],
        "stages": [
            {
                "id": node.stage.id,
                "name": node.stage.name,
                **{lane: getattr(node.stage, lane) for lane in LANES},
                "emotion": node.stage.emotion,
                "emails": [_email_dict(e, variants.get(e.id, [])) for e in node.emails],
            }
            for node in tree.stages
        ],
        **({"snippets": snippets} if snippets else {}),
    }


def parse_journey_file(payload: Any) -> JourneyExport:
    """Validate a decoded journey file; InvalidJourneyFile names the first bad field and its position."""
    if not isinstance(payload, dict):
        raise InvalidJourneyFile("A journey file must be a JSON object with format, journey and stages.")
    try:
        parsed = JourneyExport.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        count = exc.error_count()
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        where = _where(first["loc"])
        raise InvalidJourneyFile(f"{where}: {first['msg']}{more}.", field=where) from None
    _refuse_nul(parsed.model_dump(), "")
    for p_index, persona in enumerate(parsed.personas):
        where = f"personas[{p_index}].merge_data"
        try:
            clean_merge_data(persona.merge_data, field=where)
        except JourneyError as exc:
            raise InvalidJourneyFile(f"{where}: {exc}", field=where) from None
    for s_index, stage in enumerate(parsed.stages):
        for e_index, email in enumerate(stage.emails):
            seen: dict[str, int] = {}
            for v_index, variant in enumerate(email.variants):
                where = f"stages[{s_index}].emails[{e_index}].variants[{v_index}].label"
                first = seen.setdefault(variant.label.casefold(), v_index)
                if first != v_index:
                    raise InvalidJourneyFile(
                        f'{where}: the label "{variant.label}" is already variants[{first}]\'s '
                        "(labels are unique per email, whatever the case).",
                        field=where,
                    )
    known = {p.name for p in parsed.personas}
    for index, name in enumerate(parsed.journey.personas):
        if name not in known:
            raise InvalidJourneyFile(
                f'journey.personas[{index}]: persona "{name}" is not in the file\'s personas list.',
                field=f"journey.personas[{index}]",
            )
    for s_index, stage in enumerate(parsed.stages):
        for e_index, email in enumerate(stage.emails):
            if email.trigger not in journeys.TRIGGERS:
                where = f"stages[{s_index}].emails[{e_index}].trigger"
                raise InvalidJourneyFile(
                    f"{where}: unknown trigger {email.trigger!r} (use one of {', '.join(journeys.TRIGGERS)}).",
                    field=where,
                )
    return parsed


INSERT_BATCH = 1_000  # rows per executemany: bounded statements, a few per thousand rows


def _stage_rows(stage_files: list[StageFile]) -> list[dict[str, Any]]:
    """The file's stages as rows to insert (without their journey), each cleaned as the editor cleans
    it; names unique."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for s_index, stage_file in enumerate(stage_files):
        where = f"stages[{s_index}]"
        try:
            values = {lane: getattr(stage_file, lane) for lane in LANES}
            cleaned = journeys._clean_stage(
                {"name": stage_file.name, "emotion": stage_file.emotion, **values}
            )
        except JourneyError as exc:
            raise _at(where, exc) from exc
        _once(seen, cleaned["name"], f"{where}.name", "a stage")
        rows.append({"position": s_index, **cleaned})
    return rows


def _email_rows(stage_files: list[StageFile]) -> list[dict[str, Any]]:
    """The file's emails as rows to insert (keyed by their stage's position, `stage`), cleaned as the
    editor cleans them; names unique in the journey."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for s_index, stage_file in enumerate(stage_files):
        for e_index, email_file in enumerate(stage_file.emails):
            where = f"stages[{s_index}].emails[{e_index}]"
            try:
                cleaned = journeys._clean_email(email_file.model_dump(exclude={*IGNORED, "variants"}))
            except JourneyError as exc:
                raise _at(where, exc) from exc
            _once(seen, cleaned["name"], f"{where}.name", "an email")
            rows.append({"stage": s_index, "position": e_index, **cleaned})
    return rows


def _variant_rows(stage_files: list[StageFile]) -> list[dict[str, Any]]:
    """The file's variants as rows to insert (keyed by their email's stage and position, `email`);
    parse_journey_file has refused labels that are not unique in their email."""
    return [
        {"email": (s_index, e_index), **variant.model_dump(exclude=IGNORED)}
        for s_index, stage_file in enumerate(stage_files)
        for e_index, email_file in enumerate(stage_file.emails)
        for variant in email_file.variants
    ]


def _once(seen: set[str], name: str, field: str, what: str) -> None:
    """Refuse `name` if the journey already has `what` of that name (in any case); remember it."""
    key = name.lower()
    if key in seen:
        raise InvalidJourneyFile(f'{field}: This journey already has {what} named "{name}".', field=field)
    seen.add(key)


def _at(where: str, exc: JourneyError) -> InvalidJourneyFile:
    """`exc` as a refusal of the file, naming where in it (`stages[2].emails[0].cta_url: …`)."""
    field = f"{where}.{exc.field}" if exc.field else where
    return InvalidJourneyFile(f"{field}: {exc}", field=field)


def _insert(session: Session, model: type, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into `model`'s table, INSERT_BATCH rows per executemany (the columns' defaults fill
    the timestamps and versions)."""
    statement = insert(model.__table__).values(updated_by=audit.actor_label(session))  # who imported them
    for start in range(0, len(rows), INSERT_BATCH):
        session.execute(statement, rows[start : start + INSERT_BATCH])


def _refuse_nul(value: Any, where: str) -> None:
    """InvalidJourneyFile at the first text (key or value) holding a NUL byte: PostgreSQL refuses it
    in text columns, so it is refused before the database, on SQLite too."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidJourneyFile(
                f"{where or 'the file'}: the text holds a NUL byte (\\u0000); remove it and import again.",
                field=where,
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}[{index}]")


def import_journey(session: Session, payload: Any, *, name: str | None = None) -> int:
    """Create the journey described by `payload` (personas are reused by name); its new id.

    Nothing is written unless the whole file is valid; the caller commits. Linear in the file's size:
    every stage, email and variant is checked in memory first, as the editor checks it (one field at a
    time, names unique in the journey), then each kind is inserted in batches of INSERT_BATCH rows and
    its ids read back in one query; a few statements per thousand rows, where adding them one at a time
    (journeys.add_email) re-read the stage's earlier emails for each. A viewer is refused first.
    """
    require(session, Role.editor)
    parsed = parse_journey_file(payload)
    stage_rows = _stage_rows(parsed.stages)
    email_rows = _email_rows(parsed.stages)
    variant_rows = _variant_rows(parsed.stages)
    persona_ids: list[int] = []
    wanted = set(parsed.journey.personas)
    where = "personas"
    try:
        for p_index, persona in enumerate(parsed.personas):
            where = f"personas[{p_index}]"
            try:
                existing = personas.get_persona_by_name(session, persona.name)
            except NotFound:
                existing = personas.create_persona(session, **persona.model_dump(exclude=IGNORED))
            if persona.name in wanted:
                persona_ids.append(existing.id)
        for n_index, snippet in enumerate(parsed.snippets):
            where = f"snippets[{n_index}]"
            try:
                get_snippet_by_name(session, clean_snippet_name(snippet.name))
            except NotFound:
                create_snippet(session, name=snippet.name, mjml=snippet.mjml)
        where = "journey"
        journey = journeys.create_journey(
            session,
            name=name or parsed.journey.name,
            goal=parsed.journey.goal,
            target_kpi=parsed.journey.target_kpi,
            map_type=parsed.journey.map_type,
            persona_ids=persona_ids,
            template="blank",
        )
        journey.max_emails_per_week = parsed.journey.max_emails_per_week
        session.flush()
    except InvalidJourneyFile:
        raise
    except JourneyError as exc:
        raise _at(where, exc) from exc
    for row in stage_rows:
        row["journey_id"] = journey.id
    _insert(session, Stage, stage_rows)
    stage_ids = list(
        session.execute(
            select(Stage.id).where(Stage.journey_id == journey.id).order_by(Stage.position)
        ).scalars()
    )
    for row in email_rows:
        row["stage_id"] = stage_ids[row.pop("stage")]
    _insert(session, Email, email_rows)
    if variant_rows:
        email_ids = {
            (stage_id, position): email_id
            for email_id, stage_id, position in session.execute(
                select(Email.id, Email.stage_id, Email.position)
                .join(Stage)
                .where(Stage.journey_id == journey.id)
            )
        }
        for row in variant_rows:
            s_index, e_index = row.pop("email")
            row["email_id"] = email_ids[stage_ids[s_index], e_index]
        _insert(session, EmailVariant, variant_rows)
    record_import(
        session,
        kind="journey",
        name=journey.name,
        journey_id=journey.id,
        object_id=journey.id,
        summary=f"journey file: {plural(len(stage_rows), 'stage')}, {plural(len(email_rows), 'email')}"
        + (f", {plural(len(variant_rows), 'variant')}" if variant_rows else ""),
    )
    history.record_journey(session, journey.id)  # each email's first version (one INSERT … SELECT)
    return journey.id


def read_journey_file(data: bytes, name: str = "The file") -> Any:
    """The JSON in an uploaded journey file (UTF-8 with or without BOM, or UTF-16); refused when it is not JSON."""
    import json

    from journey.core.text import decode_text

    try:
        return json.loads(decode_text(data))
    except ValueError as exc:  # not UTF-8/16, not JSON, or a number of over 4,300 digits
        raise InvalidJourneyFile(
            f"{name} is not a JSON file we can read ({exc}). Export it again and retry."
        ) from exc
    except RecursionError:  # [[[[… thousands deep: the decoder gives up before Python's stack does
        raise InvalidJourneyFile(
            f"{name} nests its lists or objects too deeply to be a journey file (a journey file is "
            "about 6 levels deep). Export it again and retry."
        ) from None
