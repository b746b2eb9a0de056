"""The weekly digest: `python -m journey report --week LAST --send-to …` received on a real SMTP server on
loopback (aiosmtpd), and every way the command refuses or fails, each in one line."""

from __future__ import annotations

import email
import html
import re
from datetime import timedelta
from email import policy

import pytest
from support import free_port, in_db, make_journey

from db.models import MetricDaily
from journey.measure.digest import week_dates
from journey.measure.review import resolve_week, weekly_review
from journey.measure.weeks import Period

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HOSTILE_STAGE = "Tips & <b>tricks</b>"
STAGES = {"Onboarding": ["Welcome", HOSTILE_STAGE, "Later"], "Shop": ["Cart"]}
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


@pytest.fixture
def week() -> Period:
    """The week LAST means: the last complete ISO week."""
    return resolve_week(None)


# (journey, stage, email): the days of the week under review (0 = Monday; -70: ten weeks before) and counts.
METRICS = {
    ("Onboarding", "Welcome", "Hello"): (
        0,
        dict(sent=1000, delivered=1000, opens=400, clicks=60, unsubscribes=10),
    ),
    ("Onboarding", HOSTILE_STAGE, "Tip one"): (
        6,
        dict(sent=1000, delivered=950, bounces=50, opens=300, clicks=40),
    ),
    ("Shop", "Cart", "Reminder"): (
        3,
        dict(sent=500, delivered=495, bounces=5, opens=200, clicks=30, unsubscribes=1),
    ),
    ("Dormant", "Only", "Old"): (-70, dict(sent=100, delivered=100, opens=50)),
}


@pytest.fixture
def db(db_url, week) -> str:
    """Onboarding (two alerts in the week: unsubscribes in Welcome, bounces in the hostile-named stage; and
    an empty stage, Later), Shop (metrics, no alert) and Dormant (metrics ten weeks before only)."""
    with in_db(db_url) as session:
        for name in dict.fromkeys(journey for journey, _, _ in METRICS):
            plan = {stage: [mail] for journey, stage, mail in METRICS if journey == name}
            made = make_journey(session, name, stages=plan | ({"Later": []} if name == "Onboarding" else {}))
            for (journey, _, mail), (offset, counts) in METRICS.items():
                if journey == name:
                    day = week.start + timedelta(days=offset)
                    session.add(MetricDaily(email_id=made.emails[mail].id, day=day, **counts))
    return db_url


@pytest.fixture
def report(cli, db):
    """report(*args): `python -m journey report …` on that database, in process."""
    return lambda *args, **kwargs: cli("report", *args, db=db, **kwargs)


def _received(inbox):
    [envelope] = inbox.envelopes
    return envelope, email.message_from_bytes(envelope.original_content, policy=policy.default)


def _parts(message):
    """The HTML as a reader sees it (entities decoded), its raw source, the text as read (escapes
    removed), and the PNG parts by Content-ID."""
    raw_html = message.get_body(("html",)).get_content()
    raw_text = message.get_body(("plain",)).get_content()
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in message.walk()
        if part.get_content_type() == "image/png"
    }
    text = MARKDOWN_ESCAPE.sub(r"\1", raw_text).replace("\u2060", "")
    return html.unescape(raw_html), raw_html, text, images


def _alert_messages(db_url: str, journey: str, week: Period) -> list[str]:
    from journey.plan import journeys

    with in_db(db_url) as session:
        review = weekly_review(session, journeys.get_journey_by_name(session, journey).id, week)
        return [alert.message for alert in review.alerts]


def test_digest_of_every_journey_with_metrics_arrives_with_stages_alerts_and_inline_charts(
    report, db, inbox, smtp_env, week
):
    smtp_env(inbox.port)
    result = report(
        "--week", "LAST", "--send-to", "team@fernhillcoffee.example", "--send-to", "lead@okafor.example"
    )

    assert result.returncode == 0, result.stderr
    assert "team@fernhillcoffee.example, lead@okafor.example" in result.stdout
    envelope, message = _received(inbox)
    assert envelope.mail_from == "digest@fernhillcoffee.example"
    assert envelope.rcpt_tos == ["team@fernhillcoffee.example", "lead@okafor.example"]
    assert message["To"] == "team@fernhillcoffee.example, lead@okafor.example"
    assert message["Subject"] == f"Weekly review {week_dates(week)}: 2 alerts"
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "multipart/related"]

    shown_html, raw_html, text, images = _parts(message)
    for stage in (*STAGES["Onboarding"], *STAGES["Shop"]):
        assert stage in shown_html
        assert stage in text
    alerts = _alert_messages(db, "Onboarding", week)
    assert len(alerts) == 2
    for alert in alerts:
        assert alert in shown_html
        assert alert in text
    assert shown_html.index(alerts[0]) < shown_html.index("This week per stage")  # the alerts come first
    assert "Dormant" not in shown_html
    assert "Dormant" not in text

    assert len(images) == 4  # the stage rates chart and the funnel, per journey
    assert all(png.startswith(PNG_MAGIC) for png in images.values())
    assert set(re.findall(r'src="cid:([^"]+)"', raw_html)) == set(images)


def test_user_names_are_escaped_in_both_parts(report, db, inbox, smtp_env):
    smtp_env(inbox.port)
    report("--journey", "Onboarding", "--send-to", "team@fernhillcoffee.example", check=True)

    _, message = _received(inbox)
    _, raw_html, _, _ = _parts(message)
    raw_text = message.get_body(("plain",)).get_content()
    assert "<b>tricks</b>" not in raw_html
    assert "Tips &amp; &lt;b&gt;tricks&lt;/b&gt;" in raw_html
    assert "<b>tricks</b>" not in raw_text


@pytest.mark.parametrize(
    ("journey", "by_id", "week_arg", "subject", "shown", "charts"),
    [
        pytest.param("Shop", True, "ISO", "Shop: no alerts", "Cart", 2, id="by-id-and-iso-week"),
        pytest.param(
            "Dormant",
            False,
            "LAST",
            "Dormant: no metrics yet",
            "Import the week's export",
            0,
            id="no-metrics",
        ),
    ],
)
def test_digest_of_one_journey_names_it_in_the_subject(
    report, db, inbox, smtp_env, week, journey, by_id, week_arg, subject, shown, charts
):
    from journey.plan import journeys

    with in_db(db) as session:
        chosen = str(journeys.get_journey_by_name(session, journey).id) if by_id else journey
    smtp_env(inbox.port)
    week_arg = week.start.strftime("%G-W%V") if week_arg == "ISO" else week_arg
    result = report("--journey", chosen, "--week", week_arg, "--send-to", "a@b.example")

    assert result.returncode == 0, result.stderr
    _, message = _received(inbox)
    assert message["Subject"] == f"Weekly review {week_dates(week)}, {subject}"
    shown_html, _, text, images = _parts(message)
    assert shown in shown_html
    assert shown in text
    assert "Onboarding" not in shown_html
    assert len(images) == charts


def test_an_invalid_address_is_one_line_before_any_connection(report, db, smtp_env):
    smtp_env(free_port())  # nothing listens there: a connection attempt would fail differently
    result = report("--send-to", "team@fernhillcoffee.example", "--send-to", "olivia..m@x.example")

    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "“olivia..m@x.example” is not an email address" in result.stderr
    assert "SMTP server" not in result.stderr


def test_an_smtp_server_that_does_not_answer_is_one_line_naming_it(report, db, smtp_env):
    port = free_port()
    smtp_env(port)
    result = report("--week", "LAST", "--send-to", "team@fernhillcoffee.example")

    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"Could not reach the SMTP server 127.0.0.1:{port}" in result.stderr


def test_without_an_smtp_server_the_error_names_the_variables(report, db, smtp_env):
    result = report("--send-to", "team@fernhillcoffee.example")

    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "set SMTP_HOST" in result.stderr


def test_a_refused_recipient_is_named_and_the_others_still_get_it(report, db, inbox, smtp_env):
    smtp_env(inbox.port)
    result = report("--send-to", "team@fernhillcoffee.example", "--send-to", "gone@refused.example")

    assert result.returncode == 1
    assert f"127.0.0.1:{inbox.port} refused gone@refused.example: 550" in result.stderr
    envelope, _ = _received(inbox)
    assert envelope.rcpt_tos == ["team@fernhillcoffee.example"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--from", "2026-11-01", "--to", "2026-11-07", "--send-to", "a@b.example"],
            "reviews one ISO week",
            id="date-range",
        ),
        pytest.param(["--json", "--send-to", "a@b.example"], "leave out one of them", id="json"),
        pytest.param(
            ["--journey", "Nope", "--send-to", "a@b.example"], 'No journey named "Nope"', id="unknown"
        ),
        pytest.param(
            ["--journey", "999", "--send-to", "a@b.example"], "named or numbered 999", id="unknown-id"
        ),
        pytest.param([], "Give --journey NAME (or --send-to", id="report-without-journey"),
    ],
)
def test_digest_user_errors_are_one_line(report, db, inbox, smtp_env, args, message):
    smtp_env(inbox.port)
    result = report(*args)

    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert inbox.envelopes == []


def test_week_last_without_send_to_prints_the_last_complete_week(report, db, week):
    result = report("--journey", "Onboarding", "--week", "last", check=True)
    assert result.stdout.splitlines()[0] == f"Onboarding: {week.label}"
    assert (
        next(line for line in result.stdout.splitlines() if line.startswith("Welcome")).split()[1] == "1,000"
    )
