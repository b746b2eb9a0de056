"""Who of an identity provider's accounts gets in: the `[access]` allowlist of `.streamlit/secrets.toml`.

OIDC alone lets every account of the provider in (every Google account, every tenant user), so the
deployment lists who may sign in:

    [access]
    allow = ["ana@shop.example", "@shop.example"]   # addresses, or @domain for a whole domain
    default_role = "viewer"                          # an allowed account without a user_account row

The rules (pure; ui.auth_oidc applies them to `st.user`):

- addresses compare without case and surrounding spaces (`Ana@Shop.Example` is `ana@shop.example`);
- `@shop.example` admits every address whose domain is exactly shop.example, not a subdomain
  (`x@eu.shop.example`): a subdomain can be another organisation's mail; list `@eu.shop.example` too;
- an empty or missing list admits nobody (fail closed), and a malformed entry (`shop.example`, no @)
  is a configuration error that also admits nobody, rather than a guess;
- the address must be verified: a provider that sends `email_verified` must send it true (or "true");
  one that sends no such claim is trusted for its addresses (some enterprise providers only issue
  verified ones and do not say so), unless `require_email_verified = true` (then the claim must be there);
- the role is the user_account row's when the address has one (`users.actor_for`), else `default_role`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from journey.core.access import Role
from journey.core.errors import InvalidInput

DEFAULT_ROLE = Role.viewer


@dataclass(frozen=True)
class Access:
    """The parsed `[access]` section: normalised entries and the role of an allowed, unknown address."""

    allow: tuple[str, ...] = ()
    default_role: Role = DEFAULT_ROLE
    require_verified: bool = False  # refuse an account whose provider does not say email_verified


@dataclass(frozen=True)
class Admission:
    """What the allowlist says about a signed-in provider account: its address, or why it was refused."""

    email: str | None
    refusal: str | None = None


def normalise(email: str) -> str:
    return email.strip().lower()


def _well_formed_address(address: str) -> bool:
    local, at, domain = address.rpartition("@")
    return bool(at and local and domain) and "@" not in local and not any(c.isspace() for c in address)


def _entry(raw: object) -> str:
    """One allow entry, normalised; InvalidInput when it is neither an address nor @domain."""
    entry = normalise(raw) if isinstance(raw, str) else ""
    domain_entry = entry.startswith("@") and len(entry) > 1 and "@" not in entry[1:] and " " not in entry
    if not (domain_entry or _well_formed_address(entry)):
        raise InvalidInput(
            f"[access] allow has an entry that is neither an address nor @domain: {raw!r}. "
            'Write "ana@shop.example" for one person or "@shop.example" for a whole domain.',
            field="access.allow",
        )
    return entry


def parse_access(section: Mapping | None) -> Access:
    """The `[access]` section of the secrets (None when there is none: nobody is allowed)."""
    if not section:
        return Access()
    raw_allow = section.get("allow", [])
    if isinstance(raw_allow, str) or not isinstance(raw_allow, list | tuple):
        raise InvalidInput(
            '[access] allow must be a list, e.g. allow = ["ana@shop.example", "@shop.example"].',
            field="access.allow",
        )
    raw_role = section.get("default_role", DEFAULT_ROLE.value)
    try:
        default_role = Role(normalise(raw_role) if isinstance(raw_role, str) else raw_role)
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise InvalidInput(
            f"[access] default_role must be one of {roles}, not {raw_role!r}.", field="access.default_role"
        ) from None
    require_verified = section.get("require_email_verified", False)
    if not isinstance(require_verified, bool):
        raise InvalidInput(
            f"[access] require_email_verified must be true or false, not {require_verified!r}.",
            field="access.require_email_verified",
        )
    return Access(
        allow=tuple(_entry(raw) for raw in raw_allow),
        default_role=default_role,
        require_verified=require_verified,
    )


def allowed(email: str | None, allow: tuple[str, ...] | list[str]) -> bool:
    """Whether `email` is on the (normalised) allow list: as an address, or by its exact domain."""
    if not isinstance(email, str):
        return False
    address = normalise(email)
    if not _well_formed_address(address):
        return False
    domain = "@" + address.rpartition("@")[2]
    return any(entry in (address, domain) for entry in (normalise(e) for e in allow))


def verified(claims: Mapping, *, required: bool = False) -> bool:
    """The provider's `email_verified`: true (or "true"), or absent unless `required`; anything else is
    not verified."""
    if "email_verified" not in claims:
        return not required
    flag = claims["email_verified"]
    return flag is True or (isinstance(flag, str) and flag.strip().lower() == "true")


def admit(claims: Mapping, access: Access) -> Admission:
    """The allowlist's verdict on the claims of a signed-in provider account (st.user's)."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return Admission(
            None,
            "Your identity provider did not give this app an email address, so it cannot check the team's list.",
        )
    address = normalise(email)
    if not verified(claims, required=access.require_verified):
        return Admission(
            None,
            f"Your identity provider has not verified the address {address}: "
            "verify it with the provider, then sign in again.",
        )
    if not access.allow:
        return Admission(
            None,
            "Nobody is allowed in yet: this workspace's allowlist ([access] allow in its secrets) is empty.",
        )
    if not allowed(address, access.allow):
        return Admission(
            None,
            f"{address} is not on this workspace's list of members. Ask an owner of the workspace to add it.",
        )
    return Admission(address)


def role_for(account_role: Role | str | None, access: Access) -> Role:
    """The role of an admitted address: its user_account row's when it has one, else the default role."""
    return Role(account_role) if account_role else access.default_role
