"""Test sends from the studio: the SMTP settings (secrets.toml, else the environment) and the send form."""

from __future__ import annotations

import os
from typing import NamedTuple

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from journey.core.errors import JourneyError
from journey.core.text import escape_markdown
from journey.write.send import (
    MAX_TEST_RECIPIENTS,
    SmtpConfig,
    send_test_email,
    smtp_config,
    smtp_settings_from_env,
)
from ui.loaders import load_snippet_library
from ui.writes import attempt

NOT_CONFIGURED = (
    "Test sends are off: no SMTP server is configured. Add an `[smtp]` table (host, port, starttls, "
    "user, password, from) to `.streamlit/secrets.toml`, or set SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, "
    "SMTP_USER, SMTP_PASSWORD and SMTP_FROM, then restart the app."
)


class SmtpSetup(NamedTuple):
    config: SmtpConfig | None
    problem: str | None = None  # why there is no config
    broken: bool = False  # the problem is an error to fix (a secrets file that does not parse)


def smtp_settings() -> SmtpSetup:
    """The SMTP settings from the [smtp] table of .streamlit/secrets.toml, else the SMTP_* variables.

    Streamlit raises StreamlitSecretNotFoundError both when no secrets file exists (error_id
    "no-secrets-found": then the environment is used, quietly) and when one cannot be loaded (a TOML
    error, with the file's path and line): that is reported, not skipped.
    """
    try:
        table = dict(st.secrets["smtp"]) if "smtp" in st.secrets else {}
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) != "no-secrets-found":
            return SmtpSetup(None, f"Test sends are off: the secrets file is broken. {exc}", broken=True)
        table = {}
    try:
        config = smtp_config(table or smtp_settings_from_env(os.environ))
    except JourneyError as exc:
        return SmtpSetup(None, f"SMTP is misconfigured: {exc}")
    return SmtpSetup(config, None if config else NOT_CONFIGURED)


def studio_test_send(draft: dict, data: dict) -> None:
    """The test-send form: up to 5 addresses; disabled, with how to configure SMTP, when it is not set up."""
    setup = smtp_settings()
    st.text_area(
        f"Test addresses (up to {MAX_TEST_RECIPIENTS})",
        key="studio_send_to",
        max_chars=2_000,  # 5 addresses of up to 254 characters each, with separators
        placeholder="you@yourbrand.com, colleague@yourbrand.com",
    )
    if setup.config is None:
        (st.error if setup.broken else st.info)(setup.problem)
    else:
        st.caption(
            f"Sends through {setup.config.describe()}: the editor's current version, as the chosen persona."
        )
    if not st.button("Send test", key="studio_send", disabled=setup.config is None):
        return
    result = attempt(
        send_test_email,
        setup.config,
        addresses=st.session_state.get("studio_send_to", ""),
        mjml=draft["mjml"],
        subject=draft["subject"],
        preheader=draft["preheader"],
        data=data,
        snippets=load_snippet_library(),
    )
    if result is None:
        return
    st.success(f"Sent to {escape_markdown(', '.join(result.accepted))}.")
    for address, reason in result.refused.items():
        st.warning(escape_markdown(f"The server refused {address}: {reason}"))
