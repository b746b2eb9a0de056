"""PNG images of the studio's preview views, drawn on the server by headless Chromium through Playwright.

    view_png(html, width=680) -> PNG bytes of the whole page at `width` CSS pixels
    screenshots_available() -> None, or the sentence saying why PNGs cannot be made here

The page is the same sandboxed document the studio shows (`render.preview_src`: a data: URL with a CSP
that blocks scripts and remote loads); on top of that JavaScript is off and every network request is
refused, so the server never fetches anything an email names: remote images are drawn as the browser
draws a missing image (its alt text, in a box of its size). Chromium is Debian's (`/usr/bin/chromium`,
or `CHROMIUM_PATH`), as for the browser tests; without it (or without Playwright) ScreenshotUnavailable
says so.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from journey.core.errors import ScreenshotUnavailable
from journey.write.render import preview_src

CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run")
MAX_HEIGHT = 16000  # px: Chromium cannot capture taller pages in one image
TIMEOUT_MS = 15000


def _chromium() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(configured).exists():
        return configured
    return shutil.which("chromium")


def screenshots_available() -> str | None:
    """None when PNGs can be drawn here; else why not, for the marketer."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "PNG downloads need Playwright on the server (pip install playwright); it is not installed."
    if _chromium() is None:
        return "PNG downloads need Chromium on the server (apt-get install chromium); it is not installed."
    return None


def _draw(html: str, width: int) -> bytes:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium(), args=list(CHROMIUM_ARGS))
            try:
                context = browser.new_context(
                    viewport={"width": width, "height": 600}, java_script_enabled=False
                )
                context.route("**/*", lambda route: route.abort())
                page = context.new_page()
                page.goto(preview_src(html), wait_until="load", timeout=TIMEOUT_MS)
                height = min(
                    max(page.evaluate("document.documentElement.scrollHeight") or 600, 1), MAX_HEIGHT
                )
                return page.screenshot(
                    clip={"x": 0, "y": 0, "width": width, "height": height},
                    full_page=True,
                    type="png",
                    timeout=TIMEOUT_MS,
                )
            finally:
                browser.close()
    except Error as exc:
        raise ScreenshotUnavailable(f"Chromium could not draw the PNG: {exc.message}") from exc


def view_png(html: str, *, width: int = 680) -> bytes:
    """A PNG of the view's whole page, `width` CSS pixels wide. Raises ScreenshotUnavailable."""
    why = screenshots_available()
    if why:
        raise ScreenshotUnavailable(why)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _draw(html, width)
    # Playwright's sync API refuses to run on a thread with an event loop: draw on a thread of its own
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_draw, html, width).result()
