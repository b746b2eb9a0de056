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
    [None, {}, {"access": {"allow": ["@shop.example"]}}, {"auth": {**AUTH, "server_metadata_url": ""}}],
    ids=["no-secrets-file", "empty", "access-only", "no-provider"],
)
def test_without_an_auth_section_naming_a_provider_oidc_is_off(provider, tables):
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
