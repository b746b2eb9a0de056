"""In a real browser: two editors open the same email in the studio; the first saves; the second's save is
refused saying who saved first and when, and Compare shows both versions side by side (the MJML as a diff).

The two editors are two browser contexts (two cookie jars, two Streamlit sessions) on one app with
built-in sign-in, signed in as two accounts (Ana Lima and Ben Okafor, both editors): Ben's refusal names
Ana, and the Activity page then shows her change under her name.
"""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, open_studio, set_mjml, start_streamlit, stop_streamlit, wait_for_app
from support import in_db

from journey.plan import users
from journey.plan.demo_content import DEMO_STAGES

pytestmark = pytest.mark.browser

WELCOME = DEMO_STAGES[0].emails[0]
WHO = "Ana Lima"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    """The app with the demo workspace and two editors' accounts (built-in sign-in)."""
    folder = tmp_path_factory.mktemp("team")
    with in_db(f"sqlite:///{folder / 'journey.db'}") as session:
        users.add_user(session, "ana@team.example", "editor", password=PASSWORD, name="Ana Lima")
        users.add_user(session, "ben@team.example", "editor", password=PASSWORD, name="Ben Okafor")
    url, process = start_streamlit(folder)
    yield url
    stop_streamlit(process)


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Journeys").wait_for()


def _set_subject(page, subject: str) -> None:
    box = page.get_by_label("Subject", exact=True)
    box.fill(subject)
    box.press("Enter")
    wait_for_app(page)


def test_the_second_editor_sees_who_saved_first_and_can_compare(team_app, browser):
    url = team_app
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    try:
        for page, email in ((first, "ana@team.example"), (second, "ben@team.example")):
            page.set_default_timeout(30_000)
            _sign_in(page, url, email)
            open_studio(page, url)

        _set_subject(first, "Ana's subject line, saved first")
        first.get_by_role("button", name="Save draft").click()
        wait_for_app(first)
        first.get_by_text(re.compile("Saved “.*” as draft")).wait_for()

        _set_subject(second, "Ben's subject line, unsaved")
        set_mjml(second, WELCOME.mjml.replace("Thanks for asking", "Ben's edit"))
        second.get_by_role("button", name="Save draft").click()
        wait_for_app(second)
        warning = second.get_by_text(re.compile(f"{re.escape(WHO)} saved this email at \\d\\d:\\d\\d"))
        warning.wait_for()
        assert re.search(
            r"\((just now|1 minute ago)\), after you opened it\. Nothing was overwritten",
            warning.inner_text(),
        )
        assert second.get_by_label("Subject", exact=True).input_value() == "Ben's subject line, unsaved"

        second.get_by_role("button", name="Compare").click()
        wait_for_app(second)
        table = second.locator("[data-testid='stTable']")
        table.wait_for()
        text = table.inner_text()
        assert "Ben's subject line, unsaved" in text  # yours
        assert "Ana's subject line, saved first" in text  # theirs
        subject_row = table.locator("tr").filter(has_text="Subject")
        assert "≠" in subject_row.inner_text()  # a difference, marked
        diff = second.locator("[data-testid='stCode']").filter(has_text="Ben's edit")
        lines = diff.inner_text().splitlines()
        assert any(line.startswith("-") and "Thanks for asking" in line for line in lines)  # theirs
        assert any(line.startswith("+") and "Ben's edit" in line for line in lines)  # yours
        ARTIFACTS.mkdir(exist_ok=True)
        panel = second.locator("[class*='st-key-stale_studio_'][class*='_panel']")
        panel.scroll_into_view_if_needed()
        second.screenshot(path=str(ARTIFACTS / "stale-save-compare-1280.png"))
        second.set_viewport_size({"width": 390, "height": 844})
        second.wait_for_timeout(500)
        panel.scroll_into_view_if_needed()
        second.screenshot(path=str(ARTIFACTS / "stale-save-compare-390.png"))
        second.set_viewport_size({"width": 1280, "height": 800})
        wait_for_app(second)

        second.get_by_role("button", name="Reload their version").click()
        wait_for_app(second)
        second.get_by_text("saved this email at").wait_for(state="detached")
        subject = second.get_by_label("Subject", exact=True)
        second.wait_for_function(
            "s => document.querySelector('input[aria-label=\"Subject\"]').value === s",
            arg="Ana's subject line, saved first",
        )
        assert subject.input_value() == "Ana's subject line, saved first"

        # The Activity page names who changed what: Ana's save; Ben's refused one left no row.
        second.get_by_role("link", name="Activity").click()
        wait_for_app(second)
        second.get_by_role("heading", name="Activity").wait_for()
        second.get_by_label("Who").click()
        assert second.get_by_role("option", name="Ana Lima").count() == 1
        assert second.get_by_role("option", name="Ben Okafor").count() == 0  # Ben changed nothing
        second.get_by_role("option", name="Ana Lima").click()
        wait_for_app(second)
        assert second.get_by_text("Showing 1–1 of 1").count() == 1
        second.get_by_role("heading", name="Activity").scroll_into_view_if_needed()
        second.screenshot(path=str(ARTIFACTS / "activity-signed-in-1280.png"))
    finally:
        for context in contexts:
            context.close()
