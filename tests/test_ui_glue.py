"""The UI glue's own rules: the end of Streamlit's legacy multipage mode, and where SMTP settings come from."""

import ast
from pathlib import Path

import pytest
import streamlit
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.secrets import Secrets
from streamlit.testing.v1 import AppTest
from support import in_db

from journey.plan.personas import list_personas
from ui.navigation import PAGES, leave_legacy_multipage_mode
from ui.send import NOT_CONFIGURED, smtp_settings

ROOT = Path(__file__).resolve().parent.parent
SMTP_ENV = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_STARTTLS")


# --- the legacy multipage mode ----------------------------------------------------


def _count_runs_in_legacy_mode() -> None:
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    from ui.navigation import leave_legacy_multipage_mode

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if st.session_state["runs"] == 1:  # as when a deep link is the first request after a start
        PagesManager.uses_pages_directory = True
    leave_legacy_multipage_mode()
    st.markdown(f"run {st.session_state['runs']}, legacy mode {PagesManager.uses_pages_directory}")


def test_a_run_in_legacy_mode_ends_it_and_reruns_the_same_script(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    at = AppTest.from_function(_count_runs_in_legacy_mode).run()
    assert not at.exception
    assert at.markdown[0].value == "run 2, legacy mode False"


def test_outside_a_script_run_the_legacy_flag_is_left_alone(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", True)
    monkeypatch.setattr(streamlit, "rerun", lambda: pytest.fail("reran outside a script run"))
    leave_legacy_multipage_mode()
    assert PagesManager.uses_pages_directory is True


def test_out_of_legacy_mode_nothing_reruns(monkeypatch):
    monkeypatch.setattr(PagesManager, "uses_pages_directory", False)
    monkeypatch.setattr("streamlit.runtime.scriptrunner.get_script_run_ctx", lambda: object())
    monkeypatch.setattr(streamlit, "rerun", lambda: pytest.fail("reran out of legacy mode"))
    leave_legacy_multipage_mode()


@pytest.mark.parametrize("page", [p.key for p in PAGES])
def test_every_page_imports_the_ui_package_so_a_deep_link_leaves_legacy_mode(page):
    tree = ast.parse((ROOT / "pages" / f"{page}.py").read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert any(m and m.startswith("ui.") for m in modules)


# --- SMTP settings ------------------------------------------------------------------


@pytest.fixture
def secrets_file(tmp_path, monkeypatch):
    """Point st.secrets at tmp_path/secrets.toml (not written yet), with no SMTP_* variables set."""
    for name in SMTP_ENV:
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "secrets.toml"
    saved = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    monkeypatch.setattr(streamlit, "secrets", Secrets())
    yield path
    config.set_option("secrets.files", saved)


def test_without_a_secrets_file_the_environment_is_used_quietly(secrets_file, monkeypatch):
    monkeypatch.setenv("SMTP_HOST", "smtp.env.example")
    monkeypatch.setenv("SMTP_FROM", "studio@env.example")
    setup = smtp_settings()
    assert setup.config is not None
    assert setup.config.host == "smtp.env.example"
    assert (setup.problem, setup.broken) == (None, False)


def test_without_a_secrets_file_or_variables_test_sends_are_off_with_how_to_set_them(secrets_file):
    setup = smtp_settings()
    assert (setup.config, setup.problem, setup.broken) == (None, NOT_CONFIGURED, False)


def test_the_secrets_files_smtp_table_wins_over_the_environment(secrets_file, monkeypatch):
    secrets_file.write_text('[smtp]\nhost = "smtp.file.example"\nfrom = "studio@file.example"\n')
    monkeypatch.setenv("SMTP_HOST", "smtp.env.example")
    assert smtp_settings().config.host == "smtp.file.example"


def test_a_secrets_file_that_does_not_parse_is_reported_as_broken_with_where(secrets_file, monkeypatch):
    secrets_file.write_text('[smtp\nhost = "smtp.file.example"\n')
    monkeypatch.setenv("SMTP_HOST", "smtp.env.example")  # not a silent fallback
    setup = smtp_settings()
    assert setup.config is None
    assert setup.broken
    assert "the secrets file is broken" in setup.problem
    assert str(secrets_file) in setup.problem


def _test_send_form() -> None:
    from ui.send import studio_test_send

    studio_test_send({"mjml": "<mjml></mjml>", "subject": "Hi", "preheader": ""}, {})


def test_the_studio_shows_a_broken_secrets_file_as_an_error_and_disables_the_send(secrets_file):
    secrets_file.write_text("smtp = [\n")
    at = AppTest.from_function(_test_send_form).run()
    assert not at.exception
    assert "the secrets file is broken" in at.error[0].value
    assert at.button(key="studio_send").disabled


def test_the_studio_explains_missing_smtp_settings_as_information(secrets_file):
    at = AppTest.from_function(_test_send_form).run()
    assert not at.exception
    assert not at.error
    assert "no SMTP server is configured" in at.info[0].value


# --- run_write: the one way to write and show a refusal ------------------------------


def _writes() -> None:
    import streamlit as st

    from journey.core.errors import InvalidInput
    from ui.writes import run_write

    def refuse(session):
        raise InvalidInput("The name is empty.", field="name")

    st.session_state["refused"] = run_write(refuse, refusal="Nothing was saved. {}")
    st.session_state["written"] = run_write(lambda session: None)
    st.session_state["result"] = run_write(lambda session, a, b=0: a + b, 2, b=3)


def test_run_write_shows_a_refusal_where_it_is_called_and_returns_the_result_or_none(app_db):
    at = AppTest.from_function(_writes).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Nothing was saved. The name is empty."]
    assert at.session_state["refused"] is None
    assert at.session_state["written"] is True
    assert at.session_state["result"] == 5


def _viewer_write() -> None:
    import streamlit as st

    from journey.plan.personas import create_persona
    from ui.writes import run_write

    st.session_state["made"] = run_write(lambda session: create_persona(session, name="Maya").id)


@pytest.mark.parametrize(("role", "refused"), [("viewer", True), ("editor", False)])
def test_a_write_from_the_app_acts_as_the_signed_in_user(app_db, role, refused):
    """ui.db.write_session acts as ui.auth.current_actor(): a viewer's write is refused by the services
    and shown as a message; nothing is written."""
    from journey.core.access import Actor, Role

    at = AppTest.from_function(_viewer_write)
    at.session_state["actor"] = Actor(f"{role}@example.com", Role(role))
    at.run()
    assert not at.exception
    if refused:
        assert at.session_state["made"] is None
        assert [e.value for e in at.error] == [
            "Your role (viewer) cannot do this; it needs the editor role. "
            "Ask an owner of this workspace to change your role."
        ]
    else:
        assert at.session_state["made"] == 1
    with in_db(app_db) as session:
        assert [p.name for p in list_personas(session)] == ([] if refused else ["Maya"])


def _form_write() -> None:
    import streamlit as st

    from journey.core.errors import InvalidInput
    from ui.forms import Fields
    from ui.writes import run_write

    def save(session, name):
        if not name.strip():
            raise InvalidInput("The name is empty.", field="name")
        st.session_state["saved"] = name

    with st.form("t_form"):
        form = Fields("t_")
        form.text("name", "Name")
        form.text("goal", "Goal")
        if st.form_submit_button("Save"):
            run_write(save, form="t_", rerun=True, **form.values(("name",)))


def test_a_form_refusal_shows_beside_its_field_with_the_input_kept_and_a_save_clears_it(app_db):
    at = AppTest.from_function(_form_write).run()
    at.text_input(key="t_name").input("  ")
    at.text_input(key="t_goal").input("Convert more")
    at.button[0].click().run()
    assert not at.exception
    assert [c.value for c in at.caption] == [":red[⚠️ The name is empty.]"]
    assert at.text_input(key="t_goal").value == "Convert more"
    assert "saved" not in at.session_state

    at.text_input(key="t_name").input("Spring")
    at.button[0].click().run()
    assert at.session_state["saved"] == "Spring"
    assert not at.caption
