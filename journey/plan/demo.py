"""The demo workspace: two personas, the five-stage Fernhill Coffee journey (journey.plan.demo_content, its
emails ready), Fernhill Coffee Roasters as the workspace brand and 12 weeks of the journey's metrics."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from db.models import Journey, Persona, Setting, utcnow
from journey.core.errors import DuplicateName, NotFound
from journey.plan import journeys, personas
from journey.plan.demo_metrics import load_demo_metrics

WORKSPACE_KEY = "workspace"


def load_demo(session: Session, *, replace: bool = False) -> int:
    """Load the demo personas and journey (with its metrics); the journey's id.

    Personas that already exist by name are reused. An existing demo journey is an
    error unless `replace`, which deletes it first.
    """
    from journey.plan.demo_content import DEMO_BRAND, DEMO_JOURNEY, DEMO_PERSONAS
    from journey.write.brand import load_brand, save_brand

    try:
        existing = journeys.get_journey_by_name(session, DEMO_JOURNEY["name"])
    except NotFound:
        existing = None
    if existing is not None:
        if not replace:
            raise DuplicateName(
                f'The demo journey "{existing.name}" is already loaded: delete it first, or use --replace.',
                field="name",
            )
        journeys.erase_journey(session, existing.id)
    elif replace and (
        binned := session.execute(
            select(Journey.id).where(Journey.name == DEMO_JOURNEY["name"])
        ).scalar_one_or_none()
    ):
        journeys.erase_journey(session, binned)  # the demo in the bin: replaced too
    persona_ids = []
    for values in DEMO_PERSONAS:
        try:
            persona = personas.get_persona_by_name(session, values["name"])
        except NotFound:
            persona = personas.create_persona(session, **values)
        persona_ids.append(persona.id)
    journey = journeys.create_journey(
        session, persona_ids=persona_ids, template="demo", email_status="ready", **DEMO_JOURNEY
    )
    brand = load_brand(session)
    if not brand.name:  # the demo's emails are Fernhill's, unless the workspace has a brand of its own
        save_brand(session, DEMO_BRAND, brand.version)
    load_demo_metrics(session, journey.id)
    mark_seeded(session)
    return journey.id


def demo_journey_id(session: Session) -> int | None:
    """The demo journey's id when it is loaded (by its name), else None."""
    from journey.plan.demo_content import DEMO_JOURNEY

    return session.execute(
        select(Journey.id).where(Journey.name == DEMO_JOURNEY["name"], Journey.deleted_at.is_(None))
    ).scalar_one_or_none()


def mark_seeded(session: Session) -> None:
    """Remember that this workspace has started once, so the demo is never loaded again by itself."""
    setting = session.get(Setting, WORKSPACE_KEY)
    if setting is None:
        session.add(Setting(key=WORKSPACE_KEY, value={"seeded_at": utcnow().isoformat()}))
    session.flush()


def is_first_start(session: Session) -> bool:
    """True for a workspace that has never started: no journeys, no personas, never seeded."""
    if session.get(Setting, WORKSPACE_KEY) is not None:
        return False
    journeys_count = session.execute(select(func.count(Journey.id))).scalar_one()
    personas_count = session.execute(select(func.count(Persona.id))).scalar_one()
    return journeys_count == 0 and personas_count == 0


def seed_on_first_start(session: Session, *, with_demo: bool = True) -> bool:
    """Load the demo into an empty workspace on its first start; True when it did."""
    if not is_first_start(session):
        return False
    if not with_demo:
        mark_seeded(session)
        return False
    load_demo(session)
    return True


def start_blank(session: Session) -> int:
    """Remove every journey and persona (the demo included) and the demo's brand; how many journeys were removed."""
    removed = 0
    for journey_id in list(session.execute(select(Journey.id)).scalars()):  # the bin's too: for good
        journeys.erase_journey(session, journey_id)
        removed += 1
    for persona in personas.list_personas(session):
        personas.delete_persona(session, persona.id)
    forget_demo_brand(session)
    mark_seeded(session)
    return removed


def forget_demo_brand(session: Session) -> None:
    """Clear the workspace brand when it is still the demo's (Fernhill), so a blank start has none."""
    from journey.plan.demo_content import DEMO_BRAND
    from journey.write.brand import BRAND_KEY, clean_brand, load_brand

    if load_brand(session).merge_fields() == clean_brand(DEMO_BRAND).merge_fields():
        setting = session.get(Setting, BRAND_KEY)
        session.delete(setting)
        session.flush()
