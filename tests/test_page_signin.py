"""The sign-in gate (ui/auth.py) and what a viewer sees, through AppTest.

The gate runs in app.py before the navigation, so its tests run app.py (its default page, Journeys).
The per-page tests run each page as a signed-in viewer (the Actor the gate leaves in session state)
and as an editor, so a missing button means the role hid it, not that the page lacks it.
"""

from __future__ import annotations

import pytest
import streamlit as st
from support import APP_PATH, PAGE_TIMEOUT_S, in_db, open_page, texts

from journey.core import session_cookie
from journey.core.access import Actor, Role
from journey.plan import demo, users
from journey.plan.users import WRONG
from ui.auth import OPEN_NOTE, VIEW_ONLY

PASSWORD = "correct horse battery staple"
VIEWER = Actor(email="vera@shop.example", role=Role.viewer)
EDITOR = Actor(email="ed@shop.example", role=Role.editor)
OWNER = Actor(email="olga@shop.example", role=Role.owner)


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_data.clear()  # the gate caches roles for a few seconds; each test has its own database
    yield
    st.cache_data.clear()


def forget_roles() -> None:
    from ui import auth

    auth._actor_for.clear()


@pytest.fixture
def through_app_py(monkeypatch):
    """Every run goes through app.py, as on the server once its first run ended Streamlit's legacy
    multipage mode (ui.navigation). AppTest turns that mode on again before each run (a pages/ folder
    exists), and then reruns a page's file by itself, without app.py; its own PagesManager here is a
    subclass, so what it resets is the subclass's flag, not the one the script runner reads."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    # no serve.py routes in AppTest (a test that imported serve.py in this process turned them on)
    monkeypatch.setattr(session_cookie.Mounted, "routes", False)
    monkeypatch.setattr(app_test, "PagesManager", type("AppPyPagesManager", (PagesManager,), {}))


def open_app():
    """The app as a browser opens it: app.py (the gate, then the navigation: Journeys)."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP_PATH, default_timeout=PAGE_TIMEOUT_S).run()


def add_account(url: str, email: str, role: str, password: str | None = PASSWORD) -> None:
    with in_db(url) as session:
        users.add_user(session, email, role, password=password)


def sign_in(at, email: str, password: str):
    at.text_input(key="signin_email").input(email)
    at.text_input(key="signin_password").input(password)
    return at.button(key="FormSubmitter:signin_form-Sign in").click().run()


def labels(at) -> set[str]:
    return {b.label for b in at.button}


def shows_sign_in_screen_only(at) -> bool:
    return [t.value for t in at.title] == ["Email Journey Map"] and not at.dataframe and not at.tabs


def test_without_accounts_the_app_runs_open_and_says_so_in_the_sidebar(app_db, through_app_py):
    at = open_app()
    assert not at.exception
    assert [c.value for c in at.sidebar.caption] == [OPEN_NOTE]
    assert [t.value for t in at.title] == ["Journeys"]
    assert "Create journey" in labels(at)


def test_an_account_without_a_password_does_not_turn_the_built_in_sign_in_on(app_db, through_app_py):
    add_account(app_db, "oidc-only@shop.example", "viewer", password=None)
    at = open_app()
    assert [t.value for t in at.title] == ["Journeys"]


def test_with_a_password_account_nobody_gets_past_the_sign_in_screen(app_db, through_app_py):
    with in_db(app_db) as session:
        demo.load_demo(session)
    add_account(app_db, "ana@shop.example", "editor")
    at = open_app()
    assert not at.exception
    assert shows_sign_in_screen_only(at)
    assert labels(at) == {"Sign in"}
    assert "Office coffee subscription" not in texts(at)  # no page ran, no data was read
    assert not at.sidebar.button


def test_a_wrong_password_is_refused_with_the_services_message_and_nothing_opens(app_db, through_app_py):
    add_account(app_db, "ana@shop.example", "editor")
    at = sign_in(open_app(), "ana@shop.example", "not the password at all")
    assert not at.exception
    assert WRONG in texts(at)
    assert shows_sign_in_screen_only(at)
    at = sign_in(at, "nobody@shop.example", PASSWORD)
    assert WRONG in texts(at)  # an unknown address gets the same message


def test_signing_in_opens_the_app_with_who_and_the_role_in_the_sidebar_and_sign_out_closes_it(
    app_db, through_app_py
):
    add_account(app_db, "ana@shop.example", "editor")
    at = sign_in(open_app(), "Ana@Shop.example", PASSWORD)
    assert not at.exception
    assert [t.value for t in at.title] == ["Journeys"]
    sidebar = " ".join(c.value for c in at.sidebar.caption).replace("\u2060", "")
    assert "ana@shop.example" in sidebar
    assert "editor" in sidebar
    assert at.session_state["actor"] == Actor(email="ana@shop.example", role=Role.editor)
    at.sidebar.button(key="auth_sign_out").click().run()
    assert shows_sign_in_screen_only(at)
    at.run()
    assert shows_sign_in_screen_only(at)  # stays signed out


def test_too_many_wrong_passwords_show_the_throttling_message(app_db, through_app_py):
    add_account(app_db, "ana@shop.example", "editor")
    at = open_app()
    for _ in range(users.MAX_FAILURES):
        at = sign_in(at, "ana@shop.example", "wrong password, again")
        assert WRONG in texts(at)
    at = sign_in(at, "ana@shop.example", PASSWORD)  # locked: even the right one is refused
    assert "Too many wrong passwords" in texts(at)
    assert shows_sign_in_screen_only(at)


def test_a_role_change_and_a_removal_take_effect_on_the_next_run(app_db, through_app_py):
    add_account(app_db, "owner@shop.example", "owner")
    add_account(app_db, "ana@shop.example", "editor")
    at = sign_in(open_app(), "ana@shop.example", PASSWORD)
    assert "Create journey" in labels(at)
    with in_db(app_db) as session:
        users.set_role(session, "ana@shop.example", "viewer")
    forget_roles()  # what ROLE_TTL_S seconds do
    at.run()
    assert "Create journey" not in labels(at)
    assert VIEW_ONLY in texts(at)
    with in_db(app_db) as session:
        users.remove_user(session, "ana@shop.example")
    forget_roles()
    at.run()
    assert shows_sign_in_screen_only(at)


# --- viewers see no edit controls, page by page ---------------------------------------------------

EDIT_CONTROLS = {
    "journeys": {"Create journey", "Duplicate", "Delete journey", "Start blank"},
    "editor": {"Save journey", "Add stage", "Add email", "Save stage", "Delete stage"},
    "personas": {"Create persona"},
    "journey_map": {"Duplicate as future state"},
    "review": {"Save notes", "Save thresholds"},
    "snippets": {"Save snippet"},
    "settings": {"Save brand", "Save time zone"},
}
UPLOADERS = {"journeys", "journey_map", "import_metrics", "editor"}


@pytest.fixture
def demo_workspace(app_db):
    with in_db(app_db) as session:
        journey_id = demo.load_demo(session)
    return journey_id


def _open_as(page: str, actor: Actor, journey_id: int):
    state = {"actor": actor}
    if page == "editor":  # every stage open, so its forms are drawn
        state |= {f"editor_open_s{i}": True for i in range(1, 8)}
    at = open_page(page, query={"journey": str(journey_id)}, **state)
    assert not at.exception
    return at


@pytest.mark.parametrize("page", sorted(EDIT_CONTROLS.keys() | UPLOADERS))
def test_a_viewer_sees_no_edit_control_where_an_editor_does(demo_workspace, page):
    editor = _open_as(page, EDITOR, demo_workspace)
    viewer = _open_as(page, VIEWER, demo_workspace)
    expected = EDIT_CONTROLS.get(page, set())
    assert expected <= labels(editor) | {""}, labels(editor)  # the controls exist for an editor
    assert not expected & labels(viewer)
    if page in UPLOADERS:
        assert editor.get("file_uploader")
        assert not viewer.get("file_uploader")
    assert VIEW_ONLY in texts(viewer)
    assert VIEW_ONLY not in texts(editor)


def test_a_viewer_sees_no_save_send_or_variant_control_in_the_studio(demo_workspace):
    editor = _open_as("studio", EDITOR, demo_workspace)
    viewer = _open_as("studio", VIEWER, demo_workspace)
    for key in ("studio_save_draft", "studio_mark_ready", "studio_send"):
        assert editor.button(key=key)
        with pytest.raises(KeyError):
            viewer.button(key=key)
    assert "Add variant" in labels(editor)
    assert "Add variant" not in labels(viewer)
    assert editor.get("file_uploader")
    assert not viewer.get("file_uploader")
    assert VIEW_ONLY in texts(viewer)


def test_the_backup_download_is_for_owners_only(demo_workspace):
    def downloads(actor):
        return [d.proto.label for d in _open_as("settings", actor, demo_workspace).get("download_button")]

    assert "Download a backup" in downloads(OWNER)
    assert "Download a backup" not in downloads(EDITOR)
    assert "Download a backup" not in downloads(VIEWER)


# --- a forced write is refused --------------------------------------------------------------------


def _a_viewers_forced_save() -> None:
    """What a viewer's browser could only do by going around the hidden buttons: the page's own write."""
    import streamlit as st

    from journey.core.access import Actor, Role
    from journey.plan import personas
    from ui.writes import run_write

    st.session_state["actor"] = Actor(email="vera@shop.example", role=Role.viewer)
    run_write(personas.create_persona, name="Created by a viewer")


def test_a_viewers_forced_write_through_run_write_is_refused_with_the_permission_message(app_db):
    from streamlit.testing.v1 import AppTest

    from journey.plan import personas

    at = AppTest.from_function(_a_viewers_forced_save, default_timeout=PAGE_TIMEOUT_S).run()
    assert not at.exception
    [error] = at.error
    assert "Your role (viewer) cannot do this" in error.value
    with in_db(app_db) as session:
        assert personas.list_personas(session) == []
