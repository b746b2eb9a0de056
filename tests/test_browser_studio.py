"""In a real browser: the studio's editor beside its preview, the preview following the typing, a finding's
line, the desktop/mobile toggle, the phone layout, and an email's script never running.

`open_studio(page, app_url)` opens the studio on the demo's first email (Welcome, as Office manager
Olivia) and waits for the editor and a rendered preview; `preview(page, screen)` is the frame shown for
a screen ("desktop", "mobile"), `code_editor(page)` the editor's text box. Other studio views reuse them.
"""

import re

import pytest
from browser_support import wait_for_app

from journey.plan.demo_content import DEMO_STAGES

pytestmark = pytest.mark.browser

WELCOME = DEMO_STAGES[0].emails[0]
GREETING = "Welcome to Fernhill Coffee Roasters, Olivia"
HOSTILE = WELCOME.mjml.replace(
    '<mj-text mj-class="heading">',
    "<mj-raw><script>window.parent.document.title = 'pwned'; top.pwned = 1;</script>"
    '<img src="x" onerror="top.document.title = \'pwned by onerror\'; top.pwned = 2" /></mj-raw>'
    '<mj-text mj-class="heading">Hostile test, ',
    1,
)
LINE_HEIGHT = 20  # px, the editor's (ui/components/editor.css)


def code_editor(page):
    """The MJML editor's text box (inside the component's shadow root; Playwright's CSS pierces it)."""
    return page.locator("textarea[data-testid='code-editor']")


def preview(page, screen: str = "desktop"):
    """The frame shown for a screen: the preview swaps two iframes, the active one is on show."""
    return page.frame_locator(f"[data-screen='{screen}'] iframe[data-active='true']")


def preview_box(page, screen: str = "desktop"):
    return page.locator(f"[data-screen='{screen}'] .box")


def open_studio(page, app_url, *, width: int = 1280, height: int = 800) -> None:
    """The studio on the demo's first email at width × height, its editor and preview drawn."""
    page.set_viewport_size({"width": width, "height": height})
    page.goto(app_url)  # the root first, so app.py (st.navigation) runs; then the navigation, as a user does
    wait_for_app(page)
    if width > 640:
        page.get_by_role("link", name="Email studio").click()
    else:  # on a phone the sidebar is folded away
        page.goto(f"{app_url}/studio")
    wait_for_app(page)
    page.get_by_role("heading", name="Email studio").wait_for()
    code_editor(page).wait_for()
    screen = "mobile" if width <= 640 else "desktop"
    preview(page, screen).get_by_text(GREETING).wait_for()


def _inside(box: dict, viewport: dict, *, at_least: int) -> bool:
    """The box starts inside the viewport and at least `at_least` px of its height are on screen."""
    visible = min(box["y"] + box["height"], viewport["height"]) - max(box["y"], 0)
    return (
        0 <= box["y"] < viewport["height"]
        and box["x"] + box["width"] <= viewport["width"] + 1
        and (visible >= at_least)
    )


def _wait_until(check, page, timeout_ms: int = 10_000) -> None:
    waited = 0
    while not check():
        assert waited < timeout_ms, "timed out"
        page.wait_for_timeout(50)
        waited += 50


def _put_caret(page, text: str, *, after: bool = False) -> int:
    """Put the editor's caret before (or after) `text`; its offset."""
    return code_editor(page).evaluate(
        """(area, [text, after]) => {
            const at = area.value.indexOf(text) + (after ? text.length : 0);
            area.focus();
            area.setSelectionRange(at, at);
            return at;
        }""",
        [text, after],
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)], ids=["1280x800", "1920x1080"])
def test_the_editor_and_a_rendered_preview_are_side_by_side_inside_the_viewport(app_url, page, width, height):
    open_studio(page, app_url, width=width, height=height)

    viewport = page.viewport_size
    editor_box = code_editor(page).bounding_box()
    preview_box_ = preview_box(page).bounding_box()
    assert _inside(editor_box, viewport, at_least=240), editor_box
    assert _inside(preview_box_, viewport, at_least=240), preview_box_
    assert editor_box["x"] + editor_box["width"] <= preview_box_["x"]  # code left, preview right
    assert preview(page).get_by_text(GREETING).is_visible()
    # The editor opens on the body (its first <mj-section>), not on <mj-head>.
    first_section = (
        WELCOME.mjml.splitlines().index('    <mj-section background-color="{{ brand.background_color }}">')
        + 1
    )
    top_line = code_editor(page).evaluate(f"area => Math.floor(area.scrollTop / {LINE_HEIGHT}) + 1")
    assert top_line <= first_section <= top_line + 6
    assert page.get_by_role("button", name="Apply").count() == 0


def test_typing_then_pausing_updates_the_preview_keeping_cursor_and_scroll(app_url, page):
    open_studio(page, app_url)
    frame = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    frame.evaluate("iframe => iframe.contentWindow.scrollTo(0, 60)")
    offset = _put_caret(page, "Thanks for asking")
    scroll_before = code_editor(page).evaluate("area => area.scrollTop")

    page.keyboard.type("Freshly roasted! ", delay=20)  # then nothing is pressed: the pause does it

    preview(page).get_by_text("Freshly roasted! Thanks for asking").wait_for(timeout=10_000)
    wait_for_app(page)
    state = code_editor(page).evaluate("area => [area.selectionStart, area.scrollTop, area.value]")
    assert state[0] == offset + len("Freshly roasted! ")  # the cursor stayed where the typing ended
    assert state[1] == scroll_before
    assert "Freshly roasted! Thanks for asking" in state[2]
    shown = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    assert shown.evaluate("iframe => iframe.contentWindow.scrollY") == pytest.approx(60, abs=2)
    page.get_by_text("Unsaved changes").first.wait_for()


def test_saving_reruns_the_page_and_the_editor_and_preview_keep_their_place(start_app, page):
    open_studio(page, start_app())  # its own app: this test saves the demo's email
    offset = _put_caret(page, "Happy brewing")
    page.keyboard.type("Cheers! ")
    code_editor(page).evaluate("area => { area.scrollTop = 400; }")
    frame = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    preview(page).get_by_text("Cheers! Happy brewing").wait_for(timeout=10_000)
    frame.evaluate("iframe => iframe.contentWindow.scrollTo(0, 50)")
    code_editor(page).evaluate("area => { area.dataset.before = 'save'; }")

    page.get_by_role("button", name="Save draft").click()

    page.get_by_text("Saved “Welcome” as draft").wait_for()
    wait_for_app(page)
    where = "area => [area.dataset.before, area.scrollTop, area.selectionStart]"
    state = code_editor(page).evaluate(where)
    assert state[1:] == [400, offset + len("Cheers! ")]
    shown = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    _wait_until(lambda: shown.evaluate("iframe => iframe.contentWindow.scrollY") == 50, page)

    # Only the open tab runs: on another tab the editor is gone, and back on the Editor tab Streamlit
    # mounts it anew, where it was.
    page.get_by_role("tab", name="A/B variants").click()
    page.get_by_text("Add a variant").first.wait_for()
    wait_for_app(page)
    page.get_by_role("tab", name="Editor").click()
    preview(page).get_by_text("Cheers! Happy brewing").wait_for(timeout=10_000)
    wait_for_app(page)
    state = code_editor(page).evaluate(where)
    assert state[0] is None  # a new editor element
    assert state[1:] == [400, offset + len("Cheers! ")]
    shown = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    _wait_until(lambda: shown.evaluate("iframe => iframe.contentWindow.scrollY") == 50, page)


def test_a_click_on_a_finding_moves_the_editor_to_its_line(app_url, page):
    open_studio(page, app_url)
    line = WELCOME.mjml[: WELCOME.mjml.index("Thanks for asking")].count("\n") + 1
    _put_caret(page, "Thanks for asking")
    page.keyboard.type("{{ nickname }} ")
    page.keyboard.press("Control+Enter")  # at once, without the pause
    button = page.get_by_role("button", name=f"Line {line}")
    button.wait_for(timeout=10_000)
    page.locator(f".ln.error[data-line='{line}']").wait_for()  # the gutter marks it
    code_editor(page).evaluate("area => { area.scrollTop = 0; area.setSelectionRange(0, 0); }")

    button.click()

    caret_line = "area => area.value.slice(0, area.selectionStart).split('\\n').length"
    _wait_until(lambda: code_editor(page).evaluate(caret_line) == line, page)
    scroll_top = code_editor(page).evaluate("area => area.scrollTop")
    assert scroll_top == pytest.approx((line - 4) * LINE_HEIGHT, abs=LINE_HEIGHT)
    assert code_editor(page).evaluate("area => area === area.getRootNode().activeElement")


def test_tab_indents_in_the_editor_and_escape_then_tab_leaves_it(app_url, page):
    open_studio(page, app_url)
    offset = _put_caret(page, "Thanks for asking")

    page.keyboard.press("Tab")

    value = code_editor(page).evaluate("area => area.value")
    assert value[offset : offset + len("  Thanks")] == "  Thanks"
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not code_editor(page).evaluate("area => area === area.getRootNode().activeElement")


def test_the_mobile_toggle_shows_the_phone_width_preview_and_both_shows_two(app_url, page):
    open_studio(page, app_url)

    page.get_by_role("radio", name="Mobile", exact=True).click()
    preview(page, "mobile").get_by_text(GREETING).wait_for()
    assert page.locator("[data-screen='desktop']").count() == 0
    iframe = page.locator("[data-screen='mobile'] iframe[data-active='true']")
    assert iframe.evaluate("iframe => iframe.contentWindow.innerWidth") == 375  # what the email sees
    assert 300 <= preview_box(page, "mobile").bounding_box()["width"] <= 376

    page.get_by_role("radio", name="Both", exact=True).click()
    preview(page, "desktop").get_by_text(GREETING).wait_for()
    preview(page, "mobile").get_by_text(GREETING).wait_for()
    desktop = page.locator("[data-screen='desktop'] iframe[data-active='true']")
    assert desktop.evaluate("iframe => iframe.contentWindow.innerWidth") == 680  # 600 px content + margins


def test_on_a_phone_the_preview_is_the_phone_view_below_the_editor(app_url, page):
    open_studio(page, app_url, width=390, height=844)

    assert page.locator("[data-screen='desktop']").count() == 0
    editor_box = code_editor(page).bounding_box()
    phone_box = preview_box(page, "mobile").bounding_box()
    assert phone_box["y"] >= editor_box["y"] + editor_box["height"]  # stacked
    assert phone_box["x"] >= 0
    assert phone_box["x"] + phone_box["width"] <= 390
    iframe = page.locator("[data-screen='mobile'] iframe[data-active='true']")
    assert iframe.evaluate("iframe => iframe.contentWindow.innerWidth") == 375
    assert re.search(r"\d+ %", page.locator("[data-screen='mobile'] .caption").inner_text())


def test_a_script_inside_the_email_does_not_run_in_the_app(app_url, page):
    open_studio(page, app_url)
    title = page.title()
    code_editor(page).fill(HOSTILE)  # an input event, then the pause

    preview(page).get_by_text(f"Hostile test, {GREETING}").wait_for(timeout=10_000)
    page.wait_for_timeout(1000)  # give any script that slipped through time to run

    assert page.title() == title
    assert "pwned" not in page.title()
    assert page.evaluate("() => window.pwned") is None
    page.get_by_text("Unsaved changes").first.wait_for()
    page.get_by_text("unsafe-script").first.wait_for()
