"""A real OpenID Connect provider on loopback for the sign-in tests, and the app's secrets pointing at it.

- `start_provider(port, redirect_uri, log)`: node tests/oidc/provider.mjs (node-oidc-provider, installed
  by scripts/ensure-oidc-provider); skips the test, with the reason, when node (20 or later) or the
  package is missing.
- `write_secrets(folder, issuer, redirect_uri, allow, default_role)`: a secrets.toml with Streamlit's `[auth]` for that
  provider and the `[access]` allowlist; the app reads it through `STREAMLIT_SECRETS_FILES`.

The provider's accounts (tests/oidc/provider.mjs) sign in with the login name and any password:
`ana` (Ana@Shop.example, verified), `bob` (bob@shop.example, verified), `eve`
(eve@elsewhere.example, verified), `mallory` (mallory@shop.example, not verified).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROVIDER_DIR = ROOT / "tests" / "oidc"
CLIENT_ID = "email-journey-map"
CLIENT_SECRET = "test-only-client-secret-not-a-secret"  # noqa: S105 - a test provider's client
COOKIE_SECRET = "test-only-cookie-secret-0123456789abcdef"  # noqa: S105
START_TIMEOUT_S = 30
MIN_NODE = 20  # node-oidc-provider 9 and its jose 6 (global WebCrypto); Debian 12's apt nodejs is 18


def provider_missing() -> str | None:
    """Why the loopback provider cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed (apt-get install -y nodejs npm; .ci/run does)"
    version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    major = version.lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < MIN_NODE:
        return f"node-oidc-provider 9 needs node {MIN_NODE} or later; this node is {version or 'unknown'}"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return (
            "the loopback OIDC provider is not installed: run scripts/ensure-oidc-provider (make test does)"
        )
    return None


def start_provider(port: int, redirect_uri: str, log: Path) -> tuple[str, subprocess.Popen]:
    """Start the provider on 127.0.0.1:`port` with one client for `redirect_uri`; (issuer, process)."""
    reason = provider_missing()
    if reason:
        pytest.skip(reason)
    process = subprocess.Popen(
        ["node", str(PROVIDER_DIR / "provider.mjs"), str(port), redirect_uri, CLIENT_ID, CLIENT_SECRET],
        cwd=PROVIDER_DIR,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the OIDC provider exited early:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2) as response:
                if json.load(response).get("issuer") == issuer:
                    return issuer, process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the OIDC provider did not answer in {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def write_secrets(
    folder: Path,
    issuer: str,
    redirect_uri: str,
    allow: list[str],
    default_role: str,
    named: str | None = None,
) -> Path:
    """secrets.toml for an app signing in through `issuer`, with the `[access]` allowlist; the provider in
    `[auth]` itself, or in an `[auth.NAMED]` table (Streamlit's named providers)."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f"redirect_uri = {json.dumps(redirect_uri)}\n"
        f"cookie_secret = {json.dumps(COOKIE_SECRET)}\n"
        + (f"\n[auth.{named}]\n" if named else "")
        + f"client_id = {json.dumps(CLIENT_ID)}\n"
        f"client_secret = {json.dumps(CLIENT_SECRET)}\n"
        f"server_metadata_url = {json.dumps(issuer + '/.well-known/openid-configuration')}\n"
        # node-oidc-provider knows the prompts none, login and consent, not Streamlit's default select_account
        'client_kwargs = { prompt = "login" }\n' + "\n[access]\n"
        f"allow = {json.dumps(allow)}\n"
        f"default_role = {json.dumps(default_role)}\n"
        'provider_name = "Shop SSO"\n'
    )
    return path
