"""Backup and restore of the whole workspace (journey.plan.backup): a restore reproduces every export, on
SQLite and PostgreSQL in every direction; a non-empty database, a newer schema and a broken file are
refused and leave the database as it was; the backup reads one committed state while a writer commits."""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from conftest import PG_URL, pg_schema
from metrics_import_support import make_onboarding
from support import in_db, make_journey, make_persona

from db.engine import make_engine
from db.migrate import revisions, upgrade
from db.models import Journey, MetricSegmentDaily, Persona
from db.rollups import read_version
from journey.core.access import Actor, Role
from journey.core.errors import InvalidBackup, PermissionDenied, SignInRefused
from journey.measure import review
from journey.measure.imports.importer import import_metrics
from journey.measure.time_zone import workspace_today
from journey.measure.weeks import iso_week_label
from journey.plan import backup, demo, journeys, map_export, maps, transfer, users
from journey.write.snippets import create_snippet

SEGMENTS = "\n".join(
    [
        "date,stage,email,variant,segment,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue",
        "2026-11-09,Awareness,Welcome 1,,Trial users,400,396,120,20,4,2,4,1,12.5",
        "2026-11-10,Consideration,Case study,A,Lapsed,500,495,150,25,5,1,5,0,0",
    ]
)
PASSWORD = "correct horse battery"
FOOTER = "<mj-section><mj-column><mj-text>{{ brand.address }}</mj-text></mj-column></mj-section>"


@contextmanager
def database(kind: str, sqlite_template, tmp_path) -> Iterator[str]:
    """A fresh, migrated database of `kind` (its URL): a copy of the migrated SQLite file, or a new
    PostgreSQL schema migrated here."""
    if kind == "sqlite":
        path = tmp_path / f"db-{len(list(tmp_path.iterdir()))}.db"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    with pg_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def seed_workspace(url: str) -> None:
    """Every kind of row: the demo (brand, personas, journey, A/B variants, 12 weeks of metrics), a future
    state of it, a snippet, per-segment metrics, a weekly note, alert thresholds, two accounts."""
    with in_db(url) as session:
        users.add_user(session, "owner@example.com", "owner", PASSWORD, name="Olive")
        users.add_user(session, "viewer@example.com", "viewer")  # signs in through the identity provider
        demo_id = demo.load_demo(session)
        journeys.duplicate_journey(session, demo_id, name="Future coffee", as_future_state=True)
        create_snippet(session, name="footer", mjml=FOOTER)
        make_persona(session, "Maya", segment="Trial users", merge_data={"first_name": "Maya"})
        review.save_thresholds(session, {"unsubscribe_rate_max": 0.004}, 0)
    with in_db(url) as session:
        onboarding = make_onboarding(session)
        result = import_metrics(session, onboarding, io.BytesIO(SEGMENTS.encode()))
        assert result.ok, result.rejected
        review.save_note(session, onboarding, "2026-W46", "Keep the *trial* subject.", 0)


def exports(url: str, today: date) -> dict[str, str]:
    """Every export of every journey: the journey JSON, the map's CSV and printable page, the weekly
    review's Markdown and HTML (the last complete week as of `today`, and 2026-W46)."""
    found = {}
    with in_db(url) as session:
        for summary in journeys.list_journeys(session):
            jid = summary.id
            exported = transfer.export_journey(session, jid)
            del exported["exported_at"]  # the time of the export, not of the data
            found[f"{summary.name}.json"] = json.dumps(exported, sort_keys=True)
            journey_map = maps.map_view(session, jid, today=today).map
            found[f"{summary.name}.csv"] = map_export.map_csv(journey_map)
            found[f"{summary.name}.html"] = map_export.printable_html(journey_map)
            for week in (None, "2026-W46"):
                weekly = review.weekly_review(session, jid, week, today=today)
                notes = review.load_note(session, jid, iso_week_label(weekly.period.start)).text
                found[f"{summary.name} {week}.md"] = review.review_markdown(weekly, notes)
                found[f"{summary.name} {week}.review.html"] = review.review_html(weekly, notes)
    return found


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return backup.row_counts(connection)
    finally:
        engine.dispose()


def backup_of(url: str) -> bytes:
    engine = make_engine(url)
    try:
        return backup.backup_bytes(engine)
    finally:
        engine.dispose()


def restore(url: str, data: bytes, *, force: bool = False) -> backup.BackupSummary:
    engine = make_engine(url)
    try:
        return backup.restore_backup(engine, io.BytesIO(data), force=force)
    finally:
        engine.dispose()


def lines(data: bytes) -> list:
    return [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]


def packed(values: list) -> bytes:
    return gzip.compress("".join(json.dumps(v) + "\n" for v in values).encode())


@pytest.mark.parametrize(
    ("source", "target"),
    [
        pytest.param("sqlite", "sqlite", id="sqlite-to-sqlite"),
        pytest.param("sqlite", "postgresql", id="sqlite-to-postgresql"),
        pytest.param("postgresql", "sqlite", id="postgresql-to-sqlite"),
    ],
)
def test_a_restore_into_an_empty_database_reproduces_every_export_byte_for_byte(
    source, target, sqlite_template, tmp_path
):
    with database(source, sqlite_template, tmp_path) as source_url:
        seed_workspace(source_url)
        with in_db(source_url) as session:
            today = workspace_today(session)
        before, counts = exports(source_url, today), table_counts(source_url)
        data = backup_of(source_url)
    with database(target, sqlite_template, tmp_path) as target_url:
        summary = restore(target_url, data)
        assert summary.tables == counts
        assert table_counts(target_url) == counts
        after = exports(target_url, today)
    assert all(counts.values()), counts  # every table had rows to carry
    assert len(before) == 3 * 7  # three journeys, seven exports each
    assert after == before


def test_a_restore_keeps_the_bin_and_every_emails_history(db_url, tmp_path, sqlite_template):
    from journey.plan import bin as journey_bin
    from journey.write import history

    with database("sqlite", sqlite_template, tmp_path) as source_url:
        with in_db(source_url) as session:
            made = make_journey(
                session, "Binned", stages={"Awareness": [{"name": "Welcome", "subject": "One"}]}
            )
            email_id = made.emails["Welcome"].id
            journeys.update_email(session, email_id, 1, subject="Two")
            versions = history.list_versions(session, email_id)
            journeys.delete_journey(session, made.id)
            binned = journey_bin.list_bin(session)
        data = backup_of(source_url)
    restore(db_url, data)
    with in_db(db_url) as session:
        assert journey_bin.list_bin(session) == binned
        assert journeys.list_journeys(session) == []
        journey_bin.restore_journey(session, made.id)
        assert history.list_versions(session, email_id) == versions
        assert journeys.get_email(session, email_id).subject == "Two"


def test_the_manifest_names_the_schema_the_app_and_every_table(db_url):
    seed_workspace(db_url)
    manifest, first_section = lines(backup_of(db_url))[:2]
    assert manifest["format"] == "email-journey-backup/1"
    assert manifest["schema_revision"] == revisions()[-1]
    assert manifest["app_version"] == backup.app_version() != "unknown"
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["tables"] == table_counts(db_url)
    assert set(manifest["tables"]) >= {"persona", "journey", "stage", "email", "email_variant", "snippet"}
    assert set(manifest["tables"]) >= {"metric_daily", "metric_segment_daily", "weekly_note", "setting"}
    assert first_section["table"] == backup.tables()[0].name


def test_a_create_after_a_restore_gets_a_new_id(db_url, tmp_path, sqlite_template):
    with database("sqlite", sqlite_template, tmp_path) as source_url:
        seed_workspace(source_url)
        data = backup_of(source_url)
    restore(db_url, data)
    with in_db(db_url) as session:
        highest = session.execute(sa.select(sa.func.max(Journey.id))).scalar_one()
        made = make_journey(session, "After the restore", stages={"Awareness": ["Hello"]})
        persona = make_persona(session, "New after restore")
    assert made.journey.id == highest + 1
    assert persona.id > 0


def test_a_database_that_is_not_empty_is_refused_and_kept_unless_forced(db_url, tmp_path, sqlite_template):
    with database("sqlite", sqlite_template, tmp_path) as source_url:
        seed_workspace(source_url)
        counts = table_counts(source_url)
        data = backup_of(source_url)
    with in_db(db_url) as session:
        make_journey(session, "Ours", stages={"Awareness": ["Hello"]})
    kept = table_counts(db_url)
    with pytest.raises(InvalidBackup, match=r"The database is not empty \(rows: journey 1, .*--force"):
        restore(db_url, data)
    assert table_counts(db_url) == kept
    restore(db_url, data, force=True)
    assert table_counts(db_url) == counts
    with in_db(db_url) as session:
        assert "Ours" not in {s.name for s in journeys.list_journeys(session)}


def test_a_forced_restore_of_a_broken_file_leaves_the_database_as_it_was(db_url):
    seed_workspace(db_url)
    kept = table_counts(db_url)
    data = lines(backup_of(db_url))
    truncated = packed(data[: len(data) // 2])  # the file ends inside the metrics
    with pytest.raises(InvalidBackup, match="The backup ends early"):
        restore(db_url, truncated, force=True)
    assert table_counts(db_url) == kept
    cut = backup_of(db_url)[:-200]  # a gzip stream cut short
    with pytest.raises(InvalidBackup, match="not a readable backup"):
        restore(db_url, cut, force=True)
    assert table_counts(db_url) == kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"not gzip at all", "not a readable backup", id="not-gzip"),
        pytest.param(
            gzip.compress(b'{"format": "email-journey/1"}\n'), "not a workspace backup", id="journey-json"
        ),
        pytest.param(gzip.compress(b"[1, 2\n"), "Line 1 of the backup is not JSON", id="not-json"),
    ],
)
def test_a_file_that_is_not_a_backup_is_refused_with_what_is_wrong(db_url, data, message):
    with pytest.raises(InvalidBackup, match=message):
        restore(db_url, data)
    assert not any(table_counts(db_url).values())


@pytest.mark.parametrize(
    ("section", "message"),
    [
        pytest.param(
            {"table": "sqlite_master", "columns": ["name"], "rows": 0},
            "a table this schema does not have: 'sqlite_master'",
            id="unknown-table",
        ),
        pytest.param(
            {"table": "persona", "columns": ["id", "name; DROP TABLE persona"], "rows": 0},
            "persona has columns this schema lacks: ['name; DROP TABLE persona']",
            id="unknown-column",
        ),
    ],
)
def test_a_backup_naming_what_the_schema_lacks_is_refused_and_writes_nothing(db_url, section, message):
    data = lines(backup_of(db_url))  # an empty workspace: a manifest and a header per table
    data[1] = section
    with pytest.raises(InvalidBackup, match=re.escape(message)):
        restore(db_url, packed(data))
    assert not any(table_counts(db_url).values())


def test_a_row_the_database_refuses_is_named_and_nothing_is_written(db_url):
    seed_workspace(db_url)
    data = lines(backup_of(db_url))
    header = next(i for i, v in enumerate(data) if isinstance(v, dict) and v.get("table") == "email")
    columns = data[header]["columns"]
    data[header + 2][columns.index("name")] = None  # an email without its (required) name
    data[header + 3][columns.index("name")] = "nul \u0000 byte"  # PostgreSQL cannot store it; SQLite can
    kept = table_counts(db_url)
    with pytest.raises(InvalidBackup, match="The backup's rows of email cannot be restored: .*"):
        restore(db_url, packed(data), force=True)
    assert table_counts(db_url) == kept


def test_a_backup_from_a_newer_schema_is_refused(db_url):
    seed_workspace(db_url)
    data = lines(backup_of(db_url))
    data[0]["schema_revision"] = "9999"
    with in_db(db_url) as session:
        demo.start_blank(session)
    kept = table_counts(db_url)
    with pytest.raises(InvalidBackup, match="revision '9999'.*made by a newer version. Upgrade the app"):
        restore(db_url, packed(data), force=True)
    assert table_counts(db_url) == kept


def test_a_backup_from_an_older_schema_is_restored_then_migrated(db_url, tmp_path, sqlite_template):
    with database("sqlite", sqlite_template, tmp_path) as source_url:
        seed_workspace(source_url)
        with in_db(source_url) as session:
            session.execute(sa.delete(MetricSegmentDaily))  # schema 0004 had no per-segment metrics
            today = workspace_today(session)
        before, counts = exports(source_url, today), table_counts(source_url)
        data = lines(backup_of(source_url))
    # The file as schema 0004 wrote it: without the tables later migrations added (per-segment metrics,
    # the weekly rollup…), neither listed nor a section.
    old_schema = make_engine(f"sqlite:///{tmp_path / 'at-0004.db'}")
    upgrade(old_schema, "0004")
    inspector = sa.inspect(old_schema)
    tables_then = {
        name: [c["name"] for c in inspector.get_columns(name)] for name in inspector.get_table_names()
    }
    old_schema.dispose()
    old, position = [{**data[0], "schema_revision": "0004", "tables": {}}], 1
    while position < len(data):
        header = data[position]
        section = data[position : position + 1 + header["rows"]]
        if header["table"] in tables_then:  # and only the columns it had then (not 0009's updated_by)
            kept = [i for i, name in enumerate(header["columns"]) if name in tables_then[header["table"]]]
            old.append({**header, "columns": [header["columns"][i] for i in kept]})
            old += [[row[i] for i in kept] for row in section[1:]]
            old[0]["tables"][header["table"]] = header["rows"]
        position += len(section)
    assert set(data[0]["tables"]) - set(old[0]["tables"]) >= {"metric_segment_daily"}
    summary = restore(db_url, packed(old))
    assert summary.revision == revisions()[-1]
    assert table_counts(db_url) == {**counts, "activity": 0, "user_account": 0}  # 0004 had neither
    assert exports(db_url, today) == before


def test_the_backup_reads_one_committed_state_while_a_writer_commits(db_url, monkeypatch):
    """A writer adds a persona and a journey in each transaction; the backup is taken while it commits,
    and waits, after its snapshot, until the writer has committed five more: the file still holds as
    many personas as journeys (one committed state), fewer than the database has by the end."""
    engine = make_engine(db_url)
    stop, committed = threading.Event(), threading.Semaphore(0)
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            number = 0
            while not stop.is_set():
                number += 1
                with in_db(db_url) as session:
                    session.add(Persona(name=f"Writer {number}"))
                    session.add(Journey(name=f"Writer {number}"))
                committed.release()
        except BaseException as exc:  # noqa: BLE001  (reported by the test below)
            errors.append(exc)
            committed.release()

    real_write_table = backup._write_table

    def write_table_after_more_commits(connection, table, *args, **kwargs):
        if table is backup.tables()[0]:
            for _ in range(5):
                assert committed.acquire(timeout=60), "the writer stopped committing"
        return real_write_table(connection, table, *args, **kwargs)

    monkeypatch.setattr(backup, "_write_table", write_table_after_more_commits)
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert committed.acquire(timeout=60)  # the writer is under way before the backup starts
        data = backup.backup_bytes(engine)
    finally:
        stop.set()
        thread.join(timeout=60)
        engine.dispose()
    assert not errors, errors
    manifest = lines(data)[0]
    rows = {v["table"]: v["rows"] for v in lines(data)[1:] if isinstance(v, dict)}
    assert (
        manifest["tables"]["persona"] == manifest["tables"]["journey"] == rows["persona"] == rows["journey"]
    )
    assert manifest["tables"]["journey"] >= 1
    assert table_counts(db_url)["journey"] >= manifest["tables"]["journey"] + 5


def test_accounts_are_backed_up_without_password_hashes_unless_asked(cli, db_url, tmp_path):
    with in_db(db_url) as session:
        users.add_user(session, "owner@example.com", "owner", PASSWORD, name="Olive")
        users.add_user(session, "viewer@example.com", "viewer")
    plain, hashed = tmp_path / "plain.jsonl.gz", tmp_path / "hashed.jsonl.gz"
    cli("backup", str(plain), db=db_url, check=True)
    cli("backup", str(hashed), "--with-password-hashes", db=db_url, check=True)
    sections = {}
    for path in (plain, hashed):
        found = lines(path.read_bytes())
        assert found[0]["password_hashes"] is (path == hashed)
        start = next(
            i
            for i, line in enumerate(found)
            if isinstance(line, dict) and line.get("table") == "user_account"
        )
        header = found[start]
        sections[path] = [
            dict(zip(header["columns"], row, strict=True)) for row in found[start + 1 : start + 3]
        ]
    assert [row["password_hash"] for row in sections[plain]] == [None, None]
    assert "$argon2" not in gzip.decompress(plain.read_bytes()).decode()
    assert sections[hashed][0]["password_hash"].startswith("$argon2id$")
    assert [row["email"] for row in sections[plain]] == ["owner@example.com", "viewer@example.com"]
    for path, signs_in in ((plain, False), (hashed, True)):
        target = f"sqlite:///{tmp_path / (path.name + '.db')}"
        cli("restore", str(path), db=target, check=True)
        with in_db(target) as session:
            assert users.actor_for(session, "owner@example.com") == Actor(
                "owner@example.com", Role.owner, "Olive"
            )
            if signs_in:
                assert users.authenticate(session, "owner@example.com", PASSWORD).role is Role.owner
            else:
                with pytest.raises(SignInRefused):
                    users.authenticate(session, "owner@example.com", PASSWORD)


@pytest.mark.parametrize("role", [Role.viewer, Role.editor])
def test_backup_and_restore_are_owner_tasks(db_url, role):
    seed_workspace(db_url)
    before = table_counts(db_url)
    engine = make_engine(db_url)
    try:
        data = backup.backup_bytes(engine)
        member = Actor("member@example.com", role)
        with pytest.raises(PermissionDenied, match="needs the owner role"):
            backup.backup_bytes(engine, actor=member)
        with pytest.raises(PermissionDenied, match="needs the owner role"):
            backup.restore_backup(engine, io.BytesIO(data), force=True, actor=member)
    finally:
        engine.dispose()
    assert table_counts(db_url) == before


def test_the_cli_backs_up_and_restores_and_refuses_a_database_that_is_not_empty(cli, db_url, tmp_path):
    seed_workspace(db_url)
    path = tmp_path / "workspace.jsonl.gz"
    result = cli("backup", str(path), db=db_url, check=True)
    assert result.stdout.startswith("Backed up ")
    assert f"to {path}." in result.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".workspace")] == []  # no partial file
    assert path.stat().st_mode & 0o777 == 0o600  # the team's data: readable by its owner only
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    result = cli("restore", str(path), db=target, check=True)
    assert result.stdout.startswith("Restored ")
    assert f"from {path}." in result.stdout
    assert table_counts(target) == table_counts(db_url)
    refused = cli("restore", str(path), db=target)
    assert refused.returncode == 1
    assert refused.stderr.startswith("error: The database is not empty (rows: journey 3, ")
    assert refused.stderr.count("\n") == 1
    cli("restore", str(path), "--force", db=target, check=True)
    assert table_counts(target) == table_counts(db_url)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["restore", "{missing}"], "error: [Errno 2] No such file or directory", id="restore-missing-file"
        ),
        pytest.param(
            ["restore", "{not_backup}"], "error: The file is not a readable backup", id="restore-not-backup"
        ),
        pytest.param(
            ["backup", "{no_folder}"], "error: [Errno 2] No such file or directory", id="backup-no-folder"
        ),
    ],
)
def test_the_cli_says_in_one_line_what_is_wrong_with_the_file(cli, tmp_path, args, message):
    (tmp_path / "notes.txt").write_text("not a backup", encoding="utf-8")
    files = {
        "missing": tmp_path / "missing.jsonl.gz",
        "not_backup": tmp_path / "notes.txt",
        "no_folder": tmp_path / "no" / "such" / "folder.jsonl.gz",
    }
    result = cli(*(arg.format(**files) for arg in args))
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_a_restore_moves_the_data_version_on_so_every_cache_sees_it(db_url, tmp_path, sqlite_template):
    """The data version (the caches' stamp) is the target's own: not in the file, never set back by a
    restore, and moved on by each one, forced or not."""
    with database("sqlite", sqlite_template, tmp_path) as source_url:
        seed_workspace(source_url)
        data = backup_of(source_url)
    assert "data_version" not in lines(data)[0]["tables"]
    engine = make_engine(db_url)
    try:
        versions = []
        for force in (False, True, True):
            with engine.connect() as connection:
                versions.append(read_version(connection)[0])
            backup.restore_backup(engine, io.BytesIO(data), force=force)
        with engine.connect() as connection:
            versions.append(read_version(connection)[0])
    finally:
        engine.dispose()
    assert versions == sorted(set(versions))  # strictly growing
    assert table_counts(db_url)["metric_weekly"] > 0
