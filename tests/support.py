"""What the tests share: the in-process CLI runner, AppTest page helpers and factories that seed a workspace.

- `cli` (a fixture, registered in conftest.py): `cli("list", "--json", db=url)` runs `journey.__main__.main`
  in this process and returns a `CliResult` (returncode, stdout, stderr), as `subprocess.run` would.
  Each command also runs once for real, as `python -m journey …`, in test_cli_smoke.py.
- `open_page`, `run_page`, `click`, `texts`: open a page with AppTest, click a button, read what it shows.
- `in_db(url)`: a committed session on a database (migrated), to seed it or check what a page saved.
- `make_persona`, `make_journey`: factories for the personas and journeys a test needs, no more.
- `inbox` (a fixture, registered in conftest.py): a real SMTP server on loopback (aiosmtpd) that keeps what
  it receives (`inbox.envelopes`) and refuses @refused.example; `inbox.port` is where it listens.
  `Inbox`, `start_smtp` and `free_port` build other servers (one that wants a login, a closed port);
  `smtp_env(port)` (a fixture) sets the SMTP_* variables the app and the CLI read to such a server.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import socket
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlmodel import Session

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Email, Journey, Persona, Stage
from journey.plan import journeys
from journey.plan.personas import create_persona
from journey.write import variants

if TYPE_CHECKING:  # Streamlit and the UI load only for the page tests (conftest imports this module)
    from aiosmtpd.controller import Controller
    from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP_PATH = str(ROOT / "app.py")
PAGE_TIMEOUT_S = 60
_MARKDOWN_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")  # journey.core.text.escape_markdown's backslashes


# --- the command line, in process -------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """What one `python -m journey …` run gave: its exit code and everything it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path) -> Callable[..., CliResult]:
    """cli(*args, db=None, stdin=None, check=False): run the CLI's main(argv) in this process.

    `db` becomes `--database-url` (without it and without $DATABASE_URL, a database in the test's
    temporary folder: never data/journey.db); `stdin` is what the command reads from standard input;
    `check=True` asserts the command succeeded (and shows its stderr when it did not).
    """
    from journey.__main__ import main

    def run(*args: str, db: str | None = None, stdin: str | None = None, check: bool = False) -> CliResult:
        if db is None and not os.environ.get("DATABASE_URL"):
            monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli-default.db'}")
        argv = [*(["--database-url", db] if db else []), *args]
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        capsys.readouterr()  # drop anything printed before the command ran
        try:
            returncode = main(argv)
        except SystemExit as exc:  # argparse exits for --help (0) and for usage errors (2)
            returncode = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        result = CliResult(returncode, out, err)
        if check:
            assert result.returncode == 0, result.stderr
        return result

    return run


# --- a real SMTP server on loopback -----------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses @refused.example."""

    def __init__(self) -> None:
        self.envelopes = []
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def start_smtp(inbox: Inbox, **kwargs: Any) -> tuple[Controller, int]:
    """An aiosmtpd server for `inbox` on a free loopback port (kwargs go to its Controller)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    inbox = Inbox()
    controller, inbox.port = start_smtp(inbox)
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_env(monkeypatch) -> Callable[[int], None]:
    """smtp_env(port): the SMTP_* variables (any set outside removed) for a plain server on 127.0.0.1:port,
    without TLS or login, sending from digest@fernhillcoffee.example."""
    from journey.write.send import ENV_KEYS

    for name in ENV_KEYS.values():
        monkeypatch.delenv(name, raising=False)

    def point_at(port: int) -> None:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(port))
        monkeypatch.setenv("SMTP_STARTTLS", "false")
        monkeypatch.setenv("SMTP_FROM", "digest@fernhillcoffee.example")

    return point_at


# --- AppTest pages ----------------------------------------------------------------------------------


def open_page(name: str, *, query: Mapping[str, str] | None = None, **state: Any) -> AppTest:
    """Open the page registered as `name` (ui.navigation) through app.py's navigation; `query` is the
    URL's query string (`{"journey": "7"}` for `/name?journey=7`)."""
    from streamlit.testing.v1 import AppTest

    from ui.navigation import page_path

    at = AppTest.from_file(APP_PATH, default_timeout=PAGE_TIMEOUT_S)
    at.query_params.update(query or {})
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page_path(name))
    return at.run()


def run_page(name: str, **state: Any) -> AppTest:
    """Run the page registered as `name` on its own (its file, not app.py) and assert it did not raise."""
    from streamlit.testing.v1 import AppTest

    from ui.navigation import page_path

    at = AppTest.from_file(str(ROOT / page_path(name)), default_timeout=PAGE_TIMEOUT_S)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    """Click the (form submit) button whose label is `label`, and rerun."""
    matches = [b for b in at.button if b.label == label]
    assert matches, f"no button {label!r}; buttons: {[b.label for b in at.button]}"
    return matches[0].click().run()


def texts(at: AppTest) -> str:
    """Everything the page shows as text: markdown, captions, alerts, toasts."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [i.value for i in at.info] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [t.value for t in at.toast]
    shown = _MARKDOWN_ESCAPE_RE.sub(r"\1", "\n".join(str(p) for p in parts))  # as the user reads it
    return shown.replace("\u2060", "")  # the word joiner escape_markdown puts in a web or mail address


@contextmanager
def in_db(url: str) -> Iterator[Session]:
    """A committed session on the database at `url` (migrated first), for seeding it or checking a page's save."""
    engine = make_engine(url)
    upgrade(engine)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


# --- factories --------------------------------------------------------------------------------------


def make_persona(session: Session, name: str = "Olivia", **fields: Any) -> Persona:
    """A persona named `name`; any other persona field (merge_data, role…) as keywords."""
    return create_persona(session, name=name, **fields)


@dataclass
class Made:
    """A journey made by make_journey, with its stages and emails by name."""

    journey: Journey
    stages: dict[str, Stage] = field(default_factory=dict)
    emails: dict[str, Email] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.journey.id


def make_journey(
    session: Session,
    name: str = "Spring",
    *,
    stages: Mapping[str, Iterable[str | Mapping[str, Any]]] | Iterable[str] = (),
    lanes: Mapping[str, Mapping[str, Any]] | None = None,
    personas: Iterable[Persona] = (),
    variant_labels: Mapping[str, Iterable[str]] | None = None,
    template: str = "blank",
    **fields: Any,
) -> Made:
    """A journey with exactly the stages and emails a test names (blank by default, not the starter).

    `stages` maps each stage's name to its emails, each a name or a dict of email fields with a "name"
    (a plain list of names makes empty stages); `lanes` maps a stage's name to its lane fields
    (obstacles, emotion…); `personas` are the personas it follows;
    `variant_labels` maps an email's name to its A/B labels. Other keywords (goal, target_kpi, map_type) are the journey's fields.
    """
    journey = journeys.create_journey(
        session, name=name, template=template, persona_ids=[p.id for p in personas], **fields
    )
    made = Made(journey)
    plan = stages if isinstance(stages, Mapping) else {stage: () for stage in stages}
    for stage_name, emails in plan.items():
        stage_lanes = (lanes or {}).get(stage_name, {})
        made.stages[stage_name] = journeys.add_stage(session, journey.id, name=stage_name, **stage_lanes)
        for email in emails:
            values = {"name": email} if isinstance(email, str) else dict(email)
            made.emails[values["name"]] = journeys.add_email(session, made.stages[stage_name].id, **values)
    for email_name, labels in (variant_labels or {}).items():
        for label in labels:
            variants.add_variant(session, made.emails[email_name].id, label=label)
    session.flush()
    return made


# --- the whole database, to compare ----------------------------------------------------------------


def database_snapshot(connection) -> dict[str, tuple[int, str]]:
    """Every model table's row count and a checksum of its rows (a session or a connection): two
    snapshots are equal only if no row was added, removed or changed (metric_daily's counts included)."""
    import hashlib

    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (registers the tables)

    snapshot = {}
    for table in SQLModel.metadata.sorted_tables:
        rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
        digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()[:16]
        snapshot[table.name] = (len(rows), digest)
    return snapshot


def components(at, name: str) -> list[dict]:
    """The data the page gave each custom component `name` (journey_code_editor, journey_email_preview)."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == name]


def preview_documents(at) -> list[str]:
    """The HTML of every email preview on the page: the studio's (one per screen shown), then the
    variants' side-by-side frames."""
    documents = [
        preview["html"]
        for preview in components(at, "journey_email_preview")
        for _ in preview["screens"]
        if preview["html"] is not None
    ]
    for frame in at.get("iframe"):
        src = frame.proto.src
        assert src.startswith("data:text/html;base64,")
        documents.append(base64.b64decode(src.split(",", 1)[1]).decode("utf-8"))
    return documents
