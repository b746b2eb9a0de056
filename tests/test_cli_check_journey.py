"""`python -m journey check-journey`: JSON findings, exit 1 on errors, one-line stderr on user errors."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from journey.plan import journeys, personas
from journey.plan.starter import DEMO_JOURNEY, DEMO_PERSONAS


def cli(*args, db):
    return subprocess.run(
        [sys.executable, "-m", "journey", "--database-url", db, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        olivia = personas.create_persona(session, **DEMO_PERSONAS[0])
        journeys.create_journey(session, **DEMO_JOURNEY, persona_ids=[olivia.id])
        broken = journeys.create_journey(session, name="Broken", template="blank")
        stage = journeys.add_stage(session, broken.id, name="Awareness")
        journeys.add_email(
            session, stage.id, name="Hello", subject="Hi", mjml="<mjml><mj-body></mj-body></mjml>"
        )
    engine.dispose()
    return url


def test_json_lists_findings_with_rule_severity_stage_email_message_and_exits_0_without_errors(db):
    result = cli("check-journey", "--journey", DEMO_JOURNEY["name"], "--json", db=db)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings
    assert all(set(f) == {"rule", "severity", "stage", "email", "message"} for f in findings)
    assert "error" not in {f["severity"] for f in findings}


def test_exits_1_when_a_finding_is_an_error(db):
    result = cli("check-journey", "--journey", "Broken", "--json", db=db)
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    unsubscribe = next(f for f in findings if f["rule"] == "email-no-unsubscribe")
    assert (unsubscribe["severity"], unsubscribe["stage"], unsubscribe["email"]) == (
        "error",
        "Awareness",
        "Hello",
    )
    assert findings[0]["severity"] == "error"  # errors first


def test_text_output_names_each_finding_and_its_fix(db):
    result = cli("check-journey", "--journey", "Broken", db=db)
    assert result.returncode == 1
    assert "ERROR   email-no-unsubscribe [Awareness / Hello]" in result.stdout
    assert "fix: Add a footer link" in result.stdout


def test_an_unknown_journey_is_one_line_on_stderr_and_exit_1(db):
    result = cli("check-journey", "--journey", "Nope", "--json", db=db)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith('error: No journey named "Nope"')


def test_the_command_is_documented_in_help():
    result = subprocess.run(
        [sys.executable, "-m", "journey", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert "check-journey" in result.stdout
    sub = subprocess.run(
        [sys.executable, "-m", "journey", "check-journey", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert "--journey" in sub.stdout
    assert "--json" in sub.stdout
