"""The studio's History tab (AppTest): the versions with who and what changed, a version's diff against
the saved email, and "Restore this version" (a confirm; editors and owners only)."""

from __future__ import annotations

import pytest
from support import in_db, make_journey, run_page

from journey.core.access import Actor, Role, act_as
from journey.plan import journeys
from journey.write import history

SAM = Actor(email="sam@team.example", role=Role.editor, name="Sam")


@pytest.fixture
def saved_twice(app_db):
    """An email created with subject "First", then saved by Sam with "Second" and a new MJML line."""
    with in_db(app_db) as session:
        made = make_journey(
            session,
            stages={
                "Awareness": [
                    {"name": "Welcome", "subject": "First", "mjml": "<mjml>\n<mj-body>\n</mj-body>\n</mjml>"}
                ]
            },
        )
        email_id = made.emails["Welcome"].id
        act_as(session, SAM)
        journeys.update_email(
            session, email_id, 1, subject="Second", mjml="<mjml>\n<mj-body>\nNew\n</mj-body>\n</mjml>"
        )
    return {"url": app_db, "email": email_id}


def _history(at):
    (table,) = [d.value for d in at.dataframe if "What changed" in d.value.columns]
    return table


def _text(elements) -> str:
    return "\n".join(str(e.value) for e in elements)


def test_the_history_lists_each_version_and_shows_a_diff_against_the_saved_email(saved_twice):
    at = run_page("studio", studio_email_id=saved_twice["email"], studio_tab="History")
    table = _history(at)
    assert list(table["Version"]) == [2, 1]
    assert list(table["By"]) == ["Sam", "Local user (no sign-in)"]
    assert list(table["What changed"]) == ["subject, MJML body · the saved email", "created"]
    assert at.selectbox(key=f"studio_history_pick_{saved_twice['email']}").value == 1
    assert "**Subject:** First" in _text(at.markdown)
    diffs = _text(at.code)
    assert "-Second\n+First" in diffs
    assert "-New" in diffs


def test_restore_needs_the_confirm_and_writes_a_new_version(saved_twice):
    email_id = saved_twice["email"]
    at = run_page("studio", studio_email_id=email_id, studio_tab="History")
    assert at.button(key="studio_history_restore").disabled
    at.checkbox(key=f"studio_history_confirm_{email_id}_1").check().run()
    at.button(key="studio_history_restore").click().run()
    assert not at.exception
    assert "Restored version 1 of “Welcome”" in _text(at.success)
    with in_db(saved_twice["url"]) as session:
        email = journeys.get_email(session, email_id)
        assert (email.subject, email.version) == ("First", 3)
        assert [v.version for v in history.list_versions(session, email_id)] == [3, 2, 1]
    table = _history(at)
    assert table["What changed"][0] == "restored version 1 (subject, MJML body) · the saved email"
    at.session_state["studio_tab"] = "Editor"
    at.run()
    assert at.text_input(key="studio_subject").value == "First"  # the editor shows the restored email


def test_a_restore_made_against_a_stale_email_is_refused(saved_twice):
    email_id = saved_twice["email"]
    at = run_page("studio", studio_email_id=email_id, studio_tab="History")
    at.checkbox(key=f"studio_history_confirm_{email_id}_1").check().run()
    with in_db(saved_twice["url"]) as session:  # a teammate saves meanwhile: the page shows version 2
        journeys.update_email(session, email_id, 2, subject="Theirs")
    at.button(key="studio_history_restore").click().run()
    assert "saved this email at" in _text(at.error)  # who saved first and when (journey.plan.activity)
    assert "Nothing was restored." in _text(at.error)
    with in_db(saved_twice["url"]) as session:
        assert journeys.get_email(session, email_id).subject == "Theirs"


def test_a_viewer_sees_the_history_but_no_restore(saved_twice):
    viewer = Actor(email="v@team.example", role=Role.viewer)
    at = run_page(
        "studio", studio_email_id=saved_twice["email"], studio_tab="History", actor=viewer
    )  # as ui.auth's gate sets it
    assert list(_history(at)["Version"]) == [2, 1]
    assert "studio_history_restore" not in [b.key for b in at.button]
    assert "Viewers cannot restore a version." in _text(at.caption)
