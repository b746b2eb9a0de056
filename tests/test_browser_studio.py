"""In a real browser: the studio's mobile preview shows the persona's name, and an email's script never runs."""

import pytest
from browser_support import wait_for_app

from journey.plan.demo_content import DEMO_STAGES

pytestmark = pytest.mark.browser

WELCOME = DEMO_STAGES[0].emails[0]
HOSTILE = WELCOME.mjml.replace(
    '<mj-text mj-class="heading">',
    "<mj-raw><script>window.parent.document.title = 'pwned'; top.pwned = 1;</script>"
    '<img src="x" onerror="top.document.title = \'pwned by onerror\'; top.pwned = 2" /></mj-raw>'
    '<mj-text mj-class="heading">Hostile test, ',
    1,
)


def _open_studio(page, app_url):
    # Start at the root so app.py (st.navigation) runs, then use the navigation like a user does.
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Email studio").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Email studio").wait_for()


def test_mobile_preview_shows_the_personas_first_name(app_url, page):
    _open_studio(page, app_url)

    frames = page.locator("iframe[src^='data:text/html']")
    frames.nth(1).wait_for()
    mobile = page.frame_locator("iframe[src^='data:text/html']").nth(1)
    mobile.get_by_text("Welcome to Fernhill Coffee Roasters, Olivia").wait_for()
    box = frames.nth(1).bounding_box()
    assert 360 <= box["width"] <= 390  # a phone-sized viewport
    assert frames.nth(0).bounding_box()["width"] >= 600


def test_a_script_inside_the_email_does_not_run_in_the_app(app_url, page):
    _open_studio(page, app_url)
    title = page.title()
    editor = page.get_by_label("MJML", exact=True)
    editor.fill(HOSTILE)
    editor.press("Control+Enter")
    page.get_by_role("button", name="Apply").click()
    wait_for_app(page)

    mobile = page.frame_locator("iframe[src^='data:text/html']").nth(1)
    mobile.get_by_text("Hostile test, Welcome to Fernhill Coffee Roasters, Olivia").wait_for()
    page.wait_for_timeout(1000)  # give any script that slipped through time to run

    assert page.title() == title
    assert "pwned" not in page.title()
    assert page.evaluate("() => window.pwned") is None
    page.get_by_text("Unsaved changes").first.wait_for()
    page.get_by_text("unsafe-script").first.wait_for()
