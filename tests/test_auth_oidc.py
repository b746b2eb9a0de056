"""ui.auth_oidc, the contract the sign-in gate relies on, over fake secrets and a fake st.user (the real
provider round trip is tests/test_browser_oidc.py)."""

from __future__ import annotations

import pytest

from journey.core.access import Role
from ui import auth_oidc

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "app",
    "client_secret": "s",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


class FakeSecrets:
    def __init__(self, tables: dict | None) -> None:
        self.tables = tables

    def load_if_toml_exists(self) -> bool:
        return self.tables is not None

    def get(self, name, default=None):
        return (self.tables or {}).get(name, default)


class FakeUser(dict):
    @property
    def is_logged_in(self) -> bool:
        return bool(self)

    def to_dict(self) -> dict:
        return dict(self)


@pytest.fixture
def provider(monkeypatch):
    """set(secrets tables or None, claims of the signed-in account or None)."""

    def set_(tables: dict | None, claims: dict | None = None) -> None:
        monkeypatch.setattr(auth_oidc.st, "secrets", FakeSecrets(tables))
        monkeypatch.setattr(auth_oidc.st, "user", FakeUser(claims or {}))

    return set_


ANA = {"email": "Ana@Shop.example", "email_verified": True, "name": "Ana Lima"}


@pytest.mark.parametrize(
    "tables",
    [None, {}, {"access": {"allow": ["@shop.example"]}}, {"smtp": {"host": "smtp.example.com"}}],
    ids=["no-secrets-file", "empty", "access-only", "smtp-only"],
)
def test_without_an_auth_section_oidc_is_off(provider, tables):
    provider(tables, ANA)
    assert auth_oidc.configured() is False
    assert auth_oidc.signed_in_email() is None
    assert auth_oidc.refusal() is None


def test_an_allowed_verified_account_is_signed_in_by_its_lower_cased_address(provider):
    provider({"auth": AUTH, "access": {"allow": ["@shop.example"], "default_role": "editor"}}, ANA)
    assert auth_oidc.configured() is True
    assert auth_oidc.signed_in_email() == "ana@shop.example"
    assert auth_oidc.refusal() is None
    assert auth_oidc.default_role() is Role.editor


def test_nobody_signed_in_is_neither_signed_in_nor_refused(provider):
    provider({"auth": AUTH, "access": {"allow": ["@shop.example"]}}, None)
    assert auth_oidc.signed_in_email() is None
    assert auth_oidc.refusal() is None


def test_an_auth_section_without_access_lets_nobody_in(provider):
    provider({"auth": AUTH}, ANA)
    assert auth_oidc.signed_in_email() is None
    assert "allowlist" in auth_oidc.refusal()


def test_a_malformed_access_section_lets_nobody_in_and_says_what_is_wrong(provider):
    provider({"auth": AUTH, "access": {"allow": ["shop.example"], "default_role": "owner"}}, ANA)
    assert auth_oidc.signed_in_email() is None
    assert auth_oidc.refusal().startswith("Sign-in is misconfigured, so nobody can get in")
    assert "'shop.example'" in auth_oidc.refusal()
    assert auth_oidc.default_role() is Role.viewer


def test_the_button_names_the_provider_when_the_access_section_does(provider):
    provider({"auth": AUTH, "access": {"allow": [], "provider_name": " Google "}})
    assert auth_oidc.provider_name() == "Google"
    provider({"auth": AUTH, "access": {"allow": []}})
    assert auth_oidc.provider_name() == "your identity provider"


def test_an_auth_section_without_a_provider_still_locks_the_app_and_says_what_is_missing(
    provider, monkeypatch
):
    provider({"auth": {**AUTH, "server_metadata_url": ""}, "access": {"allow": ["@shop.example"]}})
    assert auth_oidc.configured() is True  # fail closed: the gate asks for a sign-in
    assert auth_oidc.providers() == []
    shown = []
    monkeypatch.setattr(auth_oidc.st, "error", lambda message, **_: shown.append(message))
    monkeypatch.setattr(auth_oidc.st, "button", lambda label, **_: shown.append(label) and False)
    auth_oidc.draw_sign_in()
    assert len(shown) == 1
    assert "names no identity provider (server_metadata_url)" in shown[0]


def test_named_providers_get_a_button_each_and_log_in_through_their_own_name(provider, monkeypatch):
    named = {key: value for key, value in AUTH.items() if key in ("redirect_uri", "cookie_secret")}
    provider(
        {
            "auth": {
                **named,
                "google": {**AUTH, "client_kwargs": {"prompt": "login"}},
                "okta": AUTH,
                "client_kwargs": {"prompt": "login"},
            },
            "access": {"allow": ["@shop.example"]},
        }
    )
    assert auth_oidc.configured() is True
    assert auth_oidc.providers() == ["google", "okta"]
    labels, logins = [], []
    monkeypatch.setattr(
        auth_oidc.st, "button", lambda label, **_: labels.append(label) or label.endswith("Okta")
    )
    monkeypatch.setattr(auth_oidc.st, "login", logins.append)
    auth_oidc.draw_sign_in()
    assert labels == ["Sign in with Google", "Sign in with Okta"]
    assert logins == ["okta"]


def test_the_default_provider_logs_in_as_default(provider, monkeypatch):
    provider({"auth": AUTH, "access": {"allow": []}})
    assert auth_oidc.providers() == ["default"]
    logins = []
    monkeypatch.setattr(
        auth_oidc.st, "button", lambda label, **_: label == "Sign in with your identity provider"
    )
    monkeypatch.setattr(auth_oidc.st, "login", logins.append)
    auth_oidc.draw_sign_in()
    assert logins == ["default"]
