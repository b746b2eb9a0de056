"""In a real browser: the studio's preview calls no tracking pixel until "Load remote images" is on, and a
link clicked inside the preview opens in a new tab, never inside the preview frame (issue 13, point 3)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from browser_support import STUDIO_PREVIEW, open_studio, set_mjml, wait_for_app

from journey.plan.demo_content import DEMO_STAGES

pytestmark = pytest.mark.browser

GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@pytest.fixture
def tracker():
    """A local HTTP server that records the path of every request (a tracking pixel and a landing page)."""
    paths: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            paths.append(self.path)
            body, kind = (
                (GIF, "image/gif") if self.path.startswith("/pixel") else (b"<h1>Landing</h1>", "text/html")
            )
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", paths
    server.shutdown()
    server.server_close()


def _wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_no_pixel_is_called_until_remote_images_are_on_and_a_link_never_navigates_the_frame(
    app_url, page, tracker
):
    base, paths = tracker
    mjml = (
        DEMO_STAGES[0]
        .emails[0]
        .mjml.replace(
            '<mj-text mj-class="heading">',
            f'<mj-raw><img src="{base}/pixel.gif?open=1" width="1" height="1" alt=""></mj-raw>'
            f'<mj-text><a href="{base}/landing" target="_self">Track this link</a></mj-text>'
            '<mj-text mj-class="heading">',
            1,
        )
    )
    open_studio(page, app_url)
    set_mjml(page, mjml)
    desktop = page.frame_locator(STUDIO_PREVIEW).first
    desktop.get_by_text("Track this link").wait_for()
    # the frame's load event waits for every image of the email to be fetched (or blocked by the CSP)
    page.locator(STUDIO_PREVIEW).first.element_handle().content_frame().wait_for_load_state("load")
    assert not [path for path in paths if path.startswith("/pixel")]

    # a click opens the address in a new tab; the preview frame keeps the email
    frame_src = page.locator(STUDIO_PREVIEW).first.get_attribute("srcdoc")
    with page.context.expect_page() as popup_info:
        desktop.get_by_text("Track this link").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == f"{base}/landing"
    popup.close()
    assert page.locator(STUDIO_PREVIEW).first.get_attribute("srcdoc") == frame_src
    child_urls = [frame.url for frame in page.main_frame.child_frames]
    assert not [url for url in child_urls if "landing" in url]
    desktop.get_by_text("Track this link").wait_for()  # still the email, not the landing page
    assert not [path for path in paths if path.startswith("/pixel")]

    page.get_by_text("Load remote images").click()
    wait_for_app(page)
    assert _wait_for(lambda: any(path.startswith("/pixel") for path in paths)), paths
