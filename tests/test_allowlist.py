"""The [access] allowlist of OIDC sign-in (journey.core.allowlist): who of a provider's accounts gets in."""

from __future__ import annotations

import pytest

from journey.core.access import Role
from journey.core.allowlist import Access, admit, allowed, parse_access, role_for, verified
from journey.core.errors import InvalidInput

TEAM = ("ana@shop.example", "@agency.example")


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("ana@shop.example", True),
        ("ANA@Shop.Example", True),  # addresses compare without case
        ("  ana@shop.example ", True),
        ("bob@shop.example", False),  # shop.example is listed by one address, not as a domain
        ("joe@agency.example", True),
        ("Joe@AGENCY.example", True),
        ("joe@eu.agency.example", False),  # @domain is that domain only, not its subdomains
        ("joe@agency.example.evil", False),
        ("joe@evilagency.example", False),
        ("agency.example", False),
        ("@agency.example", False),  # the entry itself is not an address
        ("ana@shop.example@evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_an_address_is_allowed_by_its_exact_address_or_its_exact_domain(email, expected):
    assert allowed(email, TEAM) is expected


def test_an_empty_list_allows_nobody():
    assert not allowed("ana@shop.example", ())
    assert parse_access(None) == Access()
    assert parse_access({}).allow == ()


def test_a_missing_access_section_lets_nobody_in_and_says_why():
    verdict = admit({"email": "ana@shop.example", "email_verified": True}, parse_access(None))
    assert verdict.email is None
    assert "allowlist" in verdict.refusal
    assert "empty" in verdict.refusal


def test_entries_are_normalised_and_the_default_role_is_read():
    access = parse_access({"allow": [" Ana@Shop.example ", "@Agency.Example"], "default_role": "Editor"})
    assert access == Access(allow=("ana@shop.example", "@agency.example"), default_role=Role.editor)
    assert parse_access({"allow": []}).default_role is Role.viewer


@pytest.mark.parametrize("entry", ["shop.example", "@", "ana", "a b@shop.example", "@a@b", 7, ""])
def test_a_malformed_entry_is_a_configuration_error_not_a_guess(entry):
    with pytest.raises(InvalidInput, match="neither an address nor @domain"):
        parse_access({"allow": [entry]})


@pytest.mark.parametrize("allow", ["ana@shop.example", {"a": 1}, 3])
def test_allow_must_be_a_list(allow):
    with pytest.raises(InvalidInput, match="must be a list"):
        parse_access({"allow": allow})


def test_an_unknown_default_role_is_refused():
    with pytest.raises(InvalidInput, match="default_role must be one of owner, editor, viewer"):
        parse_access({"allow": [], "default_role": "admin"})


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"email": "a@b.c", "email_verified": True}, True),
        ({"email": "a@b.c", "email_verified": "true"}, True),
        ({"email": "a@b.c", "email_verified": "True"}, True),
        ({"email": "a@b.c"}, True),  # the provider does not say: trusted
        ({"email": "a@b.c", "email_verified": False}, False),
        ({"email": "a@b.c", "email_verified": "false"}, False),
        ({"email": "a@b.c", "email_verified": None}, False),
        ({"email": "a@b.c", "email_verified": 1}, False),
    ],
)
def test_an_address_is_verified_only_when_the_provider_does_not_say_otherwise(claims, expected):
    assert verified(claims) is expected


ACCESS = Access(allow=TEAM, default_role=Role.viewer)


def test_a_verified_listed_address_is_admitted_lower_cased():
    verdict = admit({"email": "Joe@Agency.example", "email_verified": True}, ACCESS)
    assert verdict.email == "joe@agency.example"
    assert verdict.refusal is None


def test_an_unverified_address_is_refused_even_on_the_list():
    verdict = admit({"email": "joe@agency.example", "email_verified": False}, ACCESS)
    assert verdict.email is None
    assert "not verified the address joe@agency.example" in verdict.refusal


def test_an_address_off_the_list_is_refused_with_its_address():
    verdict = admit({"email": "eve@elsewhere.example", "email_verified": True}, ACCESS)
    assert verdict.email is None
    assert verdict.refusal.startswith("eve@elsewhere.example is not on this workspace's list")


@pytest.mark.parametrize("claims", [{}, {"email": ""}, {"email": "  "}, {"email": ["a@b.c"]}])
def test_an_account_without_an_address_is_refused(claims):
    verdict = admit(claims, ACCESS)
    assert verdict.email is None
    assert "did not give this app an email address" in verdict.refusal


def test_the_role_is_the_accounts_own_else_the_default():
    assert role_for(Role.owner, ACCESS) is Role.owner
    assert role_for("editor", ACCESS) is Role.editor
    assert role_for(None, ACCESS) is Role.viewer
    assert role_for(None, Access(allow=TEAM, default_role=Role.editor)) is Role.editor


def test_require_email_verified_refuses_a_provider_that_does_not_say():
    strict = parse_access({"allow": ["@shop.example"], "require_email_verified": True})
    assert strict.require_verified is True
    assert admit({"email": "ana@shop.example"}, strict).email is None
    assert "not verified" in admit({"email": "ana@shop.example"}, strict).refusal
    assert admit({"email": "ana@shop.example", "email_verified": True}, strict).email == "ana@shop.example"
    assert (
        admit({"email": "ana@shop.example"}, parse_access({"allow": ["@shop.example"]})).email
        == "ana@shop.example"
    )
    assert verified({"email": "a@b.c"}, required=True) is False


@pytest.mark.parametrize("flag", ["true", 1, "yes"])
def test_require_email_verified_is_a_toml_boolean(flag):
    with pytest.raises(InvalidInput, match="require_email_verified must be true or false"):
        parse_access({"allow": [], "require_email_verified": flag})
