"""Real-browser fixtures: `streamlit run serve.py` (the app as `make run` serves it) on a free port, driven by Playwright on Debian's Chromium.

- `start_app(**env)`: start the app on a fresh SQLite database; returns its base URL.
- `app_url`: one app per test process (per xdist worker), with the demo workspace loaded on first start.
- `browser`: Chromium for the whole session (skipped, with the reason, when it is not installed).
- `page`: a fresh page per test; on failure a screenshot lands in test-artifacts/.
- `open_studio(page, app_url)`: the Email studio opened through the navigation, a preview drawn.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = ROOT / "test-artifacts"
START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy in {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def start_streamlit(
    folder: Path,
    *,
    seed_demo: bool = True,
    script: str | Path = "serve.py",
    address: str | None = "127.0.0.1",
    port: int | None = None,
    **env: str,
) -> tuple[str, subprocess.Popen]:
    """Start `streamlit run serve.py` (as `make run` does; or `script`, e.g. app.py) on a free port with a database in `folder`;
    (base URL, process). `address=None` leaves the address (and usage statistics) to .streamlit/config.toml;
    `port`: one chosen beforehand (an OIDC redirect_uri names it), else a free one."""
    port = port or free_port()
    log = folder / "streamlit.log"
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'journey.db'}",
        "JOURNEY_SEED_DEMO": "1" if seed_demo else "0",
        **env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / script),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            *(["--server.address", address, "--browser.gatherUsageStats", "false"] if address else []),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
    except BaseException:
        process.kill()
        raise
    return url, process


def stop_streamlit(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def start_app(tmp_path_factory):
    """A factory: start_app(seed_demo=True, **env) -> base URL of a running app on its own database."""
    processes: list[subprocess.Popen] = []

    def start(*, seed_demo: bool = True, **env: str) -> str:
        url, process = start_streamlit(tmp_path_factory.mktemp("app"), seed_demo=seed_demo, **env)
        processes.append(process)
        return url

    yield start
    for process in processes:
        stop_streamlit(process)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """A running app with the demo workspace, one per test process (xdist worker), shared by the tests
    that only read the demo or write what no other test reads (a test that changes the demo uses start_app)."""
    url, process = start_streamlit(tmp_path_factory.mktemp("app"))
    yield url
    stop_streamlit(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium` (see .ci/run)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser):
    """One browser context per test process: its HTTP cache keeps Streamlit's front-end bundle (several
    MB of JavaScript) between tests, which otherwise every page downloads and compiles again. Each test
    still gets its own page, so its own Streamlit session; cookies (only Streamlit's XSRF token) are shared."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


@pytest.fixture
def page(browser_context, request):
    page = browser_context.new_page()
    page.set_default_timeout(30_000)
    yield page
    screenshot_if_failed(page, request)
    page.close()


def screenshot_if_failed(page, request) -> None:
    """A full-page screenshot in test-artifacts/, named after the test, when its call failed."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)


def wait_for_app(page) -> None:
    """Wait until Streamlit has drawn the page (not network idle: fonts fail offline)."""
    page.wait_for_selector("[data-testid='stApp']", state="attached")
    # the run's end as the front end records it (a short run never shows the status widget's "Running")
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", state="attached")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=30_000,
    )


def images_requested(page) -> None:
    """Wait until every image the page shows has been asked for: two animation frames (style and layout
    done, so CSS images are fetched too), then the load event of each frame (its images fetched or blocked)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    for frame in page.frames:
        frame.wait_for_load_state("load")


def open_studio(page, app_url: str) -> None:
    """Open the Email studio as a user does (from the root, so app.py's navigation runs) and wait for a preview."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("link", name="Email studio").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Email studio").wait_for()
    page.locator(STUDIO_PREVIEW).first.wait_for()


# The studio's own preview (ui/components/preview.js) shows each screen in the active one of two iframes;
# its MJML editor is a text box in a component (Playwright's CSS selectors pierce its shadow root).
STUDIO_PREVIEW = "[data-screen='desktop'] iframe[data-active='true']"
CODE_EDITOR = "textarea[data-testid='code-editor']"


def set_mjml(page, mjml: str) -> None:
    """Replace the studio editor's MJML and send it at once (Ctrl+Enter, as without the pause)."""
    editor = page.locator(CODE_EDITOR)
    editor.fill(mjml)
    editor.press("Control+Enter")
    wait_for_app(page)
