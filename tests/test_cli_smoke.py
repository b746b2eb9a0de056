"""Each CLI command run once for real, as a user runs it: `python -m journey COMMAND …` in a subprocess.

The other test_cli_*.py files call `main(argv)` in process (fast); these prove the module entry point,
its exit codes and its output streams end to end, one command each.
"""

from __future__ import annotations

import email
import json
import os
import shutil
import subprocess
import sys
from email import policy

import pytest
from metrics_import_support import FIXTURES, JOURNEY, make_onboarding
from support import ROOT, in_db

from journey.plan import demo
from journey.plan.demo_content import DEMO_JOURNEY

EMAIL = (
    "<mjml><mj-body><mj-section><mj-column>"
    '<mj-text>Hi {{ first_name | default: "there" }}, your beans ship today.</mj-text>'
    '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
    "</mj-column></mj-section></mj-body></mjml>"
)
DEMO = DEMO_JOURNEY["name"]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A database with the demo workspace and the Onboarding journey, plus an email and a journey file."""
    folder = tmp_path_factory.mktemp("smoke")
    with in_db(f"sqlite:///{folder / 'template.db'}") as session:
        demo.load_demo(session)
        make_onboarding(session)
    (folder / "email.mjml").write_text(EMAIL, encoding="utf-8")
    (folder / "olivia.json").write_text('{"first_name": "Olivia"}', encoding="utf-8")
    return folder


@pytest.fixture
def db(workspace, tmp_path):
    """A copy of the workspace's database for one test (commands may write to it)."""
    shutil.copy(workspace / "template.db", tmp_path / "journey.db")
    return f"sqlite:///{tmp_path / 'journey.db'}"


def journey_cli(*args: str, db: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "journey", "--database-url", db, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def export_file(workspace, db: str) -> str:
    """The demo journey exported to a file (in process), for import-journey."""
    from journey.plan import journeys, transfer

    with in_db(db) as session:
        payload = transfer.export_journey(session, journeys.get_journey_by_name(session, DEMO).id)
    path = workspace / "demo-journey.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


def backup_file(workspace, db: str) -> str:
    """A backup of the workspace written in process, for restore."""
    from db.engine import make_engine
    from journey.plan.backup import backup_bytes

    engine = make_engine(db)
    path = workspace / "backup.jsonl.gz"
    path.write_bytes(backup_bytes(engine))
    engine.dispose()
    return str(path)


@pytest.mark.parametrize(
    ("command", "args", "returncode", "expected"),
    [
        pytest.param("init", [], 0, "Schema is up to date", id="init"),
        pytest.param("demo", ["--replace"], 0, f'Loaded the demo workspace: journey "{DEMO}".', id="demo"),
        pytest.param("backup", ["{new_backup}"], 0, "Backed up ", id="backup"),
        pytest.param("restore", ["{backup}", "--force"], 0, "Restored ", id="restore"),
        pytest.param("user", ["list", "--json"], 0, "[]", id="user"),
        pytest.param("list", ["--json"], 0, f'"name": "{DEMO}"', id="list"),
        pytest.param("export", ["--journey", DEMO], 0, '"format": "email-journey/1"', id="export"),
        pytest.param("bin", ["list"], 0, "The bin is empty.", id="bin"),
        pytest.param(
            "import-journey",
            ["{journey_file}", "--name", "Copy"],
            0,
            'Imported journey "Copy".',
            id="import-journey",
        ),
        pytest.param(
            "render",
            ["{email}", "--data", "{data}", "--text"],
            0,
            "Hi Olivia, your beans ship today.",
            id="render",
        ),
        pytest.param("check", ["{email}", "--json"], 0, '"rule": "preheader-missing"', id="check"),
        pytest.param(
            "convert-tags",
            ["{email}", "-o", "{converted}"],
            0,
            "No merge tags of other engines found",
            id="convert-tags",
        ),
        pytest.param(
            "import-metrics",
            [str(FIXTURES / "generic.csv"), "--journey", JOURNEY, "--json"],
            0,
            '"imported": 5',
            id="import-metrics",
        ),
        pytest.param(
            "report",
            ["--journey", JOURNEY, "--week", "2026-W45", "--json"],
            0,
            '"stage": "Awareness"',
            id="report",
        ),
        pytest.param(
            "check-journey", ["--journey", JOURNEY, "--json"], 1, '"severity": "error"', id="check-journey"
        ),
    ],
)
def test_each_command_runs_as_python_m_journey(workspace, db, command, args, returncode, expected):
    files = {"email": workspace / "email.mjml", "data": workspace / "olivia.json"}
    files["converted"] = workspace / "converted.mjml"
    if "{journey_file}" in args:
        files["journey_file"] = export_file(workspace, db)
    files["new_backup"] = workspace / "new-backup.jsonl.gz"
    if "{backup}" in args:
        files["backup"] = backup_file(workspace, db)
    argv = [arg.format(**files) for arg in args]
    result = journey_cli(command, *argv, db=db)
    assert result.returncode == returncode, result.stderr
    assert expected in result.stdout
    assert result.stderr == ""


def test_user_add_reads_the_password_twice_from_a_pipe_and_list_never_shows_a_hash(db):
    added = subprocess.run(
        [sys.executable, "-m", "journey", "--database-url", db, "user", "add", "Maya@Example.com"]
        + ["--role", "owner", "--name", "Maya"],
        cwd=ROOT,
        input="correct horse battery\ncorrect horse battery\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == "Added maya@example.com as owner, with a password.\n"
    listed = journey_cli("user", "list", "--json", db=db)
    (account,) = json.loads(listed.stdout)
    assert (account["email"], account["role"], account["has_password"]) == ("maya@example.com", "owner", True)
    assert "argon2" not in listed.stdout
    assert "hash" not in listed.stdout


def test_report_send_to_mails_the_digest_as_cron_runs_it(db, inbox):
    """The crontab line of the README: `report --week LAST --send-to …` with the SMTP_* variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SMTP_")}
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(inbox.port), SMTP_STARTTLS="false")
    env["SMTP_FROM"] = "digest@fernhillcoffee.example"
    result = subprocess.run(
        [sys.executable, "-m", "journey", "--database-url", db, "report", "--week", "LAST"]
        + ["--send-to", "team@fernhillcoffee.example"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Sent “Weekly review " in result.stdout
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["team@fernhillcoffee.example"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert DEMO in message.get_body(("html",)).get_content()  # the demo journey has metrics every week
