"""In a real browser: a persona survives a reload; the demo opens; a journey downloads as JSON."""

import json
from pathlib import Path

import pytest
from browser_support import wait_for_app

pytestmark = pytest.mark.browser


def test_a_persona_created_in_the_browser_survives_a_reload(app_url, page):
    # On the worker's shared demo app (its personas are not the ones this test makes; the empty state
    # is tests/test_page_personas.py's).
    page.goto(f"{app_url}/personas")
    wait_for_app(page)
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Journey editor").wait_for()  # app.py's navigation, not raw file names
    assert nav.get_by_text("editor", exact=True).count() == 0
    page.get_by_role("heading", name="Personas", exact=True).wait_for()
    page.get_by_label("Name", exact=True).fill("Rosa the retailer")
    page.get_by_label("Segment").fill("Independent shops")
    page.get_by_role("button", name="Create persona").click()
    page.get_by_text("Rosa the retailer").first.wait_for()

    page.reload()
    wait_for_app(page)
    page.get_by_text("Rosa the retailer").first.wait_for()
    page.get_by_text("Independent shops").first.wait_for()


def test_the_app_opens_on_the_demo_journey_which_downloads_as_a_json_file(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("heading", name="Journeys").wait_for()
    # The journeys table is a canvas grid: its cells are in the DOM for screen readers, not painted.
    page.locator("td", has_text="Office coffee subscription").first.wait_for(state="attached")
    page.locator("[data-testid='stDataFrame']").wait_for()

    page.get_by_role("tab", name="Duplicate, export, delete").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as JSON").click()
    path = download.value.path()
    exported = json.loads(Path(path).read_text(encoding="utf-8"))
    assert exported["format"] == "email-journey/1"
    assert exported["journey"]["name"] == "Office coffee subscription"
    assert len(exported["stages"]) == 5
    assert download.value.suggested_filename == "office-coffee-subscription.json"
