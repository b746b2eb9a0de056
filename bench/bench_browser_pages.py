"""Benchmark: clicking each page in the sidebar in real Chromium, against a trivial two-page Streamlit app.

    .venv/bin/python bench/bench_browser_pages.py [--rounds 3] [--database-url …] [--pages review,dashboard]

Starts, in the same run, the app (`streamlit run serve.py`, as `make run` does) on bench/bench_pages.py's
workspace (built first if missing: 20 journeys × 5 stages × 30 emails, 1,825,000 metric rows) and
bench/trivial_app.py (two pages, a title and a line each), both through tests/browser_support.py
(Debian's Chromium through Playwright's executable_path, the tests' flags). Each round opens the app
in one tab (a new session) and clicks every page's link in its sidebar, then opens the trivial app in
the same tab and clicks its two links in turn, and times from the click to the end of the script run
that it starts: Streamlit's `stApp` element carries the run's state in
`data-test-script-state` ("running" while the script runs, "notRunning" once it has finished), watched
by a MutationObserver installed before the click. Each click is a page's first visit in its session (the
server's caches are warm after the first round, or from an earlier run); the medians are over every
round. Prints each page's median, the ratio to the trivial app's median and PASS/FAIL against
the target (≤ 5×).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_pages import build_workspace  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop_streamlit  # noqa: E402
from machine import machine  # noqa: E402

from ui.navigation import PAGES  # noqa: E402

RATIO_TARGET = 5.0
TRIVIAL_PAGES = ("Trivial two", "Trivial one")  # it opens on "Trivial one": clicked first, it would not run

# Records every change of the run state (and when it happened) from now on, and when the page titled
# `heading` is first shown with no run going: a run of a few milliseconds can start and end within one
# render of the front end, so that the state never shows "running" at all.
WATCH_RUN_STATE = """(heading) => {
    window.__runStates = [];
    window.__shown = null;
    if (window.__runObserver) window.__runObserver.disconnect();
    window.__runObserver = new MutationObserver(() => {
        const app = document.querySelector("[data-testid='stApp']");
        const state = app && app.getAttribute("data-test-script-state");
        const last = window.__runStates[window.__runStates.length - 1];
        if (state && (!last || last[0] !== state)) window.__runStates.push([state, performance.now()]);
        const titles = [...document.querySelectorAll("[data-testid='stMain'] h1")].map((h) => h.innerText);
        if (window.__shown === null && state === "notRunning" && titles.some((t) => t.trim() === heading))
            window.__shown = performance.now();
    });
    window.__runObserver.observe(document.body, {attributes: true, childList: true, subtree: true,
        characterData: true});
    return performance.now();
}"""
# The time the run that started after the click finished, once it has (null until then).
RUN_FINISHED = """() => {
    const states = window.__runStates;
    const started = states.findIndex(([state]) => state === "running");
    if (started < 0) return window.__shown;  // too quick to show "running": when its page appeared
    const finished = states.slice(started).find(([state]) => state === "notRunning");
    return finished ? finished[1] : null;
}"""


def wait_idle(page) -> None:
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000)


def click_and_time(page, title: str) -> float:
    """Click the sidebar link `title`; ms until the script run it started has finished."""
    wait_idle(page)
    page.wait_for_timeout(300)  # let the front end settle after the last run (a click too soon is lost)
    link = page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True)
    started = page.evaluate(WATCH_RUN_STATE, title)
    link.click()
    try:
        handle = page.wait_for_function(RUN_FINISHED, timeout=120_000, polling=5)
    except Exception as exc:
        states = page.evaluate("() => window.__runStates")
        raise RuntimeError(f"{title}: no finished run after the click (run states seen: {states})") from exc
    finished = handle.json_value()
    assert page.locator("[data-testid='stException']").count() == 0, f"{title}: the page raised"
    return finished - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench' / 'out' / 'bench_pages.db'}")
    parser.add_argument("--pages", default=",".join(p.key for p in PAGES), help="comma-separated page keys")
    args = parser.parse_args()
    url = args.database_url
    build_workspace(url, rebuild=False)
    wanted = args.pages.split(",")
    titles = [p.title for p in PAGES if p.key in wanted]
    opening = next(p.title for p in PAGES if p.default)  # the page a visit opens on: clicked last, so it runs
    titles = [t for t in titles if t != opening] + [t for t in titles if t == opening]
    backend = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"{backend}, Chromium {CHROMIUM}; {machine()}")

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench_browser_pages_"))
    (folder / "app").mkdir()
    (folder / "trivial").mkdir()
    app_url, app = start_streamlit(folder / "app", seed_demo=False, DATABASE_URL=url)
    trivial_url, trivial = start_streamlit(folder / "trivial", script="bench/trivial_app.py")
    times: dict[str, list[float]] = {t: [] for t in (*titles, *TRIVIAL_PAGES)}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()  # one tab for both apps: a tab in the background loses clicks
            for round_ in range(args.rounds):
                started = time.perf_counter()
                page.goto(app_url)  # a new session each round, on the opening page
                wait_idle(page)
                for title in titles:
                    times[title].append(click_and_time(page, title))
                page.goto(trivial_url)
                wait_idle(page)
                for _ in range(len(titles) // 2 + 1):
                    for title in TRIVIAL_PAGES:
                        times[title].append(click_and_time(page, title))
                print(
                    f"  round {round_ + 1}/{args.rounds} in {time.perf_counter() - started:.0f} s", flush=True
                )
            browser.close()
    finally:
        stop_streamlit(app)
        stop_streamlit(trivial)

    baseline = statistics.median(times[TRIVIAL_PAGES[0]] + times[TRIVIAL_PAGES[1]])
    print(f"trivial two-page app: median click to run finished {baseline:.0f} ms")
    print(f"{'page':<18}{'first click':>13}{'median':>10}{'× trivial':>11}  verdict")
    failed = []
    for title in titles:
        median = statistics.median(times[title])
        ratio = median / baseline
        failed += [] if ratio <= RATIO_TARGET else [title]
        print(
            f"{title:<18}{times[title][0]:>10.0f} ms{median:>7.0f} ms{ratio:>10.1f}×  "
            f"{'PASS' if ratio <= RATIO_TARGET else 'FAIL'}"
        )
    verdict = "all PASS" if not failed else "FAIL: " + ", ".join(failed)
    print(f"target: each page ≤ {RATIO_TARGET:.0f}× the trivial app -> {verdict}")


if __name__ == "__main__":
    main()
