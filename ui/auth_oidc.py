"""Sign-in through the team's identity provider (OIDC, Streamlit's st.login) and its allowlist.

The contract ui.auth (the sign-in gate) relies on:

    configured() -> bool            an [auth] section in .streamlit/secrets.toml (complete or not: a
                                    broken one locks the app rather than leaving it open)
    signed_in_email() -> str | None the provider's verified address of the signed-in user, when the
                                    address is on the allowlist; None otherwise
    refusal() -> str | None         why a signed-in provider account was not let in (plain text, not
                                    Markdown: escape it to show it)
    draw_sign_in() -> None          the "Sign in with …" button (st.login); after a refusal also
                                    "Sign out of the refused account" (st.logout)
    sign_out() -> None              st.logout
    default_role() -> Role          the role of an admitted address without a user_account row (ui.auth
                                    gives one with a row that row's role)

Streamlit does the OIDC part (st.login: authorization code flow with PKCE, the ID token's claims kept
in a signed, HttpOnly cookie and shown as st.user; Authlib underneath). It lets in every account the
provider has, so the `[access]` section's allowlist (journey.core.allowlist) decides who gets in:

    [auth]                                 # Streamlit's own keys (README, Signing in with your identity provider)
    redirect_uri = "https://journeys.shop.example/oauth2callback"
    cookie_secret = "…"
    client_id = "…"
    client_secret = "…"
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"

    [access]
    allow = ["ana@shop.example", "@shop.example"]
    default_role = "viewer"
    provider_name = "Google"               # optional: the button says "Sign in with Google"

A configuration error in `[access]` lets nobody in and says what is wrong. Tested against a real
provider on loopback in tests/test_browser_oidc.py, the rules in tests/test_allowlist.py.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from journey.core.access import Role
from journey.core.allowlist import Access, Admission, admit, parse_access, role_for
from journey.core.errors import InvalidInput


def _section(name: str) -> Mapping | None:
    """A top-level table of the secrets (None without a secrets file or without that table)."""
    if not st.secrets.load_if_toml_exists():
        return None
    section = st.secrets.get(name)
    if section is None:
        return None
    return section.to_dict() if hasattr(section, "to_dict") else section


def configured() -> bool:
    """An `[auth]` section in the secrets: OIDC sign-in is on, and so is the gate. Any `[auth]` at all
    counts, complete or not, so a mistyped one locks the app (the sign-in screen says what is missing)
    instead of leaving it open."""
    auth = _section("auth")
    return isinstance(auth, Mapping) and bool(auth)


def providers() -> list[str]:
    """The providers st.login can use: "default" for `[auth]`'s own `server_metadata_url`, and each
    `[auth.NAME]` table that has one (Streamlit's two ways of naming providers)."""
    auth = _section("auth")
    if not isinstance(auth, Mapping):
        return []
    named = [
        name
        for name, table in auth.items()
        if isinstance(table, Mapping) and table.get("server_metadata_url") and name != "client_kwargs"
    ]
    return (["default"] if auth.get("server_metadata_url") else []) + named


def access() -> Access:
    """The `[access]` allowlist (nobody without one); InvalidInput when it is malformed."""
    return parse_access(_section("access"))


def _admission() -> Admission | None:
    """The allowlist's verdict on the signed-in provider account; None when nobody is signed in."""
    if not configured() or not st.user.is_logged_in:
        return None
    try:
        rules = access()
    except InvalidInput as exc:
        return Admission(None, f"Sign-in is misconfigured, so nobody can get in until it is fixed: {exc}")
    return admit(st.user.to_dict(), rules)


def signed_in_email() -> str | None:
    admission = _admission()
    return admission.email if admission else None


def refusal() -> str | None:
    admission = _admission()
    return admission.refusal if admission else None


def provider_name() -> str:
    section = _section("access") or {}
    name = section.get("provider_name") if isinstance(section, Mapping) else None
    return name.strip() if isinstance(name, str) and name.strip() else "your identity provider"


def draw_sign_in() -> None:
    """A button per provider that sends the browser there (st.login); what is missing when none is named."""
    names = providers()
    if not names:
        st.error(
            "Sign-in is misconfigured: the [auth] section of .streamlit/secrets.toml names no identity "
            "provider (server_metadata_url), so nobody can sign in with one.",
            icon="⚠️",
        )
    for name in names:
        label = provider_name() if len(names) == 1 else name.replace("-", " ").title()
        if st.button(f"Sign in with {label}", type="primary", key=f"oidc_sign_in_{name}"):
            st.login(name)
    if refusal() and st.button("Sign out of the refused account", key="oidc_sign_out_refused"):
        sign_out()  # on a shared computer, the next person should not find it signed in


def sign_out() -> None:
    """Forget the provider's sign-in (Streamlit's cookie) and, when it has one, end the provider session."""
    st.logout()


def default_role() -> Role:
    """The role of an admitted address that has no user_account row (ui.auth looks the row up first)."""
    try:
        return role_for(None, access())
    except InvalidInput:  # nobody is admitted then (refusal() says why): the least role, to be safe
        return Role.viewer
