"""The built-in sign-in's tokens: the session cookie and the one-time hand-off that sets it.

    session_token(secret, email)        the cookie's value: the address and its issue time, signed
    email_of_session(secret, token)     the address, or None when the signature is wrong or it is too old
    handoff_token(secret, email)        a one-time token (60 s) the app gives the browser after a sign-in
    redeem_handoff(secret, token)       its address, once; None when forged, expired or already used
    signout_token(secret) / signout_ok  the same for the sign-out route (so no other site can sign you out)

Signed with itsdangerous (HMAC-SHA1 over a timestamped payload, the field's standard) keyed by
Streamlit's `server.cookieSecret`, so every replica that shares it reads every replica's cookie.
The cookie is set by serve.py's routes (HttpOnly, SameSite=Lax, Secure over HTTPS): the script
cannot set a cookie, so after a sign-in it sends the browser to /api/session/start?token=… (ui.auth).
A used hand-off token is remembered in this process until it expires; with several replicas the
reverse proxy's sticky sessions send the browser back to the replica that made it.
"""

from __future__ import annotations

import secrets as _secrets
import threading
import time

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE_NAME = "journey_session"
MAX_AGE_S = 12 * 3600
HANDOFF_MAX_AGE_S = 60
START_PATH = "/api/session/start"
END_PATH = "/api/session/end"
_SESSION_SALT = "journey.session"
_HANDOFF_SALT = "journey.session.handoff"
_SIGNOUT_SALT = "journey.session.signout"

_used: dict[str, float] = {}  # hand-off nonce -> when it expires
_used_lock = threading.Lock()


class Mounted:
    """Whether this process serves the routes that set the cookie (serve.py sets it; `streamlit run
    app.py` and AppTest do not, and then a sign-in lasts for the browser tab's session only)."""

    routes = False


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


def session_token(secret: str, email: str) -> str:
    return _serializer(secret, _SESSION_SALT).dumps({"email": email})


def email_of_session(secret: str, token: str | None, *, max_age: int = MAX_AGE_S) -> str | None:
    if not token:
        return None
    try:
        payload = _serializer(secret, _SESSION_SALT).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    email = payload.get("email") if isinstance(payload, dict) else None
    return email if isinstance(email, str) and email else None


def handoff_token(secret: str, email: str) -> str:
    return _serializer(secret, _HANDOFF_SALT).dumps({"email": email, "nonce": _secrets.token_urlsafe(16)})


def redeem_handoff(secret: str, token: str | None) -> str | None:
    if not token:
        return None
    try:
        payload = _serializer(secret, _HANDOFF_SALT).loads(token, max_age=HANDOFF_MAX_AGE_S)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("nonce"), str):
        return None
    now = time.monotonic()
    with _used_lock:
        for nonce, expires in list(_used.items()):
            if expires < now:
                del _used[nonce]
        if payload["nonce"] in _used:
            return None
        _used[payload["nonce"]] = now + HANDOFF_MAX_AGE_S + 1
    email = payload.get("email")
    return email if isinstance(email, str) and email else None


def signout_token(secret: str) -> str:
    return _serializer(secret, _SIGNOUT_SALT).dumps("sign-out")


def signout_ok(secret: str, token: str | None) -> bool:
    if not token:
        return False
    try:
        return _serializer(secret, _SIGNOUT_SALT).loads(token, max_age=HANDOFF_MAX_AGE_S) == "sign-out"
    except BadSignature:
        return False


def safe_next(path: str | None) -> str:
    """Where a route sends the browser back to: a path of this site only ("/review"), else "/"."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
