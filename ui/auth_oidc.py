"""Sign-in through the team's identity provider (OIDC, Streamlit's st.login) and its allowlist.

The contract ui.auth (the sign-in gate) relies on:

    configured() -> bool            an [auth] section in .streamlit/secrets.toml names a provider
    signed_in_email() -> str | None the provider's verified address of the signed-in user, when the
                                    address is on the allowlist; None otherwise
    refusal() -> str | None         why a signed-in provider account was not let in (not on the list)
    draw_sign_in() -> None          the "Sign in with …" button (st.login)
    sign_out() -> None              st.logout

Stub until the OIDC work lands: no provider is configured.
"""

from __future__ import annotations


def configured() -> bool:
    return False


def signed_in_email() -> str | None:
    return None


def refusal() -> str | None:
    return None


def draw_sign_in() -> None:
    return None


def sign_out() -> None:
    return None
