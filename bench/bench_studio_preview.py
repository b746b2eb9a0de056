"""Edit-to-preview latency in the studio, in Chromium: from the last keystroke to the preview showing it.

    .venv/bin/python bench/bench_studio_preview.py [--edits 20]

Starts two Streamlit servers on free ports in the same run: the app (`app.py`, demo workspace, a fresh
SQLite database) and the baseline `bench/echo_page.py` (the same code editor, its text only echoed back
with `st.text`). For each of N edits, Playwright types a new word ("Bench0007 ") into the Welcome email's
first paragraph in the editor and the page records `performance.now()` at the last input event; the page
then watches (every animation frame) until the desktop preview's iframe shows that word (the baseline:
until the echo shows it) and records the time again. Latency = shown − last keystroke − 500 ms (the
editor's debounce, waited on purpose). Each edit starts only when the previous one has settled. Prints
the median and p95 of each, and the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from browser_support import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    start_streamlit,
    stop_streamlit,
    wait_for_app,
)
from machine import machine  # noqa: E402

DEBOUNCE_MS = 500
ANCHOR = "Thanks for asking"
EDITOR = "textarea[data-testid='code-editor']"

LISTEN = """area => { window.__lastInput = 0;
    area.addEventListener('input', () => { window.__lastInput = performance.now(); }); }"""
# Resolve with the time the word is first on show (checked every frame), or null after 10 s.
SHOWN_IN_PREVIEW = """(root, word) => new Promise(resolve => {
    const start = performance.now();
    const look = () => {
        const frame = root.querySelector("[data-screen='desktop'] iframe[data-active='true']");
        let text = "";
        try { text = frame.contentDocument.body.innerText; } catch (e) {}
        if (text.includes(word)) {
            const pane = root.querySelector("[data-screen='desktop']");
            return resolve([performance.now(), Number(pane.dataset.received)]);
        }
        if (performance.now() - start > 10000) return resolve(null);
        requestAnimationFrame(look);
    };
    look();
})"""
SHOWN_IN_ECHO = """(main, word) => new Promise(resolve => {
    const start = performance.now();
    const look = () => {
        const echo = main.querySelector("[data-testid='stText']");
        if (echo && echo.innerText.includes(word)) return resolve([performance.now(), performance.now()]);
        if (performance.now() - start > 10000) return resolve(null);
        requestAnimationFrame(look);
    };
    look();
})"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(page, *, shown_js: str, watched: str, edits: int) -> tuple[list[float], list[float]]:
    """N edits typed at the anchor: the latency of each (ms after the debounce), and the part of it
    between the page receiving the new render and showing it (the preview's iframe load)."""
    editor = page.locator(EDITOR)
    editor.evaluate(LISTEN)
    target = page.locator(watched)
    latencies, in_frame = [], []
    for number in range(edits + 1):  # the first one warms up and is not counted
        word = f"Bench{number:04d}"
        editor.evaluate(
            """(area, anchor) => { const at = area.value.indexOf(anchor);
                area.focus(); area.setSelectionRange(at, at); }""",
            ANCHOR,
        )
        page.keyboard.type(f"{word} ", delay=30)
        shown = target.evaluate(shown_js, word)
        last = page.evaluate("() => window.__lastInput")
        if shown is None:
            raise SystemExit(f"edit {number}: {word} never showed")
        if number:
            latencies.append(shown[0] - last - DEBOUNCE_MS)
            in_frame.append(shown[0] - shown[1])
        wait_for_app(page)
        page.wait_for_timeout(300)
    return latencies, in_frame


def summary(name: str, latencies: list[float]) -> str:
    return (
        f"{name:<34} median {statistics.median(latencies):6.0f} ms   p95 {percentile(latencies, 0.95):6.0f} ms"
        f"   (min {min(latencies):.0f}, max {max(latencies):.0f}, n={len(latencies)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(machine())
    with tempfile.TemporaryDirectory() as app_dir, tempfile.TemporaryDirectory() as echo_dir:
        app_url, app = start_streamlit(Path(app_dir))
        echo_url, echo = start_streamlit(
            Path(echo_dir), seed_demo=False, script=ROOT / "bench" / "echo_page.py"
        )
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(echo_url)
                wait_for_app(page)
                page.locator(EDITOR).wait_for()
                baseline, _ = measure(
                    page, shown_js=SHOWN_IN_ECHO, watched="[data-testid='stMain']", edits=args.edits
                )
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.goto(app_url)
                wait_for_app(page)
                page.get_by_role("link", name="Email studio").click()
                wait_for_app(page)
                page.locator(EDITOR).wait_for()
                studio, in_frame = measure(
                    page, shown_js=SHOWN_IN_PREVIEW, watched="[data-testid='email-preview']", edits=args.edits
                )
                browser.close()
        finally:
            stop_streamlit(app)
            stop_streamlit(echo)
    print("latency after the 500 ms pause, from the last keystroke to the text on screen:")
    print(summary("baseline (echo page)", baseline))
    print(summary("studio (render + checks + preview)", studio))
    print(summary("  of which new render -> on show", in_frame))
    print(
        f"studio minus baseline (medians): {statistics.median(studio) - statistics.median(baseline):.0f} ms"
    )
    p95 = percentile(studio, 0.95)
    print(f"target: within 300 ms of the pause -> {'met' if p95 <= 300 else 'NOT met'} at p95 ({p95:.0f} ms)")


if __name__ == "__main__":
    main()
