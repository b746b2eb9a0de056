"""In a real browser: two editors open the same email in the studio; the first saves; the second's save is
refused saying who saved first and when, and Compare shows both versions side by side (the MJML as a diff).

The two editors are two browser contexts (two cookie jars, two Streamlit sessions) on one app. The app
runs open here (no sign-in set up), so both are the "Local user (no sign-in)".
"""

from __future__ import annotations

import re

import pytest
from browser_support import ARTIFACTS, open_studio, set_mjml, wait_for_app

from journey.plan.demo_content import DEMO_STAGES

pytestmark = pytest.mark.browser

WELCOME = DEMO_STAGES[0].emails[0]
WHO = "Local user (no sign-in)"


def _set_subject(page, subject: str) -> None:
    box = page.get_by_label("Subject", exact=True)
    box.fill(subject)
    box.press("Enter")
    wait_for_app(page)


def test_the_second_editor_sees_who_saved_first_and_can_compare(start_app, browser):
    url = start_app()
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2)]
    first, second = (context.new_page() for context in contexts)
    try:
        for page in (first, second):
            page.set_default_timeout(30_000)
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
    finally:
        for context in contexts:
            context.close()
