"""In Chromium: hostile user text on every page makes no image, no link and no request (issue 13, point 1).

Four journeys and personas, each with one hostile value in every field (tests/test_hostile_markdown.py's
`seed`): a Markdown image and a phishing link to 127.0.0.1:9 (nothing listens there), raw `<img onerror>`,
emphasis and code. Each page is opened in a fresh session; the DOM holds no `img`/`a` element pointing at
the hostile address (nor an `img src=x`), no request goes to it, and the values read as typed.
"""

import pytest
from browser_support import images_requested, wait_for_app
from test_hostile_markdown import PAYLOADS, SHORT, seed

from ui.navigation import PAGES

pytestmark = pytest.mark.browser

HOSTILE_HOST = "127.0.0.1:9"
HOSTILE_ELEMENTS = f"img[src*='{HOSTILE_HOST}'], a[href*='{HOSTILE_HOST}'], img[src='x'], img[onerror]"


def test_no_page_turns_hostile_user_text_into_an_image_a_link_or_a_request(
    start_app, browser_context, tmp_path
):
    database = tmp_path / "journey.db"
    url = start_app(seed_demo=False, DATABASE_URL=f"sqlite:///{database}")
    for index, name in enumerate(PAYLOADS):
        seed(f"sqlite:///{database}", PAYLOADS[name], SHORT[name], snippet=f"footer-{index}")

    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        for spec in PAGES:
            page.goto(f"{url}/{spec.url_path}")
            wait_for_app(page)
            page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for()
            images_requested(page)
            found = page.locator(HOSTILE_ELEMENTS)
            assert found.count() == 0, (
                spec.key,
                [
                    found.nth(i).evaluate("e => e.parentElement.parentElement.outerHTML.slice(0, 600)")
                    for i in range(min(3, found.count()))
                ],
            )
            assert page.locator("[data-testid='stException']").count() == 0, spec.key
            if spec.key == "journeys":  # the journeys table draws on a canvas: the names in the picker
                page.get_by_text("Duplicate, export, delete").click()
            if spec.key == "editor":  # a stage's lanes and emails are drawn once it is opened
                page.locator("[data-testid='stExpander'] summary").nth(1).click()
                wait_for_app(page)
                images_requested(page)
                assert page.locator(HOSTILE_ELEMENTS).count() == 0, spec.key
            if spec.key in {"review", "studio"}:  # what runs only once opened: the charts, the A/B tab
                if spec.key == "review":
                    page.get_by_text("Charts: rates per stage and the funnel").click()
                    page.locator(".vega-embed").first.wait_for()
                else:
                    page.get_by_role("tab", name="A/B variants").click()
                    page.get_by_text("Add a variant").first.wait_for()
                wait_for_app(page)
                images_requested(page)
                assert page.locator(HOSTILE_ELEMENTS).count() == 0, spec.key
            if spec.key in {"personas", "journey_map", "editor", "review", "studio"}:
                shown = page.evaluate("() => document.body.innerText").replace("\u2060", "")
                assert any(payload in shown for payload in PAYLOADS.values()), spec.key  # as typed
        hostile = [u for u in requested if HOSTILE_HOST in u or u.endswith("/x")]
        assert hostile == []
    finally:
        page.close()
