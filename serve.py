"""The app as served: `streamlit run serve.py` (what `make run` does) runs app.py as an `st.App` with
`SiteGuard` in front of Streamlit, so the server answers only whom it should.

Streamlit checks the Host header (`server.allowedHosts`) on its WebSocket only, and sends no header
that stops a foreign site from framing the app. `SiteGuard`, an ASGI middleware that `st.App` runs
before Streamlit's own (the supported hook: `App(..., middleware=...)`), adds what is missing:

- a request (page, static file, upload, WebSocket) whose Host is not an allowed host is refused with
  400, so DNS rebinding (evil.example resolving to 127.0.0.1) reaches nothing;
- a WebSocket opened from a page of another origin is refused (Streamlit would accept it once the
  origin passed its allowlist, and looks the machine's external IP up on the Internet to decide);
- every HTTP response carries `X-Frame-Options: SAMEORIGIN` and `Content-Security-Policy:
  frame-ancestors 'self'`, so only the app itself may frame its pages.

It also serves the built-in sign-in's routes (`ROUTES`, through `App(..., routes=...)`, Streamlit's hook for
extra routes): `GET /api/session/start?token=…` turns the one-time token ui.auth made after a sign-in into
the signed session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS) and sends the browser back to its
page; `GET /api/session/end?token=…` clears it (journey/core/session_cookie.py).

The allowed hosts are Streamlit's own `server.allowedHosts` (.streamlit/config.toml, or the
`STREAMLIT_SERVER_ALLOWED_HOSTS` variable); `*.example.com` covers subdomains, `*` any host. When the
list is empty they are the loopback names and `server.address`, never "anything".

This module imports nothing of `ui`: the ui package ends Streamlit's legacy multipage mode on its first
import inside a script run, which an import here, outside any run, would spend. `streamlit run app.py`
still works, without these checks. Tested on loopback in tests/test_hostile_server.py.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.starlette import App

from journey.core import session_cookie

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
FRAME_HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
]
WILDCARD_ADDRESSES = ("", "0.0.0.0", "::")  # listening on every interface: no name of its own


def allowed_hosts() -> list[str]:
    """The host names the app answers to (`server.allowedHosts`, or loopback and `server.address`)."""
    configured = [host.strip().lower().rstrip(".") for host in config.get_option("server.allowedHosts") or []]
    if configured:
        return configured
    address = (config.get_option("server.address") or "").strip().lower()
    return [*LOOPBACK_HOSTS, *([address] if address not in WILDCARD_ADDRESSES else [])]


def hostname_of(netloc: str | None) -> str | None:
    """`Evil.Example:8501` → `evil.example`, `[::1]:8501` → `::1`; None for a malformed one."""
    if not netloc:
        return None
    try:
        parts = urlsplit(f"//{netloc}")
        _ = parts.port  # a port that is not a number in range raises ValueError
    except ValueError:
        return None
    if parts.hostname is None or parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname.lower().rstrip(".")


def host_allowed(netloc: str | None, hosts: list[str]) -> bool:
    """Whether a Host header (or an Origin's host and port) names one of `hosts`."""
    hostname = hostname_of(netloc)
    if hostname is None:
        return False
    for pattern in hosts:
        if pattern == "*" or hostname == pattern:
            return True
        if pattern.startswith("*.") and hostname.endswith(pattern[1:]):
            return True
    return False


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value.decode("latin-1")
    return None


class SiteGuard:
    """ASGI middleware: refuse foreign Host headers and cross-origin WebSockets; forbid foreign framing."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = allowed_hosts()
        if not host_allowed(_header(scope, b"host"), hosts):
            await self._refuse(kind, send, b"Invalid host header: this app answers only to its own address.")
            return
        if kind == "websocket":
            origin = _header(scope, b"origin")
            if origin is not None and not host_allowed(urlsplit(origin).netloc, hosts):
                await self._refuse(kind, send, b"")
                return
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                names = {key.lower() for key, _ in message.get("headers", ())}
                extra = [(key, value) for key, value in FRAME_HEADERS if key not in names]
                message = {**message, "headers": [*message.get("headers", ()), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _refuse(kind: str, send, body: bytes) -> None:
        if kind == "websocket":
            await send({"type": "websocket.close", "code": 1008})  # before accept: the handshake gets 403
            return
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    *FRAME_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def preload() -> None:
    """Import the libraries the pages use, once, in the main thread, before any session runs a page.

    Otherwise the first two sessions import SQLAlchemy (or Altair, mjml…) in their script threads at the
    same time, and CPython can hand one of them a partially initialised package ("cannot import name
    'AdaptedConnection' from partially initialized module 'sqlalchemy.engine'"): that session's page
    fails. None of these imports streamlit or ui (see the module docstring).
    """
    import db.engine  # noqa: F401  (SQLAlchemy, SQLModel and the tables)
    import journey.measure.charts  # noqa: F401  (Altair)
    import journey.measure.review  # noqa: F401
    import journey.plan.maps  # noqa: F401
    import journey.write.render  # noqa: F401  (mjml, Liquid, nh3)


def _is_https(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _no_store(response: Response) -> Response:
    response.headers["cache-control"] = "no-store"
    response.headers["referrer-policy"] = "no-referrer"  # the one-time token stays out of Referer
    return response


async def start_session(request: Request) -> Response:
    """GET /api/session/start?token=…&next=/page: redeem the app's one-time hand-off token (made by
    ui.auth after a built-in sign-in), set the signed session cookie, go back to the page."""
    secret = config.get_option("server.cookieSecret")
    email = session_cookie.redeem_handoff(secret, request.query_params.get("token"))
    if email is None:
        return _no_store(Response("This sign-in link has expired or was already used.", status_code=400))
    response = RedirectResponse(session_cookie.safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(
        session_cookie.COOKIE_NAME,
        session_cookie.session_token(secret, email),
        max_age=session_cookie.MAX_AGE_S,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_is_https(request),
    )
    return _no_store(response)


async def end_session(request: Request) -> Response:
    """GET /api/session/end?token=…: clear the session cookie (a signed token, so no other site can)."""
    secret = config.get_option("server.cookieSecret")
    if not session_cookie.signout_ok(secret, request.query_params.get("token")):
        return _no_store(Response("This sign-out link has expired.", status_code=400))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        session_cookie.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=_is_https(request)
    )
    return _no_store(response)


ROUTES = [
    Route(session_cookie.START_PATH, start_session, methods=["GET"]),
    Route(session_cookie.END_PATH, end_session, methods=["GET"]),
]

preload()
# app.py's navigation (and its sign-in gate) from the very first request: without this, a deep link
# such as /review as the first request after a start runs pages/review.py in Streamlit's legacy
# multipage mode until ui.navigation.leave_legacy_multipage_mode reruns it through app.py, and the
# sign-in screen drawn by that rerun lost its fields in the browser.
PagesManager.uses_pages_directory = False
session_cookie.Mounted.routes = True
app = App("app.py", routes=ROUTES, middleware=[Middleware(SiteGuard)])
