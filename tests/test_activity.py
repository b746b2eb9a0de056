"""Who changed what: `updated_by` on every editable row, and the activity log every change writes (db.audit)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from metrics_import_support import FIXTURES, make_onboarding
from sqlalchemy import select
from sqlmodel import Session
from support import make_journey

from db import audit
from db.models import Activity, Email, Journey, Persona, Setting, Stage
from journey.core.access import LOCAL, Actor, Role, act_as
from journey.core.errors import ImportRejected, StaleEdit
from journey.measure import review
from journey.measure.imports.importer import import_metrics
from journey.plan import activity, journeys, personas
from journey.plan.transfer import export_journey, import_journey
from journey.write import snippets, variants

ANA = Actor(email="ana@team.example", role=Role.editor, name="Ana Lima")
BEN = Actor(email="ben@team.example", role=Role.editor)


def log(session: Session) -> list[tuple]:
    rows = session.execute(select(Activity).order_by(Activity.id)).scalars()
    return [(r.kind, r.action, r.object_name, r.summary, r.actor_name) for r in rows]


def fresh(session: Session, actor: Actor = ANA) -> Session:
    """The same engine, a new session acting as `actor` (as one page's write would be)."""
    other = Session(session.get_bind(), expire_on_commit=False)
    act_as(other, actor)
    return other


def test_db_audit_names_the_open_mode_as_journey_core_access_does():
    assert (LOCAL.email, LOCAL.label) == (audit.LOCAL_EMAIL, audit.LOCAL_LABEL)
    assert audit.ACTOR_KEY == "actor"


def test_every_insert_and_update_records_who_last_changed_the_row(session):
    act_as(session, ANA)
    made = make_journey(
        session, "Spring", stages={"Awareness": ["Welcome"]}, variant_labels={"Welcome": ["A"]}
    )
    persona = personas.create_persona(session, name="Maya")
    snippet = snippets.create_snippet(session, name="footer", mjml="<mj-text>Hi</mj-text>")
    note = review.save_note(session, made.id, "2026-W47", "Ship it", 0)
    session.commit()
    email = made.emails["Welcome"]
    rows = [made.journey, made.stages["Awareness"], email, persona, snippet]
    rows += variants.list_variants(session, email.id)
    assert [row.updated_by for row in rows] == ["Ana Lima"] * 6
    assert note.version == 1
    ids = email.id, persona.id, made.id
    session.rollback()  # end the read: on SQLite every transaction holds the write lock
    email_id, persona_id, journey_id = ids
    with fresh(session, BEN) as ben:
        journeys.update_email(ben, email_id, 1, subject="New subject")
        personas.update_persona(ben, persona_id, 1, goals="Learn")
        ben.commit()
        assert ben.get(Email, email_id).updated_by == "ben@team.example"  # no name: the email
        assert ben.get(Persona, persona_id).updated_by == "ben@team.example"
        assert ben.get(Journey, journey_id).updated_by == "Ana Lima"


def test_a_session_without_an_actor_writes_as_the_local_user(session):
    persona = personas.create_persona(session, name="Maya")
    session.commit()
    assert persona.updated_by == "Local user (no sign-in)"
    assert log(session) == [("persona", "created", "Maya", "", "Local user (no sign-in)")]
    assert session.execute(select(Activity.actor)).scalar() == "local"


def test_a_journey_created_with_its_stages_and_emails_is_one_row(session):
    act_as(session, ANA)
    journeys.create_journey(session, name="Onboarding")  # the five-stage starter
    session.commit()
    ((kind, action, name, summary, who),) = log(session)
    assert (kind, action, name, who) == ("journey", "created", "Onboarding", "Ana Lima")
    assert summary.startswith("with 5 stages, ")
    assert summary.endswith(" emails")


def test_each_kind_of_change_leaves_exactly_its_row(session):
    made = make_journey(session, "Spring", stages={"Awareness": ["Welcome", "Tips"], "Decision": []})
    persona = personas.create_persona(session, name="Maya")
    session.commit()
    start = len(log(session))
    act_as(session, ANA)
    email = made.emails["Welcome"]
    journeys.update_email(session, email.id, email.version, subject="Hi", preheader="Read me", name="Welcome")
    session.commit()
    stage = made.stages["Decision"]
    journeys.update_stage(session, stage.id, stage.version, obstacles="Price")
    journeys.update_journey(session, made.id, made.journey.version, goal="Grow")
    personas.update_persona(session, persona.id, persona.version, segment="VIP")
    session.commit()
    variant = variants.add_variant(session, email.id, label="B", subject="Other")
    snippet = snippets.create_snippet(session, name="footer", mjml="<mj-text>Bye</mj-text>")
    session.commit()
    variants.update_variant(session, variant.id, variant.version, subject="Other still")
    snippets.update_snippet(session, snippet.id, snippet.version, mjml="<mj-text>Ciao</mj-text>")
    note = review.save_note(session, made.id, "2026-W47", "Ship it", 0)
    review.save_note(session, made.id, "2026-W47", "Ship it on Tuesday", note.version)
    session.commit()
    variants.delete_variant(session, variant.id)
    snippets.delete_snippet(session, snippet.id)
    journeys.delete_email(session, made.emails["Tips"].id)
    journeys.delete_stage(session, stage.id)
    personas.delete_persona(session, persona.id)
    session.commit()
    journeys.delete_journey(session, made.id)
    session.commit()
    assert [row[:4] for row in log(session)[start:]] == [
        ("email", "changed", "Welcome", "subject, preheader"),  # the name was sent but did not change
        ("stage", "changed", "Decision", "obstacles"),
        ("journey", "changed", "Spring", "goal"),
        ("persona", "changed", "Maya", "segment"),
        ("variant", "created", "Welcome · variant B", ""),
        ("snippet", "created", "footer", ""),
        ("variant", "changed", "Welcome · variant B", "subject"),
        ("snippet", "changed", "footer", "mjml"),
        ("note", "created", "Notes for 2026-W47", ""),
        ("note", "changed", "Notes for 2026-W47", "notes"),
        ("variant", "deleted", "Welcome · variant B", ""),
        ("snippet", "deleted", "footer", ""),
        ("email", "deleted", "Tips", ""),
        ("stage", "deleted", "Decision", ""),
        ("persona", "deleted", "Maya", ""),
        ("journey", "deleted", "Spring", ""),
    ]
    rows = session.execute(select(Activity).order_by(Activity.id)).scalars().all()[start:]
    assert {r.journey_id for r in rows if r.kind not in ("persona", "snippet")} == {made.id}
    assert {r.journey_id for r in rows if r.kind in ("persona", "snippet")} == {None}
    assert {r.actor for r in rows} == {ANA.email}


def test_a_save_that_changes_nothing_records_nothing(session):
    made = make_journey(session, "Spring", stages={"Awareness": ["Welcome"]})
    session.commit()
    start = len(log(session))
    email = made.emails["Welcome"]
    journeys.update_email(session, email.id, email.version, subject=email.subject)
    session.commit()
    assert log(session)[start:] == []


def test_moving_a_stage_is_one_order_row(session):
    made = make_journey(session, "Spring", stages=["Awareness", "Consideration", "Decision"])
    session.commit()
    start = len(log(session))
    journeys.move_stage(session, made.stages["Decision"].id, 0)
    session.commit()
    ((kind, action, _name, summary, _who),) = log(session)[start:]
    assert (kind, action, summary) == ("stage", "changed", "order (3 stages moved)")


def test_a_setting_save_is_recorded_with_its_key(session):
    session.add(Setting(key="time_zone", value={"name": "UTC"}))
    session.commit()
    assert ("setting", "created", "time zone", "", "Local user (no sign-in)") in log(session)


def test_a_rolled_back_change_leaves_no_row(session):
    personas.create_persona(session, name="Maya")
    session.rollback()
    personas.create_persona(session, name="Olivia")
    session.commit()
    assert [row[2] for row in log(session)] == ["Olivia"]


def test_a_journey_import_is_one_imported_row(session):
    made = make_journey(
        session, "Spring", stages={"Awareness": ["Welcome", "Tips"]}, variant_labels={"Welcome": ["A"]}
    )
    personas.create_persona(session, name="Maya")
    session.commit()
    payload = export_journey(session, made.id)
    start = len(log(session))
    act_as(session, ANA)
    new_id = import_journey(session, json.loads(json.dumps(payload, default=str)), name="Spring copy")
    session.commit()
    assert log(session)[start:] == [
        ("journey", "imported", "Spring copy", "journey file: 1 stage, 2 emails, 1 variant", "Ana Lima")
    ]
    assert session.get(Journey, new_id).updated_by == "Ana Lima"
    stages = session.execute(select(Stage).where(Stage.journey_id == new_id)).scalars().all()
    assert [s.updated_by for s in stages] == ["Ana Lima"]


def test_a_metric_import_is_one_imported_row_and_a_rolled_back_one_leaves_none(session):
    journey_id = make_onboarding(session)
    start = len(log(session))
    act_as(session, ANA)
    result = import_metrics(session, journey_id, FIXTURES / "generic.csv")
    session.rollback()  # the import's transaction rolled back (a crash, a refused commit)
    assert result.written
    assert log(session)[start:] == []
    import_metrics(session, journey_id, FIXTURES / "generic.csv")
    session.commit()
    ((kind, action, name, summary, who),) = log(session)[start:]
    assert (kind, action, name, who) == ("import", "imported", "generic.csv → Onboarding", "Ana Lima")
    assert summary.startswith(f"{result.imported} rows of ")
    row = session.execute(select(Activity).where(Activity.kind == "import")).scalar_one()
    assert row.journey_id == journey_id


def test_a_rejected_metric_import_leaves_no_row(session, tmp_path):
    journey_id = make_onboarding(session)
    start = len(log(session))
    bad = tmp_path / "bad.csv"
    bad.write_text("date,stage,email,sent\n2026-11-02,Awareness,Welcome 1,lots\n")
    result = None
    with contextlib.suppress(ImportRejected):
        result = import_metrics(session, journey_id, bad)
    session.commit()
    assert result is None or not result.written
    assert log(session)[start:] == []


def test_a_dry_run_leaves_no_row(session):
    journey_id = make_onboarding(session)
    start = len(log(session))
    import_metrics(session, journey_id, FIXTURES / "generic.csv", dry_run=True)
    session.commit()
    assert log(session)[start:] == []


def test_a_stale_save_says_who_saved_first_when_and_carries_their_values(session):
    made = make_journey(session, "Spring", stages={"Awareness": ["Welcome"]})
    session.commit()
    email = made.emails["Welcome"]
    with fresh(session, ANA) as ana:
        journeys.update_email(ana, email.id, email.version, subject="Ana's subject", mjml="<mjml>A</mjml>")
        ana.commit()
    with fresh(session, BEN) as ben, pytest.raises(StaleEdit) as refused:
        journeys.update_email(ben, email.id, email.version, subject="Ben's subject")
    stale = refused.value
    assert stale.by == "Ana Lima"
    assert stale.what == "email"
    assert datetime.now(UTC) - stale.at < timedelta(minutes=1)
    assert stale.current["subject"] == "Ana's subject"
    assert stale.current["mjml"] == "<mjml>A</mjml>"
    assert stale.version == email.version + 1
    assert str(stale).startswith("Ana Lima saved this email at ")
    assert "(just now), after you opened it. Nothing was overwritten" in str(stale)


def test_a_stale_save_of_a_deleted_row_says_so_plainly(session):
    persona = personas.create_persona(session, name="Maya")
    session.commit()
    personas.delete_persona(session, persona.id)
    session.commit()
    assert str(activity.stale_edit(session, Persona, persona.id, "persona")).startswith(
        "This persona was changed by someone else"
    )


def test_saved_when_says_the_day_when_it_was_not_today():
    at = datetime(2026, 11, 28, 9, 41, tzinfo=UTC)
    assert StaleEdit.of("email", by="Ana", at=at, now=at + timedelta(minutes=3)).message.startswith(
        "Ana saved this email at 09:41 UTC (3 minutes ago)"
    )
    assert "on 28 Nov at 09:41 UTC (2 days ago)" in str(
        StaleEdit.of("email", by="Ana", at=at, now=at + timedelta(days=2))
    )


def test_the_log_filters_by_journey_who_kind_and_date_and_pages_newest_first(session):
    spring = make_journey(session, "Spring", stages=["Awareness"])
    act_as(session, ANA)
    autumn = make_journey(session, "Autumn", stages=["Awareness"])
    session.commit()
    act_as(session, BEN)
    for n in range(5):
        personas.create_persona(session, name=f"P{n}")
        session.commit()
    everything = activity.list_activity(session, limit=100)
    assert [r.object_name for r in everything][:2] == ["P4", "P3"]  # newest first
    assert activity.count_activity(session) == 7
    assert [r.object_name for r in activity.list_activity(session, limit=2, offset=2)] == ["P2", "P1"]
    only = activity.ActivityFilter
    assert [r.object_name for r in activity.list_activity(session, only(journey_id=spring.id))] == ["Spring"]
    assert [r.object_name for r in activity.list_activity(session, only(actor=ANA.email))] == ["Autumn"]
    assert activity.count_activity(session, only(kind="persona")) == 5
    today = datetime.now(UTC).date()
    assert activity.count_activity(session, only(start=today, end=today)) == 7
    assert activity.count_activity(session, only(end=today - timedelta(days=1))) == 0
    assert activity.activity_actors(session) == {
        "local": "Local user (no sign-in)",
        ANA.email: "Ana Lima",
        BEN.email: BEN.email,
    }
    table = activity.activity_table(everything[:1])
    assert table[0]["Who"] == BEN.email
    assert table[0]["Kind"] == "Persona"
    assert table[0]["Action"] == "created"
    assert autumn.id != spring.id


def test_the_demo_seed_marker_is_the_one_setting_the_log_skips(session):
    from journey.plan.demo import WORKSPACE_KEY

    assert {WORKSPACE_KEY} == audit.UNLOGGED_SETTINGS
    session.add(Setting(key=WORKSPACE_KEY, value={"seeded_at": "now"}))
    session.commit()
    assert log(session) == []


def test_a_command_line_import_is_the_command_lines(db_url, cli):
    from support import in_db

    with in_db(db_url) as session:
        make_onboarding(session)
    done = cli("import-metrics", str(FIXTURES / "generic.csv"), "--journey", "Onboarding", db=db_url)
    assert done.returncode == 0, done.stderr
    with in_db(db_url) as session:
        (row,) = session.execute(select(Activity).where(Activity.kind == "import")).scalars()
        assert (row.actor, row.actor_name) == ("cli", "Command line")


def test_a_viewer_leaves_no_row(session):
    from journey.core.errors import PermissionDenied

    act_as(session, Actor(email="vi@team.example", role=Role.viewer))
    with pytest.raises(PermissionDenied):
        personas.create_persona(session, name="Maya")
    session.rollback()
    assert log(session) == []


def test_a_change_of_a_journeys_personas_is_recorded_once_and_only_when_it_changes(session):
    made = make_journey(session, "Spring")
    maya = personas.create_persona(session, name="Maya")
    session.commit()
    start = len(log(session))
    journeys.set_journey_personas(session, made.id, [maya.id])
    session.commit()
    journeys.set_journey_personas(session, made.id, [maya.id])  # the same: nothing to record
    session.commit()
    journeys.set_journey_personas(session, made.id, [])
    session.commit()
    assert [row[:4] for row in log(session)[start:]] == [
        ("journey", "changed", "Spring", "personas"),
        ("journey", "changed", "Spring", "personas"),
    ]


def test_one_save_of_a_journeys_fields_and_personas_is_one_row(session):
    made = make_journey(session, "Spring")
    maya = personas.create_persona(session, name="Maya")
    session.commit()
    start = len(log(session))
    journeys.update_journey(session, made.id, made.journey.version, goal="Grow", target_kpi="12 %")
    journeys.set_journey_personas(session, made.id, [maya.id])
    session.commit()
    assert [row[:4] for row in log(session)[start:]] == [
        ("journey", "changed", "Spring", "goal, target kpi, personas")
    ]


def test_a_rolled_back_savepoint_drops_only_what_it_recorded(session):
    personas.create_persona(session, name="Kept")
    savepoint = session.begin_nested()
    personas.create_persona(session, name="Dropped")
    savepoint.rollback()
    with session.begin_nested():
        personas.create_persona(session, name="Also kept")
    session.commit()
    assert [row[2] for row in log(session)] == ["Kept", "Also kept"]
