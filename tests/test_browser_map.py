"""In Chromium: the journey map renders with its emotion chart and lane grid; the walk-through draws its timeline."""

import pytest
from browser_support import wait_for_app

pytestmark = pytest.mark.browser


def open_from_sidebar(page, app_url, title):
    page.goto(app_url)
    wait_for_app(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    wait_for_app(page)


def test_the_map_renders_with_its_chart_lanes_and_email_cards(app_url, page):
    open_from_sidebar(page, app_url, "Journey map")
    page.get_by_role("heading", name="Journey map").wait_for()
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.locator("canvas, svg").first.wait_for()
    assert chart.bounding_box()["height"] > 100
    grid = page.locator(".jm-grid").first
    grid.wait_for()
    for stage in ("Awareness", "Consideration", "Decision", "Retention", "Advocacy"):
        assert grid.locator(".jm-head", has_text=stage).count() == 1
    assert grid.locator(".jm-card").count() == 19
    assert grid.get_by_text("Your Office Coffee Guide is here").is_visible()
    # The scoped CSS applies: lanes are a grid, cards have their border.
    assert grid.evaluate("el => getComputedStyle(el).display") == "grid"


def test_the_walk_through_draws_the_inbox_timeline(app_url, page):
    page.goto(f"{app_url}/walkthrough")  # a deep link (the map's test goes through the sidebar)
    wait_for_app(page)
    page.get_by_role("heading", name="Walk-through").wait_for()
    page.get_by_role("heading", name="Inbox").wait_for()
    timeline = page.locator("[data-testid='stVegaLiteChart']").first
    timeline.locator("canvas, svg").first.wait_for()
    assert timeline.bounding_box()["height"] > 100
    page.get_by_text("Emails received").wait_for()
