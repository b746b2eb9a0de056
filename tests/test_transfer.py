"""Journey JSON export and import: the round trip holds, and bad files change nothing."""

import copy
import json

import pytest
from sqlalchemy import event, func, select

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


def big_file(stages: int, emails: int, *, variants: tuple[str, ...] = ()) -> dict:
    """A journey file with `stages` stages of `emails` emails each, every email with `variants`."""
    return {
        "format": "email-journey/1",
        "journey": {"name": f"Big {stages}x{emails}"},
        "stages": [
            {
                "name": f"Stage {s}",
                "emails": [
                    {
                        "name": f"Email {s}-{e}",
                        "trigger": "signup",
                        "variants": [{"label": label} for label in variants],
                    }
                    for e in range(emails)
                ],
            }
            for s in range(stages)
        ],
    }


def statements_to_import(engine, session, payload) -> int:
    """How many SQL statements importing `payload` sends (an executemany counts once)."""
    sent: list[str] = []
    listener = lambda _c, _cur, statement, *_rest: sent.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        transfer.import_journey(session, payload)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(sent)


def test_journey_import_sends_a_few_statements_per_thousand_rows_not_one_per_row(engine, session):
    """Each kind (stages, emails, variants) goes in batches of INSERT_BATCH rows, its ids read back once."""
    counts(session)  # the transaction's BEGIN is sent here, not counted in the first import
    small = statements_to_import(engine, session, big_file(5, 10, variants=("A", "B")))  # 50 emails
    large = statements_to_import(engine, session, big_file(5, 100, variants=("A", "B")))  # 500 emails
    assert large == small  # 500 emails and 1,000 variants still fit one batch each
    # 1,500 emails: one more email batch; 3,000 variants: two more variant batches.
    assert statements_to_import(engine, session, big_file(5, 300, variants=("A", "B"))) == small + 3
    wide = statements_to_import(engine, session, big_file(500, 1))  # 500 stages of one email each
    assert wide == small - 2  # no variants: neither their batch nor the query for their emails' ids
    tree = journeys.load_tree(session, journeys.get_journey_by_name(session, "Big 5x300").id)
    assert [len(node.emails) for node in tree.stages] == [300] * 5
    assert [e.position for e in tree.stages[4].emails[:3]] == [0, 1, 2]
    variants = journeys.variants_by_email(session, [tree.stages[4].emails[299].id])
    assert [v.label for v in next(iter(variants.values()))] == ["A", "B"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda p: p["stages"][1]["emails"][199].update(name="email 0-0"),
            r'^stages\[1\]\.emails\[199\]\.name: This journey already has an email named "email 0-0"',
            id="duplicate-email-name-in-another-stage-whatever-its-case",
        ),
        pytest.param(
            lambda p: p["stages"][1]["emails"][150].update(cta_url="javascript:alert(1)"),
            r"^stages\[1\]\.emails\[150\]\.cta_url: Call-to-action URL must start with https://",
            id="bad-cta-url-far-down",
        ),
        pytest.param(
            lambda p: p["stages"][1]["emails"][3]["variants"].append({"label": "b"}),
            r'^stages\[1\]\.emails\[3\]\.variants\[2\]\.label: the label "b" is already variants\[\d\]\'s',
            id="duplicate-variant-label",
        ),
        pytest.param(
            lambda p: p["stages"][1].update(name="   "),
            r"^stages\[1\]\.name: String should have at least 1 character",
            id="blank-stage-name",
        ),
    ],
)
def test_a_bad_row_deep_in_a_big_file_is_named_and_nothing_is_written(session, change, message):
    payload = big_file(2, 200, variants=("A", "B"))
    change(payload)
    before = counts(session)
    with pytest.raises(InvalidJourneyFile, match=message):
        transfer.import_journey(session, payload)
    session.rollback()
    assert counts(session) == before
