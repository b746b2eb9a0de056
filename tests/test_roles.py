"""Roles are enforced in the services: every write service of journey/ called as a viewer raises
PermissionDenied and leaves the database exactly as it was; owner tasks are refused to an editor; the
same calls made with the role they need succeed and change the database (so each call below is a real
write, not one refused for another reason). SQLite and PostgreSQL.

The services are found, not listed by hand only: every public function of journey/ (the CLI aside)
that takes a session or an engine is in WRITES (with a call), READS or SIGN_IN below, so a new write
service without a call here fails test_every_service_is_classified.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from metrics_import_support import FIXTURES, SENDGRID, SENDGRID_MAPPING, make_onboarding
from sqlalchemy import delete, insert, select, text, update
from support import database_snapshot, make_persona

import journey
from db.crud import update_versioned
from db.engine import session_scope
from db.models import Email, EmailVersion, Persona, Setting, Stage
from journey.core.access import CLI, LOCAL, Actor, Role, act_as, actor_of, writes
from journey.core.errors import PermissionDenied
from journey.measure import review, time_zone, weeks
from journey.measure.imports import importer, mappings
from journey.measure.imports.formats import read_header
from journey.plan import backup, demo, demo_metrics, journeys, map_export, personas, transfer, users
from journey.plan import bin as journey_bin
from journey.write import brand, gallery, history, snippets, variants

VIEWER = Actor("viewer@example.com", Role.viewer, "Vic Viewer")
EDITOR = Actor("editor@example.com", Role.editor, "Eddie Editor")
OWNER = Actor("owner@example.com", Role.owner, "Olive Owner")
PASSWORD = "correct horse battery"
MJML = Path(__file__).parent / "fixtures" / "mjml" / "basic.mjml"


@dataclass
class Workspace:
    """The rows the calls below act on."""

    journey_id: int
    stage_id: int
    email_id: int
    variant_id: int
    persona_id: int
    snippet_id: int
    mapping_key: str


# --- the write services, each with a call that writes ---------------------------------------------

Call = Callable[..., object]


def _binned_first(session, workspace, service):
    """The workspace's journey binned (by an owner), then `service(session, its id)` as the session's actor."""
    actor = actor_of(session)
    act_as(session, OWNER)
    journey_bin.bin_journey(session, workspace.journey_id)
    act_as(session, actor)
    return service(session, workspace.journey_id)


WRITES: dict[str, Call] = {
    # personas
    "journey.plan.personas.create_persona": lambda s, w: personas.create_persona(s, name="Noor"),
    "journey.plan.personas.update_persona": lambda s, w: personas.update_persona(
        s, w.persona_id, 1, name="Ada"
    ),
    "journey.plan.personas.delete_persona": lambda s, w: personas.delete_persona(s, w.persona_id),
    # journeys, stages, emails
    "journey.plan.journeys.create_journey": lambda s, w: journeys.create_journey(s, name="Winter"),
    "journey.plan.journeys.update_journey": lambda s, w: journeys.update_journey(
        s, w.journey_id, 1, goal="More"
    ),
    "journey.plan.journeys.delete_journey": lambda s, w: journeys.delete_journey(s, w.journey_id),
    "journey.plan.journeys.duplicate_journey": lambda s, w: journeys.duplicate_journey(
        s, w.journey_id, name="Copy"
    ),
    "journey.plan.journeys.set_journey_personas": lambda s, w: journeys.set_journey_personas(
        s, w.journey_id, [w.persona_id]
    ),
    "journey.plan.journeys.add_stage": lambda s, w: journeys.add_stage(s, w.journey_id, name="Advocacy"),
    "journey.plan.journeys.update_stage": lambda s, w: journeys.update_stage(
        s, w.stage_id, 1, obstacles="Cost"
    ),
    "journey.plan.journeys.move_stage": lambda s, w: journeys.move_stage(s, w.stage_id, 2),
    "journey.plan.journeys.delete_stage": lambda s, w: journeys.delete_stage(s, w.stage_id),
    "journey.plan.journeys.add_email": lambda s, w: journeys.add_email(s, w.stage_id, name="Welcome 3"),
    "journey.plan.journeys.update_email": lambda s, w: journeys.update_email(s, w.email_id, 1, subject="Hi"),
    "journey.plan.journeys.move_email": lambda s, w: journeys.move_email(s, w.email_id, index=1),
    "journey.plan.journeys.delete_email": lambda s, w: journeys.delete_email(s, w.email_id),
    "journey.plan.map_export.import_lanes_csv": lambda s, w: map_export.import_lanes_csv(
        s, w.journey_id, map_export.template_csv(("Advocacy",))
    ),
    "journey.plan.transfer.import_journey": lambda s, w: transfer.import_journey(
        s, transfer.export_journey(s, w.journey_id), name="Imported"
    ),
    "journey.plan.journeys.erase_journey": lambda s, w: journeys.erase_journey(s, w.journey_id),
    # the bin and each email's history
    "journey.plan.bin.bin_journey": lambda s, w: journey_bin.bin_journey(s, w.journey_id),
    "journey.plan.bin.restore_journey": lambda s, w: _binned_first(s, w, journey_bin.restore_journey),
    "journey.plan.bin.delete_for_good": lambda s, w: _binned_first(s, w, journey_bin.delete_for_good),
    "journey.plan.bin.purge_bin": lambda s, w: _binned_first(
        s, w, lambda s, _: journey_bin.purge_bin(s, now=weeks.utc_now() + timedelta(days=31))
    ),
    "journey.write.history.restore_version": lambda s, w: history.restore_version(s, w.email_id, 1, 1),
    "journey.write.history.record": lambda s, w: (
        s.execute(update(Email).where(Email.id == w.email_id).values(version=Email.version + 1)),
        history.record(s, [w.email_id]),
    ),
    "journey.write.history.record_journey": lambda s, w: (
        s.execute(delete(EmailVersion)),
        history.record_journey(s, w.journey_id),
    ),
    # the demo workspace
    "journey.plan.demo.load_demo": lambda s, w: demo.load_demo(s),
    "journey.plan.demo.mark_seeded": lambda s, w: demo.mark_seeded(s),
    "journey.plan.demo.start_blank": lambda s, w: demo.start_blank(s),
    "journey.plan.demo.seed_on_first_start": lambda s, w: (demo.start_blank(s), demo.seed_on_first_start(s)),
    "journey.plan.demo.forget_demo_brand": lambda s, w: demo.forget_demo_brand(s),
    "journey.plan.demo_metrics.load_demo_metrics": lambda s, w: demo_metrics.load_demo_metrics(
        s, w.journey_id
    ),
    # emails: variants, snippets, the gallery, the brand
    "journey.write.variants.add_variant": lambda s, w: variants.add_variant(s, w.email_id, label="C"),
    "journey.write.variants.update_variant": lambda s, w: variants.update_variant(
        s, w.variant_id, 1, subject="B!"
    ),
    "journey.write.variants.delete_variant": lambda s, w: variants.delete_variant(s, w.variant_id),
    "journey.write.snippets.create_snippet": lambda s, w: snippets.create_snippet(s, name="header", mjml=""),
    "journey.write.snippets.update_snippet": lambda s, w: snippets.update_snippet(
        s, w.snippet_id, 1, mjml="<mj-text/>"
    ),
    "journey.write.snippets.delete_snippet": lambda s, w: snippets.delete_snippet(s, w.snippet_id),
    "journey.write.gallery.import_upload": lambda s, w: gallery.import_upload(
        s, w.stage_id, "basic.mjml", MJML.read_bytes()
    ),
    "journey.write.brand.save_brand": lambda s, w: brand.save_brand(s, {"name": "Bloom & Co"}, 1),
    # metrics, notes, settings
    "journey.measure.imports.importer.import_metrics": lambda s, w: importer.import_metrics(
        s, w.journey_id, FIXTURES / "generic.csv"
    ),
    "journey.measure.imports.mappings.import_mapped": lambda s, w: mappings.import_mapped(
        s,
        w.journey_id,
        SENDGRID,
        mapping=SENDGRID_MAPPING,
        save_as="SendGrid again",
        create_missing_stage="Retention",
    ),
    "journey.measure.imports.mappings.save_mapping": lambda s, w: mappings.save_mapping(
        s, read_header(SENDGRID), "Renamed mapping", SENDGRID_MAPPING
    ),
    "journey.measure.imports.mappings.forget_mapping": lambda s, w: mappings.forget_mapping(s, w.mapping_key),
    "journey.measure.review.save_thresholds": lambda s, w: review.save_thresholds(
        s, {"bounce_rate_max": 0.03}, 0
    ),
    "journey.measure.review.save_note": lambda s, w: review.save_note(
        s, w.journey_id, "2026-W47", "Decided", 0
    ),
    "journey.measure.time_zone.save_time_zone": lambda s, w: time_zone.save_time_zone(s, "Europe/Paris", 0),
    # accounts (owner tasks)
    "journey.plan.users.add_user": lambda s, w: users.add_user(s, "new@example.com", "viewer", PASSWORD),
    "journey.plan.users.remove_user": lambda s, w: users.remove_user(s, "member@example.com"),
    "journey.plan.users.set_role": lambda s, w: users.set_role(s, "member@example.com", "owner"),
    "journey.plan.users.reset_password": lambda s, w: users.reset_password(
        s, "member@example.com", "another long passphrase"
    ),
    # the whole workspace (owner tasks; they take the engine and the actor)
    "journey.plan.backup.restore_backup": lambda s, w, engine, actor: backup.restore_backup(
        engine, io.BytesIO(backup.backup_bytes(engine)), force=True, actor=actor
    ),
}
OWNER_ONLY = {name for name in WRITES if name.startswith(("journey.plan.users.", "journey.plan.backup."))} | {
    "journey.plan.bin.restore_journey",
    "journey.plan.bin.delete_for_good",
    "journey.plan.bin.purge_bin",
}
ENGINE_CALLS = {"journey.plan.backup.restore_backup"}

# Sign-in writes its own bookkeeping (failed attempts, a rehash) for anyone: nobody has a role before it.
SIGN_IN = {"journey.plan.users.authenticate"}

# Services that only read (a backup is read, but only for owners: see test_a_backup_is_for_owners_only).
READS = {
    "journey.plan.bin.list_bin",
    "journey.write.history.get_version",
    "journey.write.history.list_versions",
    "journey.write.history.version_count",
    "journey.core.access.actor_of",
    "journey.core.access.act_as",
    "journey.core.access.require",
    "journey.measure.imports.mappings.list_saved_mappings",
    # the activity log: reads, and record_import only buffers a row for the caller's own write's commit
    "journey.plan.activity.activity_actors",
    "journey.plan.activity.count_activity",
    "journey.plan.activity.list_activity",
    "journey.plan.activity.record_import",
    "journey.plan.activity.stale_edit",
    "journey.measure.imports.mappings.find_saved_mapping",
    "journey.measure.imports.mappings.saved_mapping_for_file",
    "journey.measure.imports.mappings.get_saved_mapping",
    "journey.measure.imports.mappings.check_mapping_name",
    "journey.measure.imports.preview.rank_journeys",
    "journey.measure.metrics.aggregate",
    "journey.measure.metrics.total",
    "journey.measure.metrics.data_range",
    "journey.measure.metrics.stage_metrics",
    "journey.measure.metrics.stage_metrics_by_period",
    "journey.measure.metrics.stage_weekly",
    "journey.measure.metrics.email_metrics",
    "journey.measure.metrics.email_weekly",
    "journey.measure.metrics.report_rows",
    "journey.measure.metrics.latest_stage_rates",
    "journey.measure.metrics.data_stamp",
    "journey.measure.review.load_thresholds",
    "journey.measure.review.thresholds_version",
    "journey.measure.review.weekly_review",
    "journey.measure.review.ab_tests",
    "journey.measure.review.load_note",
    "journey.measure.segments.persona_names_by_segment",
    "journey.measure.segments.segment_weeks",
    "journey.measure.time_zone.load_time_zone",
    "journey.measure.time_zone.workspace_today",
    "journey.plan.backup.snapshot",
    "journey.plan.backup.row_counts",
    "journey.plan.backup.write_backup",
    "journey.plan.backup.backup_bytes",
    "journey.plan.checks.unsubscribe_threshold",
    "journey.plan.checks.check_journey",
    "journey.plan.checks.check_loaded",
    "journey.plan.demo.demo_journey_id",
    "journey.plan.demo.is_first_start",
    "journey.plan.journeys.journeys_with_counts",
    "journey.plan.journeys.list_journeys",
    "journey.plan.journeys.default_journey_id",
    "journey.plan.journeys.get_journey",
    "journey.plan.journeys.get_journey_by_name",
    "journey.plan.journeys.journey_persona_ids",
    "journey.plan.journeys.variants_by_email",
    "journey.plan.journeys.load_tree",
    "journey.plan.journeys.get_stage",
    "journey.plan.journeys.get_email",
    "journey.plan.journeys.journey_of_email",
    "journey.plan.maps.stage_rates",
    "journey.plan.maps.compare_pair",
    "journey.plan.maps.map_view",
    "journey.plan.personas.list_personas",
    "journey.plan.personas.get_persona",
    "journey.plan.personas.get_persona_by_name",
    "journey.plan.personas.personas_journey_first",
    "journey.plan.transfer.export_journey",
    "journey.plan.users.list_users",
    "journey.plan.users.actor_for",
    "journey.plan.users.any_password_accounts",
    "journey.write.brand.load_brand",
    "journey.write.brand.brand_merge_data",
    "journey.write.gallery.survey_upload",
    "journey.write.snippets.list_snippets",
    "journey.write.snippets.snippet_library",
    "journey.write.snippets.get_snippet",
    "journey.write.snippets.get_snippet_by_name",
    "journey.write.snippets.emails_including",
    "journey.write.snippets.snippets_including",
    "journey.write.snippets.usage_counts",
    "journey.write.variants.list_variants",
    "journey.write.variants.get_variant",
}


def services() -> set[str]:
    """Every public function of journey/ (the CLI aside) whose parameters include a session, an engine
    or a connection: the services."""
    found = set()
    for info in pkgutil.walk_packages(journey.__path__, "journey."):
        if info.name.startswith(("journey.cli", "journey.__main__")):
            continue
        module = importlib.import_module(info.name)
        for name, function in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(function) or function.__module__ != info.name:
                continue
            if {"session", "engine", "connection"} & set(inspect.signature(function).parameters):
                found.add(f"{info.name}.{name}")
    return found


def test_every_service_is_classified():
    found = services()
    classified = set(WRITES) | READS | SIGN_IN
    assert not (set(WRITES) & READS), "a service is either a write or a read"
    unknown = sorted(found - classified)
    assert unknown == [], f"new services: add each to WRITES (with a call that writes) or to READS: {unknown}"
    assert sorted(classified - found) == [], "gone or renamed: delete them here"


# --- the workspace the calls act on ---------------------------------------------------------------


@pytest.fixture
def workspace(engine) -> Workspace:
    with session_scope(engine) as session:
        journey_id = make_onboarding(session)
        tree = journeys.load_tree(session, journey_id)
        stage = tree.stages[0].stage
        email = tree.stages[0].emails[0]
        case_study = next(e for node in tree.stages for e in node.emails if e.name == "Case study")
        variant = variants.list_variants(session, case_study.id)[0]
        persona = make_persona(session, "Maya")
        snippet = snippets.create_snippet(session, name="footer", mjml="<mj-text>Bye</mj-text>")
        saved = mappings.save_mapping(session, read_header(SENDGRID), "SendGrid stats", SENDGRID_MAPPING)
        from journey.plan.demo_content import DEMO_BRAND

        brand.save_brand(session, DEMO_BRAND, 0)  # the demo's brand: forget_demo_brand has one to forget
        users.add_user(session, "owner@example.com", "owner", PASSWORD, name="Olive")
        users.add_user(session, "member@example.com", "editor", name="Mo")
        return Workspace(journey_id, stage.id, email.id, variant.id, persona.id, snippet.id, saved.key)


def call(engine, workspace: Workspace, name: str, actor: Actor) -> None:
    if name in ENGINE_CALLS:
        with session_scope(engine) as session:
            WRITES[name](session, workspace, engine, actor)
        return
    with session_scope(engine) as session:
        act_as(session, actor)
        WRITES[name](session, workspace)


def snapshot(engine) -> dict:
    with engine.connect() as connection:
        return database_snapshot(connection)


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_viewer_can_call_no_write_service_and_nothing_changes(engine, workspace, name):
    before = snapshot(engine)
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) cannot do this"):
        call(engine, workspace, name, VIEWER)
    assert snapshot(engine) == before


@pytest.mark.parametrize("name", sorted(OWNER_ONLY))
def test_an_editor_cannot_do_an_owners_task(engine, workspace, name):
    before = snapshot(engine)
    with pytest.raises(
        PermissionDenied, match=r"Your role \(editor\) cannot do this; it needs the owner role"
    ):
        call(engine, workspace, name, EDITOR)
    assert snapshot(engine) == before


@pytest.mark.parametrize("name", sorted(WRITES))
def test_the_same_call_with_the_role_it_needs_writes(engine, workspace, name):
    """Each call above is a real write: an editor (an owner, for owner tasks) makes it change the database."""
    before = snapshot(engine)
    call(engine, workspace, name, OWNER if name in OWNER_ONLY else EDITOR)
    after = snapshot(engine)
    changed = {table for table in after if after[table] != before[table] and table != "data_version"}
    assert changed, f"{name} wrote nothing"


@pytest.mark.parametrize("actor", [VIEWER, EDITOR], ids=["viewer", "editor"])
def test_a_backup_is_for_owners_only(engine, workspace, actor):
    with pytest.raises(PermissionDenied, match="needs the owner role"):
        backup.backup_bytes(engine, actor=actor)
    with pytest.raises(PermissionDenied, match="needs the owner role"):
        backup.write_backup(engine, io.BytesIO(), actor=actor)
    for owner in (OWNER, CLI, LOCAL):
        assert backup.backup_bytes(engine, actor=owner)


def test_a_viewer_reads_everything_an_editor_reads(engine, workspace):
    with session_scope(engine) as session:
        act_as(session, VIEWER)
        tree = journeys.load_tree(session, workspace.journey_id)
        assert [node.stage.name for node in tree.stages][:2] == ["Awareness", "Consideration"]
        assert [p.name for p in personas.list_personas(session)] == ["Maya"]
        assert review.weekly_review(session, workspace.journey_id, "2026-W46").period is not None
        assert importer.import_metrics(
            session, workspace.journey_id, FIXTURES / "generic.csv", dry_run=True
        ).ok


# --- the guard itself: every way a session writes -------------------------------------------------

GUARDED: dict[str, Call] = {
    "orm-flush": lambda s: (s.add(Persona(name="Flushed")), s.flush()),
    "orm-dirty-row": lambda s: (setattr(s.get(Stage, 1), "name", "Renamed"), s.flush()),
    "orm-delete": lambda s: (s.delete(s.get(Email, 1)), s.flush()),
    "core-update-through-session": lambda s: s.execute(update(Persona).values(segment="x")),
    "update-versioned": lambda s: update_versioned(s, Stage, 1, 1, {"name": "Renamed"}),
    "core-insert-on-the-connection": lambda s: s.connection().execute(
        insert(Setting.__table__).values(key="k", value={}, updated_at=None, version=1)
    ),
    "driver-sql-on-the-connection": lambda s: s.connection().exec_driver_sql("DELETE FROM persona"),
    "text-through-session": lambda s: s.execute(text("UPDATE journey SET goal = 'x'")),
    "cte-delete": lambda s: s.execute(
        text(
            "WITH doomed AS (SELECT id FROM persona) DELETE FROM persona WHERE id IN (SELECT id FROM doomed)"
        )
    ),
    "ddl": lambda s: s.connection().exec_driver_sql("CREATE TABLE sneaky (id INTEGER)"),
}


def as_viewer(engine, write: Call) -> None:
    with session_scope(engine) as session:
        act_as(session, VIEWER)
        session.execute(select(Persona)).all()  # the transaction is open, as in a page's write
        write(session)


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_the_guard_refuses_every_kind_of_write_by_a_viewer(engine, workspace, name):
    before = snapshot(engine)
    with pytest.raises(PermissionDenied):
        as_viewer(engine, GUARDED[name])
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "name", sorted(set(GUARDED) - {"ddl", "orm-delete", "core-insert-on-the-connection"})
)
def test_the_guard_lets_an_editor_write(engine, workspace, name):
    with session_scope(engine) as session:
        act_as(session, EDITOR)
        GUARDED[name](session)


SEGMENTED = (
    "date,stage,email,variant,segment,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue\n"
    "2026-11-09,Awareness,Welcome 1,,Trial users,400,396,120,20,4,2,4,1,12.5\n"
)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda: FIXTURES / "generic.csv", id="streamed-from-a-file"),
        pytest.param(lambda: io.BytesIO(SEGMENTED.encode()), id="in-memory-with-segments"),
    ],
)
def test_the_guard_alone_stops_a_viewers_import_on_the_raw_connection(engine, workspace, monkeypatch, source):
    """Without the importer's own role check, its executemany / COPY writes on session.connection()
    are still refused by the guard."""
    monkeypatch.setattr(importer, "require", lambda session, role: None)
    before = snapshot(engine)
    with pytest.raises(PermissionDenied):
        as_viewer(engine, lambda s: importer.import_metrics(s, workspace.journey_id, source()))
    assert snapshot(engine) == before
    with session_scope(engine) as session:  # the same import by an editor writes
        act_as(session, EDITOR)
        assert importer.import_metrics(session, workspace.journey_id, source()).written


def test_a_connection_back_in_the_pool_forgets_the_viewer(engine, workspace):
    with pytest.raises(PermissionDenied):
        as_viewer(engine, lambda s: s.connection().exec_driver_sql("DELETE FROM weekly_note"))
    with engine.begin() as connection:  # the same pooled connection, no session: not the viewer's
        connection.exec_driver_sql("DELETE FROM weekly_note")
    with session_scope(engine) as session:  # a new session, no actor: the app running open
        session.connection().exec_driver_sql("DELETE FROM weekly_note")


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM persona", False),
        ("  select 1", False),
        ("WITH a AS (SELECT 1) SELECT * FROM a", False),
        ("SELECT updated_at FROM persona", False),
        ("PRAGMA foreign_keys", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("insert into persona (name) values ('x')", True),
        ("  UPDATE persona SET name = 'x'", True),
        ("/* a comment */ DELETE FROM persona", True),
        ("-- a comment\nDELETE FROM persona", True),
        ("WITH a AS (SELECT 1) DELETE FROM persona", True),
        ("COPY persona FROM STDIN", True),
        ("CREATE TEMPORARY TABLE x (a int)", True),
        ("DROP TABLE persona", True),
    ],
)
def test_writes_tells_writing_sql_from_reads(sql, expected):
    assert writes(sql) is expected
