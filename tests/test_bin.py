"""The journey bin: a deleted journey disappears from every read, an owner restores it within 30 days,
then it is purged (the clock frozen at journey.measure.weeks.utc_now)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from support import make_journey, make_persona

from db.models import Email, MetricDaily, Stage
from journey.core.access import Actor, Role, act_as
from journey.core.errors import DuplicateName, NotFound, PermissionDenied
from journey.measure import metrics, weeks
from journey.plan import bin as journey_bin
from journey.plan import checks, demo, journeys, maps, transfer

MONDAY = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
SAM = Actor(email="sam@team.example", role=Role.editor, name="Sam")


@pytest.fixture
def clock(monkeypatch):
    now = {"at": MONDAY}
    monkeypatch.setattr(weeks, "utc_now", lambda: now["at"])
    return now


def binned_journey(session, name="Doomed", personas=()):
    made = make_journey(session, name, stages={"Awareness": ["Welcome", "Tips"]}, personas=personas)
    session.add(MetricDaily(email_id=made.emails["Welcome"].id, day=date(2026, 5, 25), sent=9, delivered=9))
    session.flush()
    act_as(session, SAM)
    journeys.delete_journey(session, made.id)
    act_as(session, Actor(email="o@team.example", role=Role.owner, name="Olivia"))
    return made


def test_a_deleted_journey_goes_to_the_bin_with_who_and_when(session, clock):
    made = binned_journey(session)
    (item,) = journey_bin.list_bin(session)
    assert (item.id, item.name, item.deleted_by, item.deleted_at) == (made.id, "Doomed", "Sam", MONDAY)
    assert (item.stages, item.emails, item.days_left) == (1, 2, 30)
    clock["at"] = MONDAY + timedelta(days=29, hours=1)
    assert journey_bin.list_bin(session)[0].days_left == 1
    assert session.execute(select(func.count(Email.id))).scalar_one() == 2  # nothing deleted yet


def test_a_binned_journey_is_gone_from_every_read(session, clock):
    persona = make_persona(session, "Maya")
    kept = make_journey(session, "Kept", stages=["Awareness"], personas=[persona])
    made = binned_journey(session, personas=[persona])
    assert [s.name for s in journeys.list_journeys(session)] == ["Kept"]
    assert journeys.default_journey_id(session) == kept.id  # the binned one had the latest metrics
    for reach in (
        lambda: journeys.get_journey(session, made.id),
        lambda: journeys.get_journey_by_name(session, "Doomed"),
        lambda: journeys.load_tree(session, made.id),
        lambda: journeys.get_stage(session, made.stages["Awareness"].id),
        lambda: journeys.get_email(session, made.emails["Welcome"].id),
        lambda: checks.check_journey(session, made.id),
        lambda: transfer.export_journey(session, made.id),
    ):
        with pytest.raises(NotFound):
            reach()
    followed = metrics.MetricFilter(persona_id=persona.id)
    assert metrics.aggregate(session, by=("journey",), where=followed) == []
    assert maps.compare_pair(session, kept.id) == (kept.id, None)


def test_its_name_stays_taken_while_it_is_in_the_bin(session, clock):
    binned_journey(session)
    with pytest.raises(DuplicateName, match="is in the bin"):
        journeys.create_journey(session, name="doomed")


def test_an_owner_restores_it_as_it_was(session, clock):
    made = binned_journey(session)
    journey_bin.restore_journey(session, made.id)
    assert [s.name for s in journeys.list_journeys(session)] == ["Doomed"]
    assert [e.name for e in journeys.load_tree(session, made.id).emails] == ["Welcome", "Tips"]
    assert journey_bin.list_bin(session) == []
    with pytest.raises(NotFound, match="not in the bin"):
        journey_bin.restore_journey(session, made.id)


@pytest.mark.parametrize("role", [Role.editor, Role.viewer])
def test_only_an_owner_restores_or_deletes_for_good(session, clock, role):
    made = binned_journey(session)
    act_as(session, Actor(email="x@team.example", role=role))
    with pytest.raises(PermissionDenied):
        journey_bin.restore_journey(session, made.id)
    with pytest.raises(PermissionDenied):
        journey_bin.delete_for_good(session, made.id)


def test_a_viewer_cannot_bin_a_journey(session, clock):
    made = make_journey(session, "Spring")
    act_as(session, Actor(email="v@team.example", role=Role.viewer))
    with pytest.raises(PermissionDenied):
        journeys.delete_journey(session, made.id)


def test_delete_for_good_removes_it_and_frees_its_name(session, clock):
    made = binned_journey(session)
    assert journey_bin.delete_for_good(session, made.id) == "Doomed"
    assert session.execute(select(func.count(Stage.id))).scalar_one() == 0
    assert session.execute(select(func.count(MetricDaily.id))).scalar_one() == 0
    journeys.create_journey(session, name="Doomed", template="blank")


def test_the_purge_deletes_what_has_been_in_the_bin_30_days(session, clock):
    old = binned_journey(session, "Old")
    clock["at"] = MONDAY + timedelta(days=10)
    recent = binned_journey(session, "Recent")
    clock["at"] = MONDAY + timedelta(days=30) - timedelta(seconds=1)
    assert journey_bin.purge_bin(session) == []
    clock["at"] = MONDAY + timedelta(days=30)
    assert journey_bin.list_bin(session)[-1].days_left == 0
    assert journey_bin.purge_bin(session) == ["Old"]
    assert [item.id for item in journey_bin.list_bin(session)] == [recent.id]
    assert session.get(type(old.journey), old.id) is None


def test_start_blank_empties_the_bin_too(session, clock):
    binned_journey(session)
    assert demo.start_blank(session) == 1
    assert journey_bin.list_bin(session) == []


def test_the_activity_log_says_deleted_and_restored(session, clock):
    from db.models import Activity

    made = binned_journey(session)
    journey_bin.restore_journey(session, made.id)
    session.commit()
    rows = session.execute(
        select(Activity.action, Activity.summary).where(Activity.kind == "journey").order_by(Activity.id)
    ).all()
    assert [tuple(r) for r in rows][-2:] == [("deleted", ""), ("restored", "from the bin")]
