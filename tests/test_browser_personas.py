"""In a real browser: create a persona through the UI, reload, and it is still there."""

import pytest
from browser_support import wait_for_app

pytestmark = pytest.mark.browser


def test_a_persona_created_in_the_browser_survives_a_reload(start_app, page):
    url = start_app(seed_demo=False)
    page.goto(f"{url}/personas")
    wait_for_app(page)
    page.get_by_text("No personas yet").wait_for()
    # A deep link as the first request still gets app.py's navigation, not raw file names.
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_text("Journey editor").wait_for()
    assert nav.get_by_text("editor", exact=True).count() == 0
    page.get_by_label("Name", exact=True).fill("Rosa the retailer")
    page.get_by_label("Segment").fill("Independent shops")
    page.get_by_role("button", name="Create persona").click()
    page.get_by_text("Rosa the retailer").first.wait_for()

    page.reload()
    wait_for_app(page)
    page.get_by_text("Rosa the retailer").first.wait_for()
    page.get_by_text("Independent shops").first.wait_for()
    assert page.get_by_text("No personas yet").count() == 0


def test_the_app_opens_on_the_demo_journey(app_url, page):
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("heading", name="Journeys").wait_for()
    # The journeys table is a canvas grid: its cells are in the DOM for screen readers, not painted.
    page.locator("td", has_text="Office coffee subscription").first.wait_for(state="attached")
    page.locator("[data-testid='stDataFrame']").wait_for()
