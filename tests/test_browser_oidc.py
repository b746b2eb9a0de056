"""Sign-in through an identity provider, in a real browser: the app as `make run` serves it (serve.py, the
sign-in gate of ui/auth.py) with secrets pointing at a real OpenID Connect provider on loopback
(node-oidc-provider, tests/oidc_support.py), and the `[access]` allowlist `["@shop.example"]`.

The app is opened at http://localhost:PORT (the redirect_uri's host: Streamlit's OAuth state lives in a
cookie of that host), the provider at 127.0.0.1, so the two keep separate cookies. Each test has its
own browser context: nobody is signed in at its start.
"""

from __future__ import annotations

import time

import pytest
from browser_support import free_port, screenshot_if_failed, start_streamlit, stop_streamlit, wait_for_app
from oidc_support import start_provider, stop, write_secrets

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from journey.plan import users

pytestmark = pytest.mark.browser

SIGN_IN_SCREEN = "Sign in to open the team's workspace."


def signed_in_as(page) -> str:
    """The sidebar's "Signed in as …" line as a reader sees it (without the invisible word joiner that
    journey.core.text.escape_markdown puts after an @ so no address becomes a link)."""
    line = page.get_by_test_id("stSidebar").get_by_text("Signed in as")
    line.wait_for()
    return line.inner_text().replace("\u2060", "")


def refusal_shown(page) -> str:
    """The sign-in screen's error, as a reader sees it."""
    alert = page.get_by_test_id("stAlertContentError")
    alert.wait_for()
    return alert.inner_text().replace("\u2060", "")


def shows_no_page(page) -> None:
    """The sign-in screen and nothing else: no page of the app ran, nobody is signed in."""
    page.get_by_text(SIGN_IN_SCREEN).wait_for()
    titles = page.get_by_role("heading", level=1).all_inner_texts()
    assert [title.strip() for title in titles] == ["Email Journey Map"]  # no page's own title
    assert page.get_by_text("Signed in as").count() == 0


def start_oidc_app(folder, named: str | None = None):
    """Start the loopback provider and the app signing in through it; (app URL, issuer, secrets path,
    the processes). ana@shop.example has an editor account (a row without a password), every other
    @shop.example address gets the default role, viewer."""
    app_port, provider_port = free_port(), free_port()
    redirect_uri = f"http://localhost:{app_port}/oauth2callback"
    issuer, provider = start_provider(provider_port, redirect_uri, folder / "provider.log")
    engine = make_engine(f"sqlite:///{folder / 'journey.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        users.add_user(session, "ana@shop.example", "editor")
    engine.dispose()
    secrets = write_secrets(folder, issuer, redirect_uri, ["@shop.example"], "viewer", named=named)
    try:
        _, app = start_streamlit(folder, port=app_port, STREAMLIT_SECRETS_FILES=str(secrets))
    except BaseException:
        stop(provider)
        raise
    return f"http://localhost:{app_port}", issuer, secrets, (app, provider)


@pytest.fixture(scope="module")
def oidc_app(tmp_path_factory):
    """(app URL, provider issuer, its secrets.toml): the provider in `[auth]` itself (Streamlit's default)."""
    url, issuer, secrets, (app, provider) = start_oidc_app(tmp_path_factory.mktemp("oidc"))
    yield url, issuer, secrets
    stop_streamlit(app)
    stop(provider)


@pytest.fixture
def page(browser, request):
    """A page in a fresh context (no cookie of an earlier sign-in); a screenshot in test-artifacts/ on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    screenshot_if_failed(page, request)
    context.close()


def sign_in_at_provider(page, app_url: str, issuer: str, login: str) -> None:
    """Open the app, click its sign-in button, sign in at the provider's form, and come back."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with Shop SSO").click()
    page.wait_for_url(f"{issuer}/interaction/**")
    page.locator("input[name='login']").fill(login)
    page.locator("input[name='password']").fill("any password: the test provider checks none")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent screen for the app
    page.wait_for_url(f"{app_url}/**")
    wait_for_app(page)


def test_a_member_signs_in_at_the_provider_comes_back_signed_in_with_their_role_and_signs_out(page, oidc_app):
    app_url, issuer, _ = oidc_app
    page.goto(app_url)
    wait_for_app(page)
    shows_no_page(page)
    sign_in_at_provider(page, app_url, issuer, "ana")

    # the provider says Ana@Shop.example: the address is lower-cased, the role is her account's
    assert signed_in_as(page) == "Signed in as ana@shop.example · editor"
    page.get_by_role("heading", name="Journeys").first.wait_for()

    page.reload()  # Streamlit's signed auth cookie keeps her signed in
    wait_for_app(page)
    assert signed_in_as(page) == "Signed in as ana@shop.example · editor"

    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{issuer}/session/end**")  # st.logout ends the provider's session too
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{app_url}/**")
    wait_for_app(page)
    page.get_by_role("button", name="Sign in with Shop SSO").wait_for()
    shows_no_page(page)


def test_an_allowed_address_without_an_account_gets_the_default_role(page, oidc_app):
    app_url, issuer, _ = oidc_app
    sign_in_at_provider(page, app_url, issuer, "bob")
    assert signed_in_as(page) == "Signed in as bob@shop.example · viewer"
    page.get_by_role("heading", name="Journeys").first.wait_for()


@pytest.mark.parametrize(
    ("login", "message"),
    [
        ("eve", "eve@elsewhere.example is not on this workspace's list of members"),
        ("mallory", "Your identity provider has not verified the address mallory@shop.example"),
    ],
    ids=["not-on-the-allowlist", "address-not-verified"],
)
def test_a_provider_account_the_allowlist_refuses_is_told_why_and_sees_no_page(
    page, oidc_app, login, message
):
    app_url, issuer, _ = oidc_app
    sign_in_at_provider(page, app_url, issuer, login)
    assert message in refusal_shown(page)
    shows_no_page(page)
    page.goto(f"{app_url}/personas")  # a page's own address shows the same screen
    wait_for_app(page)
    assert message in refusal_shown(page)
    shows_no_page(page)
    page.get_by_role("button", name="Sign in with Shop SSO").wait_for()  # another account may try

    # on a shared computer the refused account can be signed out, at the provider too
    page.get_by_role("button", name="Sign out of the refused account").click()
    page.wait_for_url(f"{issuer}/session/end**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{app_url}/**")
    wait_for_app(page)
    shows_no_page(page)
    assert page.get_by_test_id("stAlertContentError").count() == 0
    assert page.get_by_role("button", name="Sign out of the refused account").count() == 0


def test_an_address_taken_off_the_list_is_refused_at_its_next_load_though_its_cookie_remains(page, oidc_app):
    app_url, issuer, secrets = oidc_app
    sign_in_at_provider(page, app_url, issuer, "bob")
    assert "bob@shop.example" in signed_in_as(page)
    before = secrets.read_text()
    # Streamlit polls the secrets file: the new list applies without a restart
    secrets.write_text(before.replace('allow = ["@shop.example"]', 'allow = ["ana@shop.example"]'))
    try:
        message = "bob@shop.example is not on this workspace's list of members"
        deadline = time.monotonic() + 20
        while True:
            page.reload()
            wait_for_app(page)
            if page.get_by_test_id("stAlertContentError").count() or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert message in refusal_shown(page)
        shows_no_page(page)
    finally:
        secrets.write_text(before)


def test_a_named_provider_signs_in_the_same_way(page, tmp_path):
    """Streamlit's `[auth.NAME]` form (shared redirect_uri and cookie_secret in `[auth]`): st.login("shop")."""
    app_url, issuer, _, (app, provider) = start_oidc_app(tmp_path, named="shop")
    try:
        sign_in_at_provider(page, app_url, issuer, "ana")
        assert signed_in_as(page) == "Signed in as ana@shop.example · editor"
        page.get_by_role("heading", name="Journeys").first.wait_for()
    finally:
        stop_streamlit(app)
        stop(provider)
