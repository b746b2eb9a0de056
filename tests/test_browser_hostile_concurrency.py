"""In a real browser, under a long journey import: another session's pages still render (issue 13).

A 5,000-stage journey import runs against the app's SQLite file and keeps its transaction open, so
it holds the write lock for as long as the test looks. The app's pages only read (deferred BEGIN, no
lock in WAL mode), so a fresh session's Journeys and Personas pages render the last committed data;
once the import commits, a reload shows the new journey.
"""

import pytest
from browser_support import wait_for_app
from concurrency_support import LONG_IMPORT, import_holding_the_lock

pytestmark = pytest.mark.browser

CRASH = "This app has encountered an error"


def test_pages_render_in_another_session_under_a_long_journey_import(start_app, browser_context, tmp_path):
    database = tmp_path / "journey.db"
    url = start_app(DATABASE_URL=f"sqlite:///{database}")
    first = browser_context.new_page()
    first.goto(url)
    wait_for_app(first)  # the first session migrates the file and seeds the demo
    first.locator("td", has_text="Office coffee subscription").first.wait_for(state="attached")
    first.close()

    with import_holding_the_lock(database):
        page = browser_context.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        wait_for_app(page)
        page.get_by_role("heading", name="Journeys").wait_for()
        page.locator("td", has_text="Office coffee subscription").first.wait_for(state="attached")
        assert page.locator("td", has_text=LONG_IMPORT).count() == 0  # not committed yet
        page.goto(f"{url}/personas")
        wait_for_app(page)
        page.get_by_role("heading", name="Personas", exact=True).wait_for()
        page.get_by_role("button", name="Create persona").wait_for()
        assert page.get_by_text(CRASH).count() == 0
        assert page.locator("[data-testid='stException']").count() == 0

    page.goto(url)  # the import has committed: the new journey is listed
    wait_for_app(page)
    page.locator("td", has_text=LONG_IMPORT).first.wait_for(state="attached")
    assert page.get_by_text(CRASH).count() == 0
    page.close()
