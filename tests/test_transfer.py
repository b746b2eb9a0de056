"""Journey JSON export and import: the round trip holds, and bad files change nothing."""

import copy
import json

import pytest
from sqlalchemy import func, select

from db.models import Email, Journey, Persona, Stage
from journey.core.errors import InvalidJourneyFile
from journey.plan import demo, journeys, transfer

VOLATILE = {"id", "created_at", "updated_at", "exported_at"}


def strip(value):
    """The export without ids and timestamps."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def counts(session):
    return tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Journey, Persona, Stage, Email)
    )


@pytest.fixture
def exported(session):
    journey_id = demo.load_demo(session)
    session.commit()
    return transfer.export_journey(session, journey_id)


def test_export_has_the_journey_personas_stages_and_emails_in_order(exported):
    assert exported["format"] == "email-journey/1"
    assert [s["name"] for s in exported["stages"]] == list(journeys.STARTER_STAGE_NAMES)
    assert exported["journey"]["personas"] == [p["name"] for p in exported["personas"]]
    first = exported["stages"][0]["emails"][0]
    assert {"subject", "preheader", "mjml", "trigger", "delay_hours", "cta_label", "variants"} <= set(first)
    json.dumps(exported)  # JSON-ready


def test_round_trip_into_an_empty_database_gives_the_same_json(exported, tmp_path):
    from db.engine import make_engine, session_scope
    from db.migrate import upgrade

    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    with session_scope(other) as session:
        new_id = transfer.import_journey(session, json.loads(json.dumps(exported)))
    with session_scope(other) as session:
        again = transfer.export_journey(session, new_id)
    assert strip(again) == strip(exported)


def test_import_under_another_name_reuses_existing_personas(session, exported):
    before_personas = counts(session)[1]
    new_id = transfer.import_journey(session, exported, name="Copy of the demo")
    assert journeys.get_journey(session, new_id).name == "Copy of the demo"
    assert counts(session)[1] == before_personas


def broken(exported, change):
    payload = copy.deepcopy(exported)
    change(payload)
    return payload


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(lambda p: p.pop("stages"), r"^stages: Field required", id="missing-stages"),
        pytest.param(
            lambda p: p["journey"].pop("name"), r"^journey\.name: Field required", id="missing-journey-name"
        ),
        pytest.param(
            lambda p: p["stages"][2]["emails"][1].update(delay_hours="two days"),
            r"^stages\[2\]\.emails\[1\]\.delay_hours: Input should be a valid integer",
            id="text-in-number",
        ),
        pytest.param(
            lambda p: p["stages"][1].update(emotion=7),
            r"^stages\[1\]\.emotion: Input should be less than or equal to 2",
            id="emotion-out-of-range",
        ),
        pytest.param(
            lambda p: p["stages"][0]["emails"][0].update(trigger="whenever"),
            r"^stages\[0\]\.emails\[0\]\.trigger: unknown trigger 'whenever'",
            id="unknown-trigger",
        ),
        pytest.param(
            lambda p: p["journey"]["personas"].append("Ghost"),
            r'^journey\.personas\[2\]: persona "Ghost" is not in the file',
            id="unknown-persona-reference",
        ),
        pytest.param(
            lambda p: p["stages"][3]["emails"][0].update(name=""),
            r"^stages\[3\]\.emails\[0\]\.name: String should have at least 1 character",
            id="empty-email-name",
        ),
        pytest.param(
            lambda p: p["stages"][4].update(name=p["stages"][0]["name"]),
            r"^stages\[4\]\.name: This journey already has a stage named",
            id="duplicate-stage",
        ),
        pytest.param(lambda p: p.update(format="other/2"), r"^format: Input should be", id="wrong-format"),
        pytest.param(
            lambda p: p["stages"][0].update(colour="red"),
            r"^stages\[0\]\.colour: Extra inputs",
            id="unknown-key",
        ),
    ],
)
def test_malformed_files_name_the_field_and_position_and_write_nothing(session, exported, change, message):
    payload = broken(exported, change)
    if "name" in payload["journey"]:
        payload["journey"]["name"] = "Imported"  # not the demo's own name, which is taken
    before = counts(session)
    with pytest.raises(InvalidJourneyFile, match=message):
        transfer.import_journey(session, payload)
    session.rollback()
    assert counts(session) == before


def test_a_file_that_is_not_an_object_is_refused(session):
    with pytest.raises(InvalidJourneyFile, match="JSON object"):
        transfer.import_journey(session, [1, 2, 3])


def test_importing_a_journey_whose_name_is_taken_is_refused(session, exported):
    with pytest.raises(InvalidJourneyFile, match=r'^journey\.name: A journey named "Office'):
        transfer.import_journey(session, exported)
