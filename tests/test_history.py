"""Each email's version history: every path that creates or saves an email keeps a version; a restore
is a new version through the normal optimistic-locked save; the history is bounded."""

import pytest
from sqlalchemy import func, select
from support import make_journey

from db.models import EmailVersion
from journey.core.access import Actor, Role, act_as
from journey.core.errors import NotFound, StaleEdit
from journey.plan import journeys, transfer
from journey.write import history

ALEX = Actor(email="alex@team.example", role=Role.editor, name="Alex")


def numbers(session, email_id):
    return [v.version for v in history.list_versions(session, email_id)]


def test_creating_and_saving_an_email_keeps_each_state_with_who_and_what_changed(session):
    made = make_journey(session, stages={"Awareness": [{"name": "Welcome", "subject": "Hi"}]})
    email = made.emails["Welcome"]
    act_as(session, ALEX)
    journeys.update_email(session, email.id, 1, subject="Hello there")
    journeys.update_email(session, email.id, 2, mjml="<mjml><mj-body></mj-body></mjml>", cta_label="Go")
    versions = history.list_versions(session, email.id)
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].changed == ("MJML body", "call-to-action label")
    assert versions[1].changed == ("subject",)
    assert versions[2].changed == ("created",)
    assert versions[0].saved_by == "Alex"
    assert versions[2].saved_by == "Local user (no sign-in)"
    assert history.get_version(session, email.id, 1).subject == "Hi"


def test_a_save_that_changes_nothing_keeps_no_new_version(session):
    made = make_journey(session, stages={"Awareness": ["Welcome"]})
    journeys.update_email(session, made.emails["Welcome"].id, 1)
    assert numbers(session, made.emails["Welcome"].id) == [1]


def test_restoring_writes_the_old_content_as_a_new_version_and_rewrites_no_history(session):
    made = make_journey(session, stages={"Awareness": [{"name": "Welcome", "subject": "First"}]})
    email_id = made.emails["Welcome"].id
    journeys.update_email(session, email_id, 1, subject="Second", preheader="Later")
    restored = history.restore_version(session, email_id, 1, expected_version=2)
    assert (restored.subject, restored.preheader, restored.version) == ("First", "", 3)
    versions = history.list_versions(session, email_id)
    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].restored_from == 1
    assert set(versions[0].changed) == {"subject", "preheader"}
    assert history.get_version(session, email_id, 2).subject == "Second"  # still there


def test_a_restore_against_a_stale_version_is_refused_and_writes_nothing(session):
    made = make_journey(session, stages={"Awareness": [{"name": "Welcome", "subject": "First"}]})
    email_id = made.emails["Welcome"].id
    journeys.update_email(session, email_id, 1, subject="A teammate's")
    with pytest.raises(StaleEdit):
        history.restore_version(session, email_id, 1, expected_version=1)
    assert journeys.get_email(session, email_id).subject == "A teammate's"
    assert numbers(session, email_id) == [2, 1]


def test_an_unknown_version_is_not_found(session):
    made = make_journey(session, stages={"Awareness": ["Welcome"]})
    with pytest.raises(NotFound, match="Version 9"):
        history.get_version(session, made.emails["Welcome"].id, 9)


def test_every_path_that_creates_an_email_keeps_its_first_version(session):
    starter = journeys.create_journey(session, name="From the starter")
    copy = journeys.duplicate_journey(session, starter.id, name="The copy")
    imported = transfer.import_journey(session, transfer.export_journey(session, starter.id), name="Imported")
    for journey_id in (starter.id, copy.id, imported):
        emails = journeys.load_tree(session, journey_id).emails
        assert len(emails) == 19
        for email in emails:
            assert numbers(session, email.id) == [1]
            assert history.get_version(session, email.id, 1).mjml == email.mjml


def test_the_gallery_import_keeps_a_first_version(session):
    from journey.write import gallery

    made = make_journey(session, stages=["Awareness"])
    mjml = b"<mjml><mj-head><mj-title>Hello</mj-title></mj-head><mj-body></mj-body></mjml>"
    gallery.import_upload(session, made.stages["Awareness"].id, "hello.mjml", mjml)
    (email,) = journeys.load_tree(session, made.id).emails
    assert numbers(session, email.id) == [1]
    assert history.get_version(session, email.id, 1).subject == "Hello"


def test_the_history_keeps_the_last_keep_versions_of_each_email(session, monkeypatch):
    assert history.KEEP_VERSIONS == 200  # the README's figure; 5 here to keep the test short
    monkeypatch.setattr(history, "KEEP_VERSIONS", 5)
    made = make_journey(session, stages={"Awareness": ["Welcome"]})
    email_id = made.emails["Welcome"].id
    for version in range(1, 9):
        journeys.update_email(session, email_id, version, subject=f"Subject {version}")
    assert numbers(session, email_id) == [9, 8, 7, 6, 5]
    assert history.list_versions(session, email_id)[-1].changed == ("subject",)  # against version 4, dropped
    assert history.version_count(session, email_id) == 5


def test_deleting_an_email_deletes_its_history(session):
    made = make_journey(session, stages={"Awareness": ["Welcome"]})
    journeys.delete_email(session, made.emails["Welcome"].id)
    assert session.execute(select(func.count(EmailVersion.id))).scalar_one() == 0


def test_a_viewer_cannot_restore(session):
    from journey.core.errors import PermissionDenied

    made = make_journey(session, stages={"Awareness": [{"name": "Welcome", "subject": "First"}]})
    email_id = made.emails["Welcome"].id
    journeys.update_email(session, email_id, 1, subject="Second")
    act_as(session, Actor(email="v@team.example", role=Role.viewer))
    with pytest.raises(PermissionDenied):
        history.restore_version(session, email_id, 1, expected_version=2)
