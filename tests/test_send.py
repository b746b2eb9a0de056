"""Test sends over a real SMTP server on loopback (aiosmtpd): what arrives, and every way it can fail."""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.smtp import AuthResult
from support import Inbox, free_port, start_smtp

from journey.core.errors import InvalidInput, SendError
from journey.write.send import (
    SmtpConfig,
    build_message,
    parse_test_addresses,
    send_test,
    smtp_config,
    smtp_settings_from_env,
)

HTML = (
    '<html><body><p>Hi Olivia,</p><a href="https://fernhillcoffee.example/guide">Download</a></body></html>'
)
TEXT = "Hi Olivia,\n\nDownload the guide: https://fernhillcoffee.example/guide\n"
UNSUBSCRIBE = "https://fernhillcoffee.example/unsubscribe/abc123"


@pytest.fixture
def auth_inbox(recwarn):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"studio" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

    inbox = Inbox()
    controller, port = start_smtp(
        inbox,
        authenticator=authenticator,
        auth_require_tls=False,
        auth_required=True,
    )
    inbox.port = port
    yield inbox
    controller.stop()


def _config(port: int, **overrides) -> SmtpConfig:
    values = {"host": "127.0.0.1", "port": port, "starttls": False, "sender": "studio@fernhillcoffee.example"}
    values.update(overrides)
    return SmtpConfig(**values)


def _send(config: SmtpConfig, recipients: list[str], subject: str = "Your Office Coffee Guide is here"):
    return send_test(
        config, recipients=recipients, subject=subject, html=HTML, text=TEXT, unsubscribe_url=UNSUBSCRIBE
    )


def test_send_delivers_html_and_text_parts_with_one_click_unsubscribe_headers(inbox):
    result = _send(_config(inbox.port), ["olivia@brightside.example", "sam@okafor.example"])

    assert result.accepted == ["olivia@brightside.example", "sam@okafor.example"]
    assert result.refused == {}
    [envelope] = inbox.envelopes
    assert envelope.mail_from == "studio@fernhillcoffee.example"
    assert envelope.rcpt_tos == ["olivia@brightside.example", "sam@okafor.example"]
    message = email.message_from_bytes(envelope.original_content, policy=policy.default)
    assert message["Subject"] == "Your Office Coffee Guide is here"
    assert message["From"] == "studio@fernhillcoffee.example"
    assert message["To"] == "olivia@brightside.example, sam@okafor.example"
    assert message["List-Unsubscribe"] == (
        f"<{UNSUBSCRIBE}>, <mailto:studio@fernhillcoffee.example?subject=unsubscribe>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    parts = {part.get_content_type(): part.get_content() for part in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    assert parts["text/plain"].replace("\r\n", "\n") == TEXT
    assert 'href="https://fernhillcoffee.example/guide"' in parts["text/html"]
    assert "Hi Olivia," in parts["text/html"]


def test_send_logs_in_when_a_user_is_configured(auth_inbox):
    result = _send(_config(auth_inbox.port, user="studio", password="s3cret"), ["olivia@brightside.example"])

    assert result.accepted == ["olivia@brightside.example"]
    assert len(auth_inbox.envelopes) == 1


def test_send_with_a_wrong_password_raises_send_error_without_the_password(auth_inbox):
    with pytest.raises(SendError, match="refused the login for studio") as caught:
        _send(_config(auth_inbox.port, user="studio", password="wrong-pw"), ["olivia@brightside.example"])

    assert "wrong-pw" not in str(caught.value)
    assert auth_inbox.envelopes == []


def test_send_reports_refused_addresses_and_delivers_to_the_others(inbox):
    result = _send(_config(inbox.port), ["olivia@brightside.example", "nobody@refused.example"])

    assert result.accepted == ["olivia@brightside.example"]
    assert list(result.refused) == ["nobody@refused.example"]
    assert result.refused["nobody@refused.example"].startswith("550")
    assert inbox.envelopes[0].rcpt_tos == ["olivia@brightside.example"]


def test_send_when_every_address_is_refused_raises_send_error(inbox):
    with pytest.raises(SendError, match="refused every test address"):
        _send(_config(inbox.port), ["nobody@refused.example"])
    assert inbox.envelopes == []


def test_send_to_a_closed_port_raises_send_error():
    with pytest.raises(SendError, match=r"Could not reach the SMTP server 127\.0\.0\.1"):
        _send(_config(free_port(), timeout=3), ["olivia@brightside.example"])


def test_send_with_starttls_to_a_server_without_it_raises_send_error(inbox):
    with pytest.raises(SendError, match="does not offer STARTTLS"):
        _send(_config(inbox.port, starttls=True), ["olivia@brightside.example"])
    assert inbox.envelopes == []


def test_send_without_smtp_configuration_explains_how_to_configure_it():
    with pytest.raises(SendError, match=r"\[smtp\] table"):
        _send(None, ["olivia@brightside.example"])


def test_send_refuses_more_than_five_recipients(inbox):
    with pytest.raises(SendError, match="at most 5"):
        _send(_config(inbox.port), [f"t{i}@brightside.example" for i in range(6)])
    assert inbox.envelopes == []


def test_subject_with_line_breaks_cannot_inject_headers():
    message = build_message(
        sender="studio@fernhillcoffee.example",
        recipients=["olivia@brightside.example"],
        subject="Hello\r\nBcc: victim@evil.example",
        html=HTML,
        text=TEXT,
        unsubscribe_url=UNSUBSCRIBE,
    )
    assert message["Subject"] == "Hello Bcc: victim@evil.example"
    assert message["Bcc"] is None


def test_unsubscribe_url_must_be_https():
    with pytest.raises(InvalidInput, match="https"):
        build_message(
            sender="studio@fernhillcoffee.example",
            recipients=["olivia@brightside.example"],
            subject="Hi",
            html=HTML,
            text=TEXT,
            unsubscribe_url="javascript:alert(1)",
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a@x.example", ["a@x.example"], id="one"),
        pytest.param(
            "a@x.example, b@x.example;\nc@x.example",
            ["a@x.example", "b@x.example", "c@x.example"],
            id="mixed-separators",
        ),
        pytest.param("a@x.example A@X.example", ["a@x.example"], id="duplicates-once"),
    ],
)
def test_parse_test_addresses_accepts_lists(text, expected):
    assert parse_test_addresses(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "at least one", id="empty"),
        pytest.param("olivia", "not an email address. An email address must have an @-sign", id="no-at"),
        pytest.param("olivia..m@x.example", "two periods in a row", id="double-dot"),
        pytest.param("olivia@localhost", "not an email address", id="no-dot-in-the-domain"),
        pytest.param("olivia@x.test", "special-use or reserved name", id="reserved-domain"),
        pytest.param("a@x.example\nBcc: b@x.example", "not an email address", id="header-injection"),
        pytest.param(" ".join(f"t{i}@x.example" for i in range(6)), "at most 5", id="six"),
    ],
)
def test_parse_test_addresses_rejects_bad_input(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_test_addresses(text)


def test_smtp_config_reads_a_secrets_table_and_hides_the_password():
    config = smtp_config(
        {
            "host": "smtp.example.com",
            "port": "2525",
            "starttls": "false",
            "user": "u",
            "password": "p4ss",
            "from": "s@example.com",
        }
    )
    assert config == SmtpConfig(
        host="smtp.example.com", port=2525, starttls=False, user="u", password="p4ss", sender="s@example.com"
    )
    assert "p4ss" not in repr(config)
    assert "p4ss" not in config.describe()


def test_smtp_config_reads_the_environment_and_defaults_to_starttls_on_587():
    environ = {"SMTP_HOST": "smtp.example.com", "SMTP_USER": "studio@example.com", "SMTP_PASSWORD": "x"}
    config = smtp_config(smtp_settings_from_env(environ))
    assert config.port == 587
    assert config.starttls is True
    assert config.sender == "studio@example.com"


def test_smtp_config_is_none_without_a_host():
    assert smtp_config({}) is None
    assert smtp_config(smtp_settings_from_env({"SMTP_PORT": "25"})) is None


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        pytest.param(
            {"host": "h", "port": "smtp", "from": "s@example.com"}, "port must be a number", id="port-text"
        ),
        pytest.param(
            {"host": "h", "port": "70000", "from": "s@example.com"}, "between 1 and 65535", id="port-range"
        ),
        pytest.param({"host": "h", "from": "studio"}, "'from' must be", id="bad-from"),
        pytest.param(
            {"host": "h", "from": "s@example.com", "starttls": "maybe"}, "true or false", id="bad-flag"
        ),
    ],
)
def test_smtp_config_rejects_bad_settings(settings, message):
    with pytest.raises(InvalidInput, match=message):
        smtp_config(settings)
