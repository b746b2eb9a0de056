"""Settings page: the workspace brand, filled from the saved one, saved against its version, a bad field
refused beside it with what was typed kept; the studio and the walk-through read the saved brand."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from support import click, in_db, open_page, preview_documents, texts

from db.engine import make_engine
from journey.core.access import Actor, Role
from journey.measure import weeks
from journey.measure.time_zone import TimeZone, load_time_zone, save_time_zone
from journey.plan import backup, demo, journeys
from journey.write.brand import load_brand, save_brand


def _fill(at, **values):
    for field, value in values.items():
        widget = at.text_area(key=f"settings_brand_{field}") if field == "address" else None
        if widget is None:
            widget = at.text_input(key=f"settings_brand_{field}")
        widget.input(value)


def test_an_empty_workspace_says_there_is_no_brand_and_shows_the_tags(app_db):
    at = open_page("settings")
    assert not at.exception
    assert "No brand yet" in texts(at)
    table = at.dataframe[0].value
    assert list(table["merge tag"])[:2] == ["{{ brand.name }}", "{{ brand.address }}"]
    assert at.color_picker(key="settings_brand_primary_color").value == "#2f5d8a"


def test_save_a_brand_and_see_it_in_the_preview_and_the_tags(app_db):
    at = open_page("settings")
    _fill(
        at,
        name="Acme & Sons",
        address="1 Main Street\nSpringfield, IL 62701",
        website="https://acme.example/",
        sender_name="Ada",
    )
    at.color_picker(key="settings_brand_primary_color").pick("#aa0000")
    click(at, "Save brand")
    assert not at.exception
    with in_db(app_db) as session:
        saved = load_brand(session)
    assert (saved.name, saved.address, saved.website) == (
        "Acme & Sons",
        "1 Main Street, Springfield, IL 62701",
        "https://acme.example",
    )
    assert saved.primary_color == "#aa0000"
    assert saved.version == 1
    assert "No brand yet" not in texts(at)
    assert at.text_area(key="settings_brand_address").value == "1 Main Street, Springfield, IL 62701"
    html = preview_documents(at)[0]
    assert "Acme &amp; Sons" in html
    assert "1 Main Street, Springfield, IL 62701" in html
    assert "background:#aa0000" in html


def test_a_bad_field_is_refused_beside_it_and_what_was_typed_stays(app_db):
    at = open_page("settings")
    _fill(at, name="Acme", website="acme.example")
    click(at, "Save brand")
    assert not at.exception
    assert "Website: 'acme.example' is not a web address starting with https:// or http://." in texts(at)
    assert at.text_input(key="settings_brand_website").value == "acme.example"
    assert at.text_input(key="settings_brand_name").value == "Acme"
    with in_db(app_db) as session:
        assert load_brand(session).version == 0


def test_a_teammates_save_in_between_is_refused_and_overwrites_nothing(app_db):
    at = open_page("settings")
    with in_db(app_db) as session:
        save_brand(session, {"name": "Teammate Ltd"}, 0)
    _fill(at, name="Mine")
    click(at, "Save brand")
    assert "A teammate saved the brand" in texts(at)
    with in_db(app_db) as session:
        assert load_brand(session).name == "Teammate Ltd"


def test_the_demo_brand_fills_the_form(app_db):
    with in_db(app_db) as session:
        demo.load_demo(session)
    at = open_page("settings")
    assert at.text_input(key="settings_brand_name").value == "Fernhill Coffee Roasters"
    assert "214 Alder Street" in at.text_area(key="settings_brand_address").value
    assert at.color_picker(key="settings_brand_primary_color").value == "#8a4b2a"


def test_the_studio_preview_reads_the_saved_brand(app_db):
    with in_db(app_db) as session:
        journey_id = demo.load_demo(session)
        save_brand(session, {**load_brand(session).merge_fields(), "name": "Brandnew Roasters"}, 1)
    at = open_page("studio", current_journey_id=journey_id)
    assert not at.exception
    assert any("Brandnew Roasters" in html for html in preview_documents(at))


def test_the_time_zone_is_utc_until_saved_and_today_is_taken_in_the_saved_zone(app_db, monkeypatch):
    # Sunday 29 November 2026, 23:30 UTC: still Sunday in UTC, already Monday in Paris.
    monkeypatch.setattr(weeks, "utc_now", lambda: datetime(2026, 11, 29, 23, 30, tzinfo=UTC))
    at = open_page("settings")
    assert at.text_input(key="settings_time_zone_name").value == "UTC"
    assert (
        "Today in UTC is Sunday 29 November 2026: week 2026-W48 (23–29 Nov, in progress (7 of 7 days))"
        in texts(at)
    )
    at.text_input(key="settings_time_zone_name").input("europe/paris")
    click(at, "Save time zone")
    assert not at.exception
    with in_db(app_db) as session:
        assert load_time_zone(session) == TimeZone("Europe/Paris", 1)
    assert at.text_input(key="settings_time_zone_name").value == "Europe/Paris"
    assert "Today in Europe/Paris is Monday 30 November 2026: week 2026-W49" in texts(at)
    assert "the last one is 23–29 Nov 2026" in texts(at)


def test_a_bad_time_zone_is_refused_beside_it_and_what_was_typed_stays(app_db):
    at = open_page("settings")
    at.text_input(key="settings_time_zone_name").input("Europe/Pariss")
    click(at, "Save time zone")
    assert not at.exception
    assert "Time zone: 'Europe/Pariss' is not an IANA time zone name" in texts(at)
    assert "Did you mean Europe/Paris?" in texts(at)
    assert at.text_input(key="settings_time_zone_name").value == "Europe/Pariss"
    with in_db(app_db) as session:
        assert load_time_zone(session).version == 0


def test_a_teammates_time_zone_saved_in_between_is_not_overwritten(app_db):
    at = open_page("settings")
    with in_db(app_db) as session:
        save_time_zone(session, "Asia/Tokyo", 0)
    at.text_input(key="settings_time_zone_name").input("Europe/Paris")
    click(at, "Save time zone")
    assert "A teammate saved the time zone" in texts(at)
    with in_db(app_db) as session:
        assert load_time_zone(session).name == "Asia/Tokyo"


@pytest.mark.parametrize("role", [Role.viewer, Role.editor])
def test_only_an_owner_gets_the_backup_download(app_db, role):
    at = open_page("settings", actor=Actor("member@example.com", role))
    assert not at.exception
    assert [b for b in at.get("download_button") if b.proto.label == "Download a backup"] == []
    assert "Backups are for the workspace's owners" in texts(at)


def test_download_a_backup_is_built_only_when_clicked_and_restores_the_workspace(
    app_db, monkeypatch, tmp_path
):
    """The button defers the backup to the click (no database read on every rerun); what the click builds
    is a backup of the workspace that restores into an empty database."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    with in_db(app_db) as session:
        demo.load_demo(session)
    deferred = {}
    real_add_deferred = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        deferred[file_name] = (data_callable, mimetype)
        return real_add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    built = []
    monkeypatch.setattr(
        backup,
        "backup_bytes",
        lambda engine, real=backup.backup_bytes, **kw: built.append(1) or real(engine, **kw),
    )
    at = open_page("settings")
    assert not at.exception
    [button] = [b for b in at.get("download_button") if b.proto.label == "Download a backup"]
    assert button.proto.deferred_file_id
    assert "python -m journey restore FILE" in texts(at)
    assert built == []  # nothing read until the click
    [(name, (data_callable, mimetype))] = [
        (n, d) for n, d in deferred.items() if n.startswith("journey-backup-")
    ]
    assert name.endswith(".jsonl.gz")
    assert mimetype == "application/gzip"
    data = data_callable()
    assert built == [1]
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    with in_db(restored):  # a new, migrated database
        pass
    target = make_engine(restored)
    backup.restore_backup(target, io.BytesIO(data))
    target.dispose()
    with in_db(restored) as session:
        assert [s.name for s in journeys.list_journeys(session)] == ["Office coffee subscription"]
        assert load_brand(session).name == "Fernhill Coffee Roasters"
