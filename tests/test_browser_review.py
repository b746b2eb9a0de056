"""The weekly review in a real browser: the demo's last complete week, its alerts, the coloured stage tables,
charts drawn once asked for, notes saved and in the Markdown download."""

import re
from pathlib import Path

import pytest
from browser_support import wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_weekly_review_draws_its_charts_and_saves_notes(start_app, page):
    # A server of its own, so the deep link is the first request after a start: Streamlit's legacy
    # multipage mode must not answer it (ui.navigation.leave_legacy_multipage_mode).
    app_url = start_app()
    page.goto(f"{app_url}/review")
    wait_for_app(page)
    page.get_by_role("heading", name="Weekly review").wait_for()
    sidebar = page.get_by_test_id("stSidebarNav")
    expect(
        sidebar.get_by_text("Measure", exact=True)
    ).to_be_visible()  # app.py's sections, not raw file names
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_text("Needs attention").wait_for()
    page.get_by_text("Unsubscribe rate").first.wait_for()
    page.get_by_text("B wins").first.wait_for()
    # The stage tables: the good and bad changes painted green and red, the sign kept in the text.
    bad = page.locator(".review-stages td.bad").first
    bad.wait_for()
    assert bad.evaluate("e => getComputedStyle(e).color") == "rgb(166, 27, 27)"
    assert bad.inner_text()[0] in "+-"
    expect(page.locator(".review-stages h3")).to_have_count(5)

    # The charts are drawn once their expander is opened, and stay open for the session.
    expect(page.locator(".vega-embed")).to_have_count(0)
    page.get_by_text("Charts: rates per stage and the funnel").click()
    drawn = page.locator(".vega-embed canvas, .vega-embed svg.marks")
    drawn.nth(1).wait_for(state="visible")
    assert drawn.count() == 2
    for index in range(2):
        drawn.nth(index).scroll_into_view_if_needed()
        box = drawn.nth(index).bounding_box()
        assert box["width"] > 200
        assert box["height"] > 100

    wait_for_app(page)
    sidebar.get_by_text("Metrics", exact=True).click()  # away and back in the same session: still open
    page.get_by_role("heading", name="Metrics").wait_for()
    wait_for_app(page)
    sidebar.get_by_text("Weekly review", exact=True).click()
    page.get_by_role("heading", name="Weekly review").wait_for()
    drawn.nth(1).wait_for(state="visible")
    assert drawn.count() == 2

    notes = page.get_by_label("What did the team decide this week?")
    notes.fill("Cut Retention to one email a week; ship subject B.")
    notes.press("Control+Enter")
    page.get_by_role("button", name="Save notes").click()
    page.get_by_text("Saved version 1.").wait_for()
    wait_for_app(page)  # the save's rerun over: a click during it can be lost with the element it replaces

    with page.expect_download(timeout=60_000) as download:  # built on the click, with the notes as typed
        page.get_by_role("button", name="Markdown").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Cut Retention to one email a week; ship subject B." in exported
    assert "## A/B tests" in exported
    assert " pp (" in exported  # the changes in percentage points

    page.reload()
    wait_for_app(page)
    page.get_by_text("Saved version 1.").wait_for()
    expect(page.get_by_label("What did the team decide this week?")).to_have_value(
        re.compile(r"^Cut Retention"), timeout=15_000
    )
