"""A bounded load test: N concurrent browser sessions on one real Streamlit server for S seconds.

    .venv/bin/python bench/bench_load.py [--sessions 20] [--seconds 60] [--database-url postgresql://…]

Starts `streamlit run serve.py` on loopback (tests/browser_support.start_streamlit, as `make run` serves
the app) on the demo workspace (seeded by the first visit): a fresh SQLite file, or with
`--database-url postgresql://…` a fresh schema of its own on that server (dropped afterwards). One
headless Chromium (Playwright, /usr/bin/chromium, the browser tests' flags), one browser context per
session (its own cookies, so its own Streamlit session). Session i edits the demo's email i mod 19, so
with 20 sessions two of them edit the same email and may refuse each other's stale saves.

Each session loops until the time is up: open the Weekly review from the sidebar, switch to another
week, open the Email studio from the sidebar (its email stays open), put a unique marker (`LM-07-0003`)
into the email's body and wait for the preview to show it, put the marker into the subject, click
Save draft. Each action is timed from the click to the finished rerun: what only that rerun can show
is on screen (the page's heading, the picked week's heading, the marker in the preview, the "Saved" message) and
the app's script state is back to not running (`[data-testid='stApp'][data-test-script-state]`). An error is an exception element, the
"encountered an error" page, a lost connection, a crashed page, an uncaught page error or an action
not done in 60 s. A stale-save refusal that the page shows is counted apart (the session then clicks
"Discard my edits and load the latest version"). After the run every email is read back from the
database: the last successful save of each email must be there, subject and body (`lost_edits`).

Baseline, in the same run and on the same server: one session alone for the same time, before the load.
Prints per action the median and p95 alone and under load, their ratio, errors, lost edits and refusals.

Why browsers and not WebSocket clients: the studio's editor and preview are custom components whose
messages, and the fragments' reruns, are what a user's browser sends; a protocol client would replay
guessed widget ids and skip the front end's part of the wait. The cost is that 20 Chromium renderers
share the machine's 2 cores with the server, so the figures under load include client CPU (the
baseline with one session shows how much the load adds).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from bench_studio_preview import percentile  # noqa: E402
from browser_support import CHROMIUM, CHROMIUM_ARGS, start_streamlit, stop_streamlit  # noqa: E402
from machine import machine  # noqa: E402

ACTIONS = ("open review", "switch week", "open studio", "preview edit", "save")
ACTION_TIMEOUT_MS = 60_000
SETUP_TIMEOUT_MS = 180_000  # opening each session's studio before the clock starts (not timed)
OPENING_AT_ONCE = 3
MARKER = re.compile(r"LM-\d+-\d+")
CRASH = "This app has encountered an error"
SAVED = re.compile(r"^Saved “.+” as draft\.$")
STALE = "was changed by someone else since you opened it"
RELOAD = "Discard my edits and load the latest version"
EDITOR = "textarea[data-testid='code-editor']"
WEEK = "ISO week (Monday to Sunday)"

# Counts every change of the app's script state to "running", and keeps the current state.
WATCH_SCRIPT_STATE = """
window.__runs = 0; window.__state = null;
new MutationObserver(() => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = app && app.getAttribute('data-test-script-state');
    if (state !== window.__state) {
        if (state === 'running') window.__runs += 1;
        window.__state = state;
    }
}).observe(document, {subtree: true, childList: true, attributes: true,
                      attributeFilter: ['data-test-script-state']});
"""
RERUN_FINISHED = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return app && app.getAttribute('data-test-script-state') === 'notRunning';
}"""
# The preview's shown iframe (inside the component's shadow root) has the marker.
PREVIEW_SHOWS = """(root, marker) => {
    const frame = root.querySelector("[data-screen='desktop'] iframe[data-active='true']");
    try { return frame.contentDocument.body.innerText.includes(marker); } catch (e) { return false; }
}"""
# The editor's MJML with the last marker taken out and `marker` put at the start of the body's first <mj-text>.
MARKED_MJML = r"""(area, marker) => {
    let text = area.value.replace(/LM-\d+-\d+ /g, '');
    const body = text.indexOf('<mj-body');
    const found = body < 0 ? null : /<mj-text(\s[^>]*[^/])?>/.exec(text.slice(body));
    if (!found) return null;
    const at = body + found.index + found[0].length;
    return text.slice(0, at) + marker + ' ' + text.slice(at);
}"""


# --- bookkeeping (pure, unit-tested in tests/test_bench_load.py) ---------------------------------------


@dataclass
class Save:
    """One click on Save draft: when, and how it ended (None = no answer seen: an error or a timeout)."""

    session: int
    email_id: int
    marker: str
    clicked: float
    answered: float | None = None
    outcome: str | None = None  # "saved", "refused" or None


def lost_edits(saves: list[Save], stored: dict[int, tuple[str, str]]) -> list[str]:
    """What the database lost, one line each: `stored` is each email's (subject, MJML) after the run.

    Per email, the stored marker must belong to a save the page confirmed (or whose answer was never
    seen: that one is an error already) that no later confirmed save follows: a save clicked after
    another was confirmed committed after it, so a confirmed save S can be overwritten only by a save
    clicked after S was confirmed. Subject and body must carry the same marker (one transaction)."""
    problems = []
    by_email: dict[int, list[Save]] = {}
    for save in saves:
        by_email.setdefault(save.email_id, []).append(save)
    for email_id, attempts in sorted(by_email.items()):
        confirmed = [s for s in attempts if s.outcome == "saved"]
        if not confirmed:
            continue
        subject, mjml = stored.get(email_id, ("", ""))
        found = MARKER.findall(subject)
        marker = found[-1] if found else None
        if marker is None or marker not in mjml:
            problems.append(f"email {email_id}: subject {subject!r} and body do not carry one saved marker")
            continue
        final = next((s for s in attempts if s.marker == marker and s.outcome != "refused"), None)
        if final is None:
            problems.append(f"email {email_id}: holds {marker}, which no save sent (or was refused)")
            continue
        if final.outcome != "saved":
            continue  # its answer was never seen: counted as an error, and it may well have committed
        later = [s.marker for s in confirmed if s.clicked > final.answered]
        if later:
            problems.append(f"email {email_id}: holds {marker}, but {', '.join(later)} was saved after it")
    return problems


@dataclass
class Tally:
    """What the sessions saw: action timings (s), errors, refusals and every save."""

    timings: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: list[str] = field(default_factory=list)
    refusals: int = 0
    saves: list[Save] = field(default_factory=list)
    loops: int = 0
    server_cpu: float = 0.0  # seconds of CPU the Streamlit server used while the sessions ran
    wall: float = 0.0


def summary_rows(alone: Tally, loaded: Tally) -> list[str]:
    """The table printed at the end: per action, n, median and p95 alone and under load, p95 ratio."""
    rows = [
        f"{'action':<14} {'n alone':>7} {'median':>8} {'p95':>8} | {'n load':>6} {'median':>8} {'p95':>8} | p95 ÷ alone"
    ]
    for action in ACTIONS:
        one, many = alone.timings[action], loaded.timings[action]
        if not one or not many:
            rows.append(f"{action:<14} {len(one):>7} {'–':>8} {'–':>8} | {len(many):>6}")
            continue
        p_one, p_many = percentile(one, 0.95), percentile(many, 0.95)
        rows.append(
            f"{action:<14} {len(one):>7} {statistics.median(one) * 1000:>6.0f}ms {p_one * 1000:>6.0f}ms |"
            f" {len(many):>6} {statistics.median(many) * 1000:>6.0f}ms {p_many * 1000:>6.0f}ms | {p_many / p_one:.1f}×"
        )
    return rows


# --- one browser session -------------------------------------------------------------------------------


class ActionFailed(Exception):
    """An error the page showed (or a timeout); the session reloads and goes on."""


async def _check_page(page) -> None:
    if await page.locator("[data-testid='stException']").count():
        text = await page.locator("[data-testid='stException']").first.inner_text()
        raise ActionFailed(f"exception shown: {text[:200]!r}")
    if await page.get_by_text(CRASH).count():
        raise ActionFailed("the app's error page")
    state = await page.locator("[data-testid='stApp']").get_attribute("data-test-connection-state")
    if state not in (None, "CONNECTED"):
        raise ActionFailed(f"connection {state}")


async def _timed(page, tally: Tally | None, action: str, do, shown) -> float:
    """Run `do()` (a click…), wait for `shown()` (what only the rerun it starts can show), then for the
    script state to be back to not running; the seconds taken. (Waiting to see the state "running"
    first is not enough: a quick rerun's start and end can reach the page in one render, never drawn.)"""
    runs = await page.evaluate("() => window.__runs")
    try:
        started = time.perf_counter()
        await do()
        await shown()
        await page.wait_for_function(RERUN_FINISHED, timeout=ACTION_TIMEOUT_MS, polling=20)
        took = time.perf_counter() - started
        await _check_page(page)
    except Exception as exc:
        state = await page.evaluate("runs => [window.__state, window.__runs - runs]", runs)
        raise ActionFailed(
            f"{action}: {type(exc).__name__}: {str(exc).splitlines()[0]} (script state {state[0]},"
            f" {state[1]} runs started since the click, at {page.url})"
        ) from exc
    if tally is not None:
        tally.timings[action].append(took)
    return took


async def _open(page, url: str, email_id: int, timeout_ms: int = ACTION_TIMEOUT_MS) -> None:
    await page.goto(f"{url}/studio?email={email_id}", timeout=timeout_ms, wait_until="commit")
    await page.locator(EDITOR).wait_for(timeout=timeout_ms)
    await page.wait_for_function("() => window.__state === 'notRunning'", timeout=timeout_ms, polling=50)


async def _loop_once(page, tally: Tally, number: int, session: int, email_id: int, think: float) -> None:
    sidebar = page.get_by_test_id("stSidebarNav")
    heading = page.get_by_role("heading", name="Weekly review")
    await _timed(
        page,
        tally,
        "open review",
        lambda: sidebar.get_by_text("Weekly review", exact=True).click(),
        lambda: heading.wait_for(timeout=ACTION_TIMEOUT_MS),
    )
    await _pause(think)
    week = page.get_by_role("combobox", name=WEEK)
    await week.click()
    options = page.get_by_role("option")
    await options.first.wait_for(timeout=ACTION_TIMEOUT_MS)
    choices = [
        i
        for i in range(await options.count())
        if await options.nth(i).get_attribute("aria-selected") != "true"
    ]
    choice = options.nth(random.choice(choices[:8] or [0]))
    label = await choice.inner_text()
    await _timed(
        page,
        tally,
        "switch week",
        choice.click,
        lambda: page.get_by_role("heading", name=label, exact=True).wait_for(timeout=ACTION_TIMEOUT_MS),
    )

    await _pause(think)
    editor = page.locator(EDITOR)
    await _timed(
        page,
        tally,
        "open studio",
        lambda: sidebar.get_by_text("Email studio", exact=True).click(),
        lambda: editor.wait_for(timeout=ACTION_TIMEOUT_MS),
    )
    await _pause(think)
    marker = f"LM-{session:02d}-{number:04d}"
    mjml = await editor.evaluate(MARKED_MJML, marker)
    if mjml is None:
        raise ActionFailed(f"email {email_id} has no <mj-text> to mark")
    preview = page.locator("[data-testid='email-preview']")

    async def apply_mjml():
        await editor.fill(mjml)
        await editor.press("Control+Enter")

    async def preview_shows_marker():
        deadline = time.perf_counter() + ACTION_TIMEOUT_MS / 1000
        while not await preview.evaluate(PREVIEW_SHOWS, marker):
            if time.perf_counter() > deadline:
                raise ActionFailed(f"the preview never showed {marker}")
            await asyncio.sleep(0.02)

    await _timed(page, tally, "preview edit", apply_mjml, preview_shows_marker)

    await _pause(think)
    subject = page.get_by_label("Subject", exact=True)
    value = MARKER.sub("", await subject.input_value()).rstrip(" []")
    await subject.fill(f"{value} [{marker}]"[-300:])  # sent with the click below, as the input loses focus

    save = Save(session, email_id, marker, clicked=time.perf_counter())
    tally.saves.append(save)
    # The studio's own message: the Save draft button's tooltip ("Saves even a broken email, as draft."),
    # up under the pointer after the click, must not count as the answer.
    answer = page.get_by_text(SAVED).or_(page.get_by_text(STALE))

    async def answered():
        await answer.first.wait_for(timeout=ACTION_TIMEOUT_MS)
        save.answered = time.perf_counter()

    await _timed(page, tally, "save", page.get_by_role("button", name="Save draft").click, answered)
    if await page.get_by_text(STALE).count():
        save.outcome = "refused"
        tally.refusals += 1
        stale = page.get_by_text(STALE)
        await _timed(
            page,
            None,
            "reload",
            page.get_by_role("button", name=RELOAD).click,
            lambda: stale.first.wait_for(state="detached", timeout=ACTION_TIMEOUT_MS),
        )
    else:
        save.outcome = "saved"
    await _pause(think)


async def _pause(think: float) -> None:
    """A user's pause between two actions: uniform in [0, 2 × think] seconds (none when think is 0)."""
    if think:
        await asyncio.sleep(random.uniform(0, 2 * think))


@dataclass
class Clock:
    """The sessions' common start (once every one has opened its studio) and end."""

    sessions: int
    think: float = 0.0
    ready: int = 0
    stop: float = 0.0
    start: asyncio.Event = field(default_factory=asyncio.Event)
    opening: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(OPENING_AT_ONCE))

    async def wait_for_start(self) -> None:
        self.ready += 1
        await self.start.wait()

    def running(self) -> bool:
        return asyncio.get_running_loop().time() < self.stop


async def run_session(browser, url: str, session: int, email_id: int, tally: Tally, clock: Clock) -> None:
    """Open the studio on `email_id` (not timed), wait for the start, loop until the time is up."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    await page.add_init_script(WATCH_SCRIPT_STATE)
    page.on("crash", lambda _: tally.errors.append(f"session {session}: the page crashed"))
    page.on("pageerror", lambda exc: tally.errors.append(f"session {session}: page error {exc}"))
    try:
        # A few at a time: 20 renderers compiling the front end at once take minutes.
        async with clock.opening:
            await _open(page, url, email_id, timeout_ms=SETUP_TIMEOUT_MS)
        await clock.wait_for_start()
        number, broken = 0, False
        while clock.running():
            number += 1
            try:
                if broken:  # after an error: reload the studio, as a user would
                    await _open(page, url, email_id)
                    broken = False
                await _loop_once(page, tally, number, session, email_id, clock.think)
                tally.loops += 1
            except Exception as exc:  # noqa: BLE001 - every failure is counted, then the session goes on
                tally.errors.append(
                    f"session {session}, loop {number}: {type(exc).__name__}: {str(exc)[:300]}"
                )
                broken = True
    finally:
        await context.close()


async def run_sessions(
    url: str, email_ids: list[int], sessions: int, seconds: float, think: float, server_pid: int
) -> tuple[Tally, Tally]:
    """The baseline (one session alone), then `sessions` at once; each for `seconds`."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        results = []
        for count, first in ((1, 100), (sessions, 0)):  # the baseline's markers are LM-100-…
            tally, clock = Tally(), Clock(count, think)
            tasks = [
                asyncio.create_task(
                    run_session(browser, url, first + i, email_ids[i % len(email_ids)], tally, clock)
                )
                for i in range(count)
            ]
            while clock.ready < count and not any(task.done() for task in tasks):
                await asyncio.sleep(0.2)
            clock.stop = asyncio.get_running_loop().time() + seconds
            cpu, wall = cpu_seconds(server_pid), time.perf_counter()
            clock.start.set()
            await asyncio.gather(*tasks)
            tally.server_cpu, tally.wall = cpu_seconds(server_pid) - cpu, time.perf_counter() - wall
            results.append(tally)
        await browser.close()
    return results[0], results[1]


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, seconds) process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --- the server, the database and the report ----------------------------------------------------------


@contextmanager
def database(url: str | None):
    """A fresh SQLite file, or a fresh schema on the PostgreSQL at `url` (dropped afterwards): its URL."""
    if url is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'journey.db'}"
        return
    from db.engine import make_engine

    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def demo_emails(url: str) -> list[int]:
    """The demo journey's email ids, in journey order."""
    from db.engine import make_engine, read_scope
    from journey.plan import demo, journeys

    engine = make_engine(url)
    deadline = time.monotonic() + SETUP_TIMEOUT_MS / 1000
    try:
        while True:  # the first visit's migrations and demo may still be committing on a busy machine
            try:
                with read_scope(engine) as session:
                    journey_id = demo.demo_journey_id(session)
                    if journey_id is not None:
                        tree = journeys.load_tree(session, journey_id)
                        return [email.id for node in tree.stages for email in node.emails]
            except Exception:  # noqa: BLE001 - no tables yet
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise SystemExit("the demo journey never appeared in the database")
            time.sleep(1)
    finally:
        engine.dispose()


def stored_emails(url: str, email_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each email's (subject, MJML) as the database has it now."""
    from db.engine import make_engine, read_scope
    from journey.plan import journeys

    engine = make_engine(url)
    try:
        with read_scope(engine) as session:
            return {
                i: (email.subject or "", email.mjml or "")
                for i in email_ids
                for email in [journeys.get_email(session, i)]
            }
    finally:
        engine.dispose()


async def seed(url: str) -> None:
    """The first visit: the app migrates the database and loads the demo workspace."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        page = await browser.new_page()
        await page.goto(url)
        await page.get_by_role("heading", name="Journeys").wait_for(timeout=ACTION_TIMEOUT_MS)
        await browser.close()


def report(alone: Tally, loaded: Tally, lost: list[str], sessions: int, seconds: float) -> None:
    print(f"{sessions} sessions for {seconds:.0f} s: {loaded.loops} loops; alone: {alone.loops} loops")
    for row in summary_rows(alone, loaded):
        print(row)
    for name, tally in (("alone", alone), ("under load", loaded)):
        print(
            f"server CPU {name}: {tally.server_cpu:.1f} s in {tally.wall:.1f} s"
            f" ({tally.server_cpu / max(tally.wall, 1e-9):.2f} cores)"
        )
    saved = sum(1 for s in loaded.saves + alone.saves if s.outcome == "saved")
    print(f"saves confirmed: {saved}; stale-save refusals shown: {alone.refusals + loaded.refusals}")
    print(f"errors: {len(alone.errors) + len(loaded.errors)}")
    for line in (alone.errors + loaded.errors)[:20]:
        print(f"  {line}")
    print(f"lost edits: {len(lost)}")
    for line in lost:
        print(f"  {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between actions, seconds (default 0: none)"
    )
    parser.add_argument(
        "--database-url", help="a PostgreSQL server (a schema of its own is made); default SQLite"
    )
    args = parser.parse_args()
    print(machine())
    with database(args.database_url) as url, tempfile.TemporaryDirectory() as folder:
        print(f"database: {url.split('://', 1)[0]}")
        server_url, server = start_streamlit(Path(folder), DATABASE_URL=url)
        try:
            asyncio.run(seed(server_url))
            email_ids = demo_emails(url)
            alone, loaded = asyncio.run(
                run_sessions(server_url, email_ids, args.sessions, args.seconds, args.think, server.pid)
            )
        finally:
            stop_streamlit(server)
        lost = lost_edits(alone.saves + loaded.saves, stored_emails(url, email_ids))
    print(machine())
    print(f"think time: {args.think:.1f} s mean between actions")
    report(alone, loaded, lost, args.sessions, args.seconds)
    sys.exit(1 if alone.errors or loaded.errors or lost else 0)


if __name__ == "__main__":
    main()
