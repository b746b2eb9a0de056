"""Journeys, stages and emails: order, moves, counts, duplicates and deletes (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select
from sqlmodel import Session
from support import make_journey

from db.models import Email, EmailVariant, MetricDaily, Stage
from journey.core.errors import DuplicateName, InvalidInput, StaleEdit
from journey.plan import journeys, personas
from journey.plan.starter import STARTER_STAGES


def names(tree):
    return [(node.stage.name, [e.name for e in node.emails]) for node in tree.stages]


def test_a_starter_journey_has_the_five_stages_and_their_emails_in_order(session):
    journey = journeys.create_journey(session, name="Spring", template="starter")
    tree = journeys.load_tree(session, journey.id)
    assert [n.stage.name for n in tree.stages] == list(journeys.STARTER_STAGE_NAMES)
    assert names(tree) == [(s.name, [e.name for e in s.emails]) for s in STARTER_STAGES]
    assert [n.stage.position for n in tree.stages] == [0, 1, 2, 3, 4]


def test_a_blank_journey_has_no_stages(session):
    journey = journeys.create_journey(session, name="Blank", template="blank")
    assert journeys.load_tree(session, journey.id).stages == []


def test_list_journeys_counts_stages_emails_and_personas(session):
    maya = personas.create_persona(session, name="Maya")
    starter = journeys.create_journey(session, name="Starter", persona_ids=[maya.id])
    journeys.create_journey(session, name="Blank", template="blank")
    summaries = {s.name: s for s in journeys.list_journeys(session)}
    expected_emails = sum(len(s.emails) for s in STARTER_STAGES)
    assert (summaries["Starter"].stages, summaries["Starter"].emails) == (5, expected_emails)
    assert summaries["Starter"].personas == ["Maya"]
    assert (summaries["Blank"].stages, summaries["Blank"].emails) == (0, 0)
    assert summaries["Starter"].id == starter.id


def test_journey_names_are_unique(session):
    journeys.create_journey(session, name="Spring", template="blank")
    with pytest.raises(DuplicateName):
        journeys.create_journey(session, name="SPRING", template="blank")


def test_unknown_map_type_is_refused_beside_its_field(session):
    with pytest.raises(InvalidInput) as caught:
        journeys.create_journey(session, name="X", map_type="someday", template="blank")
    assert caught.value.field == "map_type"


def test_stages_can_be_added_renamed_reordered_and_deleted(session):
    journey = journeys.create_journey(session, name="J", template="blank")
    a = journeys.add_stage(session, journey.id, name="A")
    b = journeys.add_stage(session, journey.id, name="B")
    c = journeys.add_stage(session, journey.id, name="C", index=0)
    assert [n.stage.name for n in journeys.load_tree(session, journey.id).stages] == ["C", "A", "B"]
    journeys.move_stage(session, c.id, 2)
    journeys.update_stage(session, a.id, a.version, name="Awareness", obstacles="Too busy", emotion=-1)
    tree = journeys.load_tree(session, journey.id)
    assert [n.stage.name for n in tree.stages] == ["Awareness", "B", "C"]
    assert tree.stages[0].stage.obstacles == "Too busy"
    journeys.delete_stage(session, b.id)
    tree = journeys.load_tree(session, journey.id)
    assert [(n.stage.name, n.stage.position) for n in tree.stages] == [("Awareness", 0), ("C", 1)]


def test_moving_a_stage_past_the_end_is_refused_and_the_order_is_unchanged(session):
    journey = journeys.create_journey(session, name="J", template="blank")
    a = journeys.add_stage(session, journey.id, name="A")
    journeys.add_stage(session, journey.id, name="B")
    with pytest.raises(InvalidInput, match="position 4: the journey has 2 stages"):
        journeys.move_stage(session, a.id, 3)
    assert [n.stage.name for n in journeys.load_tree(session, journey.id).stages] == ["A", "B"]


def test_emotion_outside_minus_two_to_two_is_refused(session):
    journey = journeys.create_journey(session, name="J", template="blank")
    with pytest.raises(InvalidInput, match="between -2 and 2"):
        journeys.add_stage(session, journey.id, name="A", emotion=3)


def test_emails_can_be_added_reordered_and_moved_between_stages(session):
    journey = journeys.create_journey(session, name="J", template="blank")
    a = journeys.add_stage(session, journey.id, name="A")
    b = journeys.add_stage(session, journey.id, name="B")
    one = journeys.add_email(session, a.id, name="One", trigger="signup")
    two = journeys.add_email(session, a.id, name="Two", trigger="previous_email", delay_hours=48)
    journeys.move_email(session, two.id, index=0)
    assert names(journeys.load_tree(session, journey.id)) == [("A", ["Two", "One"]), ("B", [])]
    journeys.move_email(session, two.id, stage_id=b.id, index=0)
    tree = journeys.load_tree(session, journey.id)
    assert names(tree) == [("A", ["One"]), ("B", ["Two"])]
    assert [e.position for e in tree.stages[0].emails] == [0]
    assert one.stage_id == a.id


def test_an_email_cannot_move_into_another_journeys_stage(session):
    first = journeys.create_journey(session, name="First", template="blank")
    other = journeys.create_journey(session, name="Other", template="blank")
    stage = journeys.add_stage(session, first.id, name="A")
    foreign = journeys.add_stage(session, other.id, name="A")
    email = journeys.add_email(session, stage.id, name="One")
    with pytest.raises(InvalidInput, match="belongs to another journey"):
        journeys.move_email(session, email.id, stage_id=foreign.id, index=0)
    assert journeys.get_email(session, email.id).stage_id == stage.id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"trigger": "whenever"}, "trigger", id="unknown-trigger"),
        pytest.param({"delay_hours": "two days"}, "delay_hours", id="text-in-number"),
        pytest.param({"delay_hours": -5}, "delay_hours", id="negative-delay"),
        pytest.param({"cta_url": "javascript:alert(1)"}, "cta_url", id="bad-cta-url"),
        pytest.param({"subject": "x" * 301}, "subject", id="subject-too-long"),
        pytest.param({"mjml": "x" * 10_000_000}, "mjml", id="ten-megabyte-body"),
    ],
)
def test_bad_email_fields_are_refused_naming_the_field_and_nothing_changes(session, changes, field):
    journey = journeys.create_journey(session, name="J", template="blank")
    stage = journeys.add_stage(session, journey.id, name="A")
    email = journeys.add_email(session, stage.id, name="One", subject="Hello")
    with pytest.raises(InvalidInput) as caught:
        journeys.update_email(session, email.id, email.version, **changes)
    assert caught.value.field == field
    assert journeys.get_email(session, email.id).subject == "Hello"
    assert journeys.get_email(session, email.id).version == 1


def test_email_names_are_unique_within_a_journey(session):
    journey = journeys.create_journey(session, name="J", template="blank")
    a = journeys.add_stage(session, journey.id, name="A")
    b = journeys.add_stage(session, journey.id, name="B")
    journeys.add_email(session, a.id, name="Welcome")
    with pytest.raises(DuplicateName):
        journeys.add_email(session, b.id, name="welcome")


def test_a_stale_email_save_is_refused(engine):
    with Session(engine) as session:
        journey = journeys.create_journey(session, name="J", template="blank")
        stage = journeys.add_stage(session, journey.id, name="A")
        email_id = journeys.add_email(session, stage.id, name="One").id
        session.commit()
    with Session(engine) as teammate:
        journeys.update_email(teammate, email_id, 1, subject="Theirs")
        teammate.commit()
    with Session(engine) as session, pytest.raises(StaleEdit):
        journeys.update_email(session, email_id, 1, subject="Mine")
    with Session(engine) as session:
        assert journeys.get_email(session, email_id).subject == "Theirs"


def test_deleting_a_journey_for_good_removes_its_stages_emails_variants_and_metrics(engine):
    from datetime import date

    from journey.plan import bin as journey_bin

    with Session(engine) as session:
        journey = journeys.create_journey(session, name="Doomed")
        keep = journeys.create_journey(session, name="Kept")
        email = journeys.load_tree(session, journey.id).emails[0]
        session.add(EmailVariant(email_id=email.id, label="A"))
        session.add(MetricDaily(email_id=email.id, day=date(2026, 11, 2), sent=10, delivered=10))
        session.commit()
        kept_emails = len(journeys.load_tree(session, keep.id).emails)
        doomed = journey.id
        journeys.delete_journey(session, doomed)  # to the bin: nothing removed yet
        session.commit()
    with Session(engine) as session:
        assert [s.name for s in journeys.list_journeys(session)] == ["Kept"]
        assert session.execute(select(func.count(Stage.id))).scalar_one() == 10
        journey_bin.delete_for_good(session, doomed)
        session.commit()
    with Session(engine) as session:
        assert session.execute(select(func.count(Stage.id))).scalar_one() == 5
        assert session.execute(select(func.count(Email.id))).scalar_one() == kept_emails
        assert session.execute(select(func.count(EmailVariant.id))).scalar_one() == 0
        assert session.execute(select(func.count(MetricDaily.id))).scalar_one() == 0


def test_duplicate_as_future_state_copies_stages_emails_and_remembers_the_source(session):
    maya = personas.create_persona(session, name="Maya")
    source = journeys.create_journey(session, name="Today", persona_ids=[maya.id])
    email = journeys.load_tree(session, source.id).emails[0]
    session.add(EmailVariant(email_id=email.id, label="B", subject="Shorter"))
    copy = journeys.duplicate_journey(session, source.id, name="Tomorrow", as_future_state=True)
    original, duplicate = journeys.load_tree(session, source.id), journeys.load_tree(session, copy.id)
    assert names(duplicate) == names(original)
    assert duplicate.journey.map_type == "future_state"
    assert duplicate.journey.source_journey_id == source.id
    assert [p.name for p in duplicate.personas] == ["Maya"]
    copied = journeys.variants_by_email(session, [duplicate.emails[0].id])[duplicate.emails[0].id]
    assert [v.subject for v in copied] == ["Shorter"]
    assert {e.id for e in duplicate.emails}.isdisjoint({e.id for e in original.emails})


def _metric_day(session: Session, email_id: int, day: str) -> None:
    from datetime import date

    session.add(MetricDaily(email_id=email_id, day=date.fromisoformat(day), sent=10, delivered=10))
    session.flush()


def test_a_fresh_session_opens_the_journey_with_the_latest_metric_day_not_the_newest_journey(session):
    old = make_journey(session, "Old", stages={"Awareness": ["Welcome"]})
    recent = make_journey(session, "Recent", stages={"Awareness": ["Welcome"]})
    make_journey(session, "Newest, empty", stages={"Awareness": ["Welcome"]})
    _metric_day(session, old.emails["Welcome"].id, "2026-11-01")
    _metric_day(session, recent.emails["Welcome"].id, "2026-11-20")
    _metric_day(session, old.emails["Welcome"].id, "2026-11-19")
    assert journeys.default_journey_id(session) == recent.id


def test_of_journeys_with_metrics_on_the_same_latest_day_the_newest_opens(session):
    first = make_journey(session, "First", stages={"Awareness": ["Welcome"]})
    second = make_journey(session, "Second", stages={"Awareness": ["Welcome"]})
    for made in (second, first):
        _metric_day(session, made.emails["Welcome"].id, "2026-11-20")
    assert journeys.default_journey_id(session) == second.id


def test_without_metrics_the_newest_journey_opens_and_without_journeys_none(session):
    assert journeys.default_journey_id(session) is None
    make_journey(session, "Alpha")
    newest = make_journey(session, "Beta")
    assert journeys.default_journey_id(session) == newest.id
