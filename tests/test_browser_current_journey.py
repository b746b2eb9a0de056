"""In Chromium: a link with `?journey=ID` opens that journey in a fresh session, and a journey picked on one
page is still picked after sidebar clicks to the Metrics page and the map (and in their URLs)."""

import re

import pytest
from browser_support import wait_for_app
from playwright.sync_api import expect
from support import in_db, make_journey

from journey.plan import demo

pytestmark = pytest.mark.browser


def journey_box(page):
    """The page's journey picker (a selectbox labelled "Journey"); its value is the journey's name."""
    return page.get_by_role("combobox", name="Journey", exact=True)


def test_a_link_opens_its_journey_and_a_picked_journey_follows_to_metrics_and_the_map(
    start_app, tmp_path, page
):
    url = f"sqlite:///{tmp_path / 'journey.db'}"
    with in_db(url) as session:
        demo.load_demo(session)  # the demo has the latest metrics: what a fresh session opens without a link
        linked = make_journey(session, "Spring launch", stages={"Awareness": ["Welcome"]}).id
        picked = make_journey(session, "Win-back", stages={"Retention": ["We miss you"]}).id
    app_url = start_app(DATABASE_URL=url)

    page.goto(f"{app_url}/review?journey={linked}")
    wait_for_app(page)
    page.get_by_role("heading", name="Weekly review").wait_for()
    expect(journey_box(page)).to_have_value("Spring launch")

    journey_box(page).click()
    page.get_by_role("option", name="Win-back").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(rf"/review\?journey={picked}$"))

    sidebar = page.get_by_test_id("stSidebarNav")
    for title, path in (("Metrics", "dashboard"), ("Journey map", "journey_map")):
        sidebar.get_by_text(title, exact=True).click()
        wait_for_app(page)
        page.get_by_role("heading", name=title).wait_for()
        expect(journey_box(page)).to_have_value("Win-back")
        expect(page).to_have_url(re.compile(rf"/{path}\?journey={picked}$"))
