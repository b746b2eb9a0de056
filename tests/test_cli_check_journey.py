"""`python -m journey check-journey`: JSON findings, exit 1 on errors, one-line stderr on user errors."""

import json

import pytest
from support import in_db, make_journey, make_persona

from journey.plan import journeys
from journey.plan.demo_content import DEMO_JOURNEY, DEMO_PERSONAS


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    with in_db(url) as session:
        olivia = make_persona(session, **DEMO_PERSONAS[0])
        journeys.create_journey(session, **DEMO_JOURNEY, persona_ids=[olivia.id])
        make_journey(
            session,
            "Broken",
            stages={
                "Awareness": [{"name": "Hello", "subject": "Hi", "mjml": "<mjml><mj-body></mj-body></mjml>"}]
            },
        )
    return url


def test_json_lists_findings_with_rule_severity_stage_email_message_and_exits_0_without_errors(cli, db):
    result = cli("check-journey", "--journey", DEMO_JOURNEY["name"], "--json", db=db)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings
    assert all(set(f) == {"rule", "severity", "stage", "email", "message"} for f in findings)
    assert "error" not in {f["severity"] for f in findings}


def test_exits_1_when_a_finding_is_an_error(cli, db):
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


def test_text_output_names_each_finding_and_its_fix(cli, db):
    result = cli("check-journey", "--journey", "Broken", db=db)
    assert result.returncode == 1
    assert "ERROR   email-no-unsubscribe [Awareness / Hello]" in result.stdout
    assert "fix: Add a footer link" in result.stdout


def test_an_unknown_journey_is_one_line_on_stderr_and_exit_1(cli, db):
    result = cli("check-journey", "--journey", "Nope", "--json", db=db)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith('error: No journey named "Nope"')


def test_the_command_is_documented_in_help(cli):
    assert "check-journey" in cli("--help").stdout
    sub = cli("check-journey", "--help")
    assert sub.returncode == 0
    assert "--journey" in sub.stdout
    assert "--json" in sub.stdout
