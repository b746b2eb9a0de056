"""Take the README's screenshot from the running app: `.venv/bin/python scripts/screenshot.py`.

Starts `streamlit run serve.py` (as `make run` does) on a free port with a fresh demo database, opens a page in Debian's
Chromium and saves docs/screenshot.png (or the page and file given on the command line).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser_support import CHROMIUM, CHROMIUM_ARGS, start_streamlit, wait_for_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="journey_map", help="URL path of the page (default: journey_map)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1680)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--wait-for", help="a CSS selector to wait for first (e.g. the studio's preview)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        url, process = start_streamlit(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": args.width, "height": args.height})
                page.goto(f"{url}/{args.page}")
                wait_for_app(page)
                if args.wait_for:
                    page.locator(args.wait_for).first.wait_for(timeout=60_000)
                time.sleep(3)  # let charts finish drawing
                page.screenshot(path=args.output)
                browser.close()
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(f"saved {args.output}")


if __name__ == "__main__":
    main()
