"""The sign-in gate: who is using the app, called by app.py before the navigation.

    gate()            the signed-in Actor; or the sign-in screen, and nothing else runs (st.stop)
    current_actor()   the Actor this run writes as (ui.db.write_session): LOCAL when the app runs open
    can_edit()        whether to draw edit controls (a viewer sees none); is_owner() for owner-only ones
    editing(where)    can_edit(), and for a viewer the caption "You have view access…" in their place

Sign-in is configured when an identity provider is (ui.auth_oidc) or when a built-in account has a
password (journey.plan.users); otherwise the app runs open: everyone acts as LOCAL (an owner) and the
sidebar says so. A built-in sign-in checks the address and password (users.authenticate: slow hashes,
throttling), then sends the browser to serve.py's /api/session/start with a one-time token, which sets
the session cookie (journey.core.session_cookie: signed with `server.cookieSecret`, HttpOnly,
SameSite=Lax, Secure over HTTPS, 12 hours) and comes back: a reload stays signed in. The cookie holds
the address only; the role is read from the database on every run (cached for ROLE_TTL_S), so a role
change or a removed account takes effect within seconds. Without serve.py's routes (`streamlit run
app.py`, AppTest) a sign-in lasts as long as the browser tab's session.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import streamlit as st
from streamlit import config

from db.engine import database_url
from journey.core import session_cookie
from journey.core.access import LOCAL, Actor, Role
from journey.core.text import escape_markdown
from journey.plan import users
from journey.plan.users import MAX_EMAIL, MAX_PASSWORD
from ui import auth_oidc
from ui.db import db_session
from ui.forms import field_error, form_errors
from ui.navigation import PAGES
from ui.writes import run_write

ACTOR = "actor"  # session_state: the Actor of this run (current_actor)
SIGNED_IN = "auth_email"  # session_state: the address signed in with a password in this session
SIGNED_OUT = "auth_signed_out"  # session_state: signed out in this session: the cookie no longer counts
FORM = "signin_"
ROLE_TTL_S = 10
OPEN_NOTE = "Open workspace: no sign-in set up. See README → Team sign-in"
VIEW_ONLY = "You have view access: ask an owner for edit access."


@st.cache_data(ttl=ROLE_TTL_S, show_spinner=False)
def _any_password_accounts(url: str) -> bool:
    with db_session() as session:
        return users.any_password_accounts(session)


def _password_sign_in() -> bool:
    return _any_password_accounts(database_url())


def sign_in_configured() -> bool:
    """Whether anybody must sign in: an identity provider, or a built-in account with a password."""
    return auth_oidc.configured() or _password_sign_in()


@st.cache_data(ttl=ROLE_TTL_S, show_spinner=False)
def _actor_for(url: str, email: str) -> Actor | None:
    with db_session() as session:
        return users.actor_for(session, email)


def _account(email: str) -> Actor | None:
    """The account's Actor, its role as the database says (read again after ROLE_TTL_S seconds)."""
    return _actor_for(database_url(), email)


def _oidc_actor(email: str) -> Actor:
    """An address the provider vouched for (and the allowlist let in): its account's role, else the
    allowlist's default role (ui.auth_oidc.default_role, viewer when it offers none)."""
    account = _account(email)
    if account is not None:
        return account
    default_role = getattr(auth_oidc, "default_role", None)
    return Actor(email=email, role=Role(default_role()) if default_role else Role.viewer)


def _cookie_email() -> str | None:
    secret = config.get_option("server.cookieSecret")
    return session_cookie.email_of_session(secret, st.context.cookies.get(session_cookie.COOKIE_NAME))


def _signed_in() -> tuple[Actor | None, str]:
    """(the signed-in Actor or None, how: "password" or "provider")."""
    if not st.session_state.get(SIGNED_OUT):
        email = st.session_state.get(SIGNED_IN) or _cookie_email()
        if email:
            account = _account(email)  # a removed account is signed out
            if account is not None:
                return account, "password"
            st.session_state.pop(SIGNED_IN, None)
    email = auth_oidc.signed_in_email()
    if email:
        return _oidc_actor(email), "provider"
    return None, ""


def current_actor() -> Actor:
    """The Actor of this run, as the gate found it (LOCAL when the app runs open or before the gate)."""
    return st.session_state.get(ACTOR, LOCAL)


def can_edit() -> bool:
    return current_actor().can_edit


def is_owner() -> bool:
    return current_actor().role.allows(Role.owner)


def view_only_note(where=None) -> None:
    (where or st).caption(VIEW_ONLY)


def editing(where=None) -> bool:
    """Whether to draw the edit controls here: True for an editor or owner; for a viewer, False and
    the view-only caption in their place (in `where`, a column or tab, when given)."""
    if can_edit():
        return True
    view_only_note(where)
    return False


def gate() -> Actor:
    """The Actor of this run. When sign-in is configured and nobody is signed in: the sign-in screen,
    then st.stop(), so no page runs and no data is read."""
    if not sign_in_configured():
        st.session_state[ACTOR] = LOCAL
        st.sidebar.caption(OPEN_NOTE)
        return LOCAL
    actor, how = _signed_in()
    if actor is None:
        st.session_state.pop(ACTOR, None)
        _sign_in_navigation().run()
        st.stop()
    st.session_state[ACTOR] = actor
    _sidebar(actor, how)
    return actor


def _sidebar(actor: Actor, how: str) -> None:
    with st.sidebar:
        who = (
            f"**{escape_markdown(actor.name)}** ({escape_markdown(actor.email)})"
            if actor.name
            else (f"**{escape_markdown(actor.email)}**")
        )
        st.caption(f"Signed in as {who} · {actor.role.value}")
        if st.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
            _sign_out(how)


def _sign_out(how: str) -> None:
    st.session_state.pop(SIGNED_IN, None)
    st.session_state.pop(ACTOR, None)
    st.session_state[SIGNED_OUT] = True
    if how == "provider":
        auth_oidc.sign_out()  # st.logout: clears the provider's cookie and reloads
        return
    if session_cookie.Mounted.routes:
        secret = config.get_option("server.cookieSecret")
        _send_browser_to(f"{session_cookie.END_PATH}?token={quote(session_cookie.signout_token(secret))}")
        st.stop()
    st.rerun()


def _here() -> str:
    """This page's path and query (where the browser comes back to after signing in)."""
    url = urlsplit(st.context.url or "/")
    return session_cookie.safe_next(url.path + (f"?{url.query}" if url.query else ""))


def _send_browser_to(path: str) -> None:
    """Navigate the browser (a full page load) to a path of this site, as st.login does."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = path
    ctx.enqueue(message)


def _signed_in_now(actor: Actor) -> None:
    st.session_state[SIGNED_IN] = actor.email
    st.session_state.pop(SIGNED_OUT, None)
    for key in ("password", "email"):
        st.session_state.pop(f"{FORM}{key}", None)
    if session_cookie.Mounted.routes:  # set the cookie: a reload stays signed in
        secret = config.get_option("server.cookieSecret")
        token = quote(session_cookie.handoff_token(secret, actor.email))
        _send_browser_to(f"{session_cookie.START_PATH}?token={token}&next={quote(_here())}")
        st.stop()
    st.rerun()


def _sign_in_navigation():
    """A navigation whose every page (each page's own address, so a deep link survives the sign-in) is
    the sign-in screen, its menu hidden: the app's navigation, pages and data stay out of reach. It also
    ends Streamlit's legacy multipage mode, whose raw page list would otherwise fill the sidebar."""
    screens = [
        st.Page(_sign_in_screen, title="Sign in", url_path=page.key, default=page.default) for page in PAGES
    ]
    return st.navigation(screens, position="hidden")


def _sign_in_screen() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Email Journey Map")
        st.write("Sign in to open the team's workspace.")
        refused = auth_oidc.refusal()
        if refused:
            st.error(escape_markdown(refused), icon="⚠️")
        if auth_oidc.configured():
            auth_oidc.draw_sign_in()
        if _password_sign_in():
            _password_form()


def _password_form() -> None:
    errors = form_errors(FORM)
    with st.form("signin_form", border=True):
        st.text_input("Email address", key=f"{FORM}email", autocomplete="username", max_chars=MAX_EMAIL)
        field_error(errors, "email")
        st.text_input(
            "Password",
            key=f"{FORM}password",
            type="password",
            autocomplete="current-password",
            max_chars=MAX_PASSWORD,
        )
        field_error(errors, "password")
        submitted = st.form_submit_button("Sign in", type="primary", width="stretch")
    if submitted:
        email = st.session_state.get(f"{FORM}email", "")
        password = st.session_state.get(f"{FORM}password", "")
        actor = run_write(users.authenticate, email, password, form=FORM)
        if actor:
            errors.clear()
            _signed_in_now(actor)
    st.caption("Forgot your password? Ask an owner of this workspace to reset it.")
