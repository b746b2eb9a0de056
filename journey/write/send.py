"""Test sends: the rendered email (HTML and plain-text parts) to a few test addresses over SMTP.

The message carries one-click unsubscribe headers as Gmail and Yahoo require of marketing mail
(RFC 8058, ../shared/REFERENCE.md §4):

    List-Unsubscribe: <https://…>, <mailto:…>
    List-Unsubscribe-Post: List-Unsubscribe=One-Click

The SMTP server comes from an `SmtpConfig`, built by `smtp_config(...)` from the `[smtp]` table of
`.streamlit/secrets.toml` or the SMTP_* environment variables (the UI layer reads both and passes
plain values in; nothing here reads files or Streamlit). Every failure is a `SendError`.

`deliver` is the one SMTP client: test sends and the weekly digest (journey.measure.digest) both go through
it, with `new_message` for the headers and `check_addresses` for the recipients.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from email_validator import EmailNotValidError, validate_email

from journey.core.errors import InvalidInput, SendError

MAX_TEST_RECIPIENTS = 5
DEFAULT_TIMEOUT = 15.0
ENV_KEYS = {
    "host": "SMTP_HOST",
    "port": "SMTP_PORT",
    "starttls": "SMTP_STARTTLS",
    "user": "SMTP_USER",
    "password": "SMTP_PASSWORD",
    "from": "SMTP_FROM",
}
NOT_CONFIGURED = (
    "Test sends need an SMTP server: add an [smtp] table to .streamlit/secrets.toml "
    "or set SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_FROM."
)
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class SmtpConfig:
    """Where test sends go. Port 465 means implicit TLS; otherwise STARTTLS when `starttls`."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""  # the From address
    timeout: float = DEFAULT_TIMEOUT

    def describe(self) -> str:
        """For the page: where mail goes, never the password."""
        security = "TLS" if self.port == 465 else ("STARTTLS" if self.starttls else "no encryption")
        login = f", as {self.user}" if self.user else ""
        return f"{self.host}:{self.port} ({security}{login}), from {self.sender}"


@dataclass(frozen=True)
class SendResult:
    accepted: list[str]
    refused: dict[str, str]  # address -> the server's reason


def _flag(value: object, key: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InvalidInput(f"SMTP setting '{key}' must be true or false, not {value!r}.", field=key)


def _address_problem(address: str) -> str | None:
    """Why `address` is not an email address one can send to (email-validator's reason), or None.

    Syntax only: no DNS look-up (check_deliverability=False), so it works offline and in tests.
    """
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return None


def smtp_config(settings: Mapping[str, object] | None) -> SmtpConfig | None:
    """An SmtpConfig from a `[smtp]` table (host, port, starttls, user, password, from); None without a host."""
    if not settings or not str(settings.get("host") or "").strip():
        return None
    host = str(settings["host"]).strip()
    try:
        port = int(str(settings.get("port") or 587).strip())
    except ValueError:
        raise InvalidInput(
            f"SMTP port must be a number, not {settings.get('port')!r}.", field="port"
        ) from None
    if not 0 < port < 65536:
        raise InvalidInput(f"SMTP port must be between 1 and 65535 (got {port}).", field="port")
    user = str(settings.get("user") or "").strip()
    sender = str(settings.get("from") or settings.get("sender") or user).strip()
    if _address_problem(sender):
        raise InvalidInput(
            "SMTP 'from' must be the address test emails come from, e.g. studio@yourbrand.com.", field="from"
        )
    return SmtpConfig(
        host=host,
        port=port,
        starttls=_flag(settings.get("starttls", True), "starttls"),
        user=user,
        password=str(settings.get("password") or ""),
        sender=sender,
    )


def smtp_settings_from_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The SMTP_* environment variables as a `[smtp]`-style table (only those that are set)."""
    return {key: environ[name] for key, name in ENV_KEYS.items() if environ.get(name)}


def check_addresses(addresses: Iterable[str], *, field: str = "addresses") -> list[str]:
    """The addresses, each checked by email-validator (InvalidInput with its reason for the first bad one),
    duplicates (in any case) once, in the order given."""
    checked: list[str] = []
    for address in addresses:
        problem = _address_problem(address)
        if problem:
            raise InvalidInput(f"“{address}” is not an email address. {problem}", field=field)
        if address.lower() not in (a.lower() for a in checked):
            checked.append(address)
    return checked


def parse_test_addresses(text: str) -> list[str]:
    """Up to MAX_TEST_RECIPIENTS addresses, separated by commas, semicolons, spaces or new lines."""
    addresses = check_addresses(part for part in re.split(r"[\s,;]+", text or "") if part)
    if not addresses:
        raise InvalidInput("Add at least one test address.", field="addresses")
    if len(addresses) > MAX_TEST_RECIPIENTS:
        raise InvalidInput(
            f"A test send goes to at most {MAX_TEST_RECIPIENTS} addresses (got {len(addresses)}). "
            "Send to a list from your email service instead.",
            field="addresses",
        )
    return addresses


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def new_message(*, sender: str, recipients: list[str], subject: str) -> EmailMessage:
    """An empty EmailMessage with From, To, Subject (on one line: no header injection), Date and Message-ID."""
    message = EmailMessage()
    message["From"] = sender if _address_problem(sender) else Address(addr_spec=sender)
    message["To"] = ", ".join(recipients)
    message["Subject"] = _one_line(subject) or "(no subject)"
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] if "@" in sender else None)
    return message


def build_message(
    *,
    sender: str,
    recipients: list[str],
    subject: str,
    html: str,
    text: str,
    unsubscribe_url: str,
    unsubscribe_mailto: str = "",
) -> EmailMessage:
    """A multipart/alternative message (text, then HTML) with one-click unsubscribe headers."""
    if not unsubscribe_url.startswith("https://"):
        raise InvalidInput(
            "The unsubscribe link for List-Unsubscribe must be an https:// URL.", field="unsubscribe_url"
        )
    mailto = unsubscribe_mailto or f"mailto:{sender}?subject=unsubscribe"
    if not mailto.startswith("mailto:"):
        mailto = f"mailto:{mailto}"
    message = new_message(sender=sender, recipients=recipients, subject=subject)
    message["List-Unsubscribe"] = f"<{_one_line(unsubscribe_url)}>, <{_one_line(mailto)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text or "", subtype="plain", cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    return message


def send_test(
    config: SmtpConfig | None,
    *,
    recipients: list[str],
    subject: str,
    html: str,
    text: str,
    unsubscribe_url: str,
    unsubscribe_mailto: str = "",
) -> SendResult:
    """Send one test email to `recipients` (≤ 5) through `config`; SendError when nothing was sent."""
    if config is None:
        raise SendError(NOT_CONFIGURED)
    if not recipients:
        raise SendError("Add at least one test address.")
    if len(recipients) > MAX_TEST_RECIPIENTS:
        raise SendError(f"A test send goes to at most {MAX_TEST_RECIPIENTS} addresses.")
    message = build_message(
        sender=config.sender,
        recipients=recipients,
        subject=subject,
        html=html,
        text=text,
        unsubscribe_url=unsubscribe_url,
        unsubscribe_mailto=unsubscribe_mailto,
    )
    return deliver(config, message, recipients)


def deliver(
    config: SmtpConfig, message: EmailMessage, recipients: list[str], *, who: str = "test address"
) -> SendResult:
    """Send a built `message` to `recipients` through `config` (TLS, STARTTLS and login as configured).

    Every failure is one SendError naming the server; `who` is what the recipients are called in it
    ("refused every test address"). Recipients the server refused while taking the others are in the result.
    """
    where = f"{config.host}:{config.port}"
    try:
        if config.port == 465:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with client:
            if config.starttls and config.port != 465:
                client.starttls(context=ssl.create_default_context())
            if config.user:
                client.login(config.user, config.password)
            refused = client.send_message(message, from_addr=config.sender, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"The SMTP server {where} refused the login for {config.user}: check SMTP user and password."
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(
            f"The SMTP server {where} does not offer STARTTLS: set starttls = false only if it is a local "
            "test server, or use the provider's TLS port."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        reasons = "; ".join(f"{addr}: {_reason(r)}" for addr, r in exc.recipients.items())
        raise SendError(f"The SMTP server {where} refused every {who} ({reasons}).") from exc
    except smtplib.SMTPSenderRefused as exc:
        raise SendError(
            f"The SMTP server {where} refused the sender {config.sender}: {_reason((exc.smtp_code, exc.smtp_error))}"
        ) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(
            f"The SMTP server {where} refused the email: {_reason((exc.smtp_code, exc.smtp_error))}"
        ) from exc
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise SendError(
            f"Could not reach the SMTP server {where} ({type(exc).__name__}: {exc}). "
            "Check SMTP host, port and STARTTLS."
        ) from exc
    refused_reasons = {addr: _reason(r) for addr, r in refused.items()}
    accepted = [addr for addr in recipients if addr not in refused_reasons]
    return SendResult(accepted=accepted, refused=refused_reasons)


def _reason(response: tuple[int, bytes | str]) -> str:
    code, detail = response
    if isinstance(detail, bytes):
        detail = detail.decode("utf-8", "replace")
    return f"{code} {_one_line(detail)}"


def send_test_email(
    config: SmtpConfig | None,
    *,
    addresses: str,
    mjml: str,
    subject: str,
    preheader: str,
    data: Mapping[str, object],
    snippets: Mapping[str, str] | None = None,
) -> SendResult:
    """Render the email as the persona in `data` (includes resolved against `snippets`) and send it,
    subject marked [Test], to `addresses`."""
    from html import unescape

    from journey.write.merge import merge_tags
    from journey.write.render import render_email, standard_merge_data

    if config is None:
        raise SendError(NOT_CONFIGURED)
    recipients = parse_test_addresses(addresses)
    merge_data = {**standard_merge_data(), **data}
    rendered = render_email(mjml, merge_data, preheader=preheader, snippets=snippets)
    merged_subject = unescape(merge_tags(subject, merge_data)) if subject else ""
    return send_test(
        config,
        recipients=recipients,
        subject=f"[Test] {merged_subject}",
        html=rendered.html,
        text=rendered.text,
        unsubscribe_url=str(merge_data["unsubscribe_url"]),
    )
