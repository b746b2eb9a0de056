"""In a real browser: the studio's views: dark mode inverts the email, images off shows the alt text,
the inbox row shows the subject with its counts; and a view downloads as a real PNG."""

import io

import pytest
from browser_support import open_studio, set_mjml, wait_for_app

from journey.plan.demo_content import DEMO_STAGES
from journey.write import screenshots

pytestmark = pytest.mark.browser

WELCOME = DEMO_STAGES[0].emails[0]
ALT = "A bag of Fernhill beans on the counter"
WITH_IMAGE = WELCOME.mjml.replace(
    "<mj-column>",
    f'<mj-column><mj-image src="https://fernhillcoffee.example/beans.jpg" alt="{ALT}" width="300px" />'
    '<mj-image src="https://fernhillcoffee.example/logo.png" width="120px" />',
    1,
)
FRAMES = "iframe[src^='data:text/html']"


def _switch(page, view: str):
    page.get_by_test_id("stButtonGroup").get_by_role("radio", name=view, exact=True).click()
    wait_for_app(page)


def test_dark_mode_images_off_and_inbox_row_each_show_what_they_should(app_url, page):
    open_studio(page, app_url)
    subject = page.get_by_label("Subject", exact=True).input_value()

    _switch(page, "Dark mode")
    page.get_by_text("Gmail app · Outlook app: colours inverted").wait_for()
    frame = page.frame_locator(FRAMES).first
    frame.locator("body").wait_for()
    # what has no colour of its own is drawn as the apps do: black page, white text
    assert frame.locator("html").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 0, 0)"

    set_mjml(page, WITH_IMAGE)
    _switch(page, "Images off")
    page.get_by_text("1 has no alt text").wait_for()  # the view's own caption: its frame is the one shown
    frame = page.frame_locator(FRAMES).first
    frame.get_by_text(ALT).wait_for()
    assert frame.get_by_text("No alt text").count() == 1
    assert frame.locator("img").count() == 0
    box = frame.get_by_text(ALT).bounding_box()
    assert 295 <= box["width"] <= 305  # a box of the image's size (300 px)

    _switch(page, "Inbox")
    frame = page.frame_locator(FRAMES).first
    frame.get_by_text("iPhone Mail").wait_for()
    assert subject in frame.locator("[data-client='gmail_desktop']").inner_text()
    frame.get_by_text(f"Subject {len(subject)} / 40 characters").wait_for()


@pytest.mark.skipif(screenshots.screenshots_available() is not None, reason="no Chromium for PNGs")
def test_a_view_downloads_as_a_png_of_its_width(app_url, page):
    from PIL import Image

    open_studio(page, app_url)
    _switch(page, "Gmail clipping")
    page.get_by_text("Gmail shows it whole").wait_for()
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("button", name="PNG").click()
    image = Image.open(io.BytesIO(download_info.value.path().read_bytes()))
    assert image.format == "PNG"
    assert image.size[0] == 680
    assert download_info.value.suggested_filename.endswith("-gmail-clipping.png")
