"""In a real browser, against `streamlit run serve.py`: the built-in sign-in, its session cookie across a
reload, sign-out, a wrong password, and a viewer without edit controls.

The accounts are made with the users service on the app's database before the app starts. Each test
has its own browser context, so its session cookie reaches no other test.
"""

from __future__ import annotations

import pytest
from browser_support import start_streamlit, stop_streamlit, wait_for_app
from support import in_db

from journey.core.session_cookie import COOKIE_NAME, MAX_AGE_S
from journey.plan import users
from journey.plan.users import WRONG

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def signin_app(tmp_path_factory):
    """An app with the demo workspace and two accounts: an editor and a viewer."""
    folder = tmp_path_factory.mktemp("signin")
    with in_db(f"sqlite:///{folder / 'journey.db'}") as session:
        users.add_user(session, "ana@shop.example", "owner", password=PASSWORD, name="Ana")
        users.add_user(session, "vera@shop.example", "viewer", password=PASSWORD)
    url, process = start_streamlit(folder)
    yield url
    stop_streamlit(process)


@pytest.fixture
def tab(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def sign_in(page, url: str, email: str, password: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sidebar(page):
    return page.locator("[data-testid='stSidebar']")


def test_sign_in_stays_signed_in_across_a_reload_and_sign_out_ends_it(signin_app, tab):
    sign_in(tab, signin_app, "ana@shop.example", PASSWORD)
    tab.get_by_role("heading", name="Journeys").wait_for()
    sidebar(tab).get_by_text("Signed in as").wait_for()
    assert "owner" in sidebar(tab).inner_text()
    [cookie] = [c for c in tab.context.cookies() if c["name"] == COOKIE_NAME]
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert not cookie["secure"]  # plain HTTP on loopback; Secure once served over HTTPS
    assert 0 < cookie["expires"] - __import__("time").time() <= MAX_AGE_S
    assert "token=" not in tab.url  # the one-time token is gone from the address bar

    tab.reload()
    wait_for_app(tab)
    tab.get_by_role("heading", name="Journeys").wait_for()
    sidebar(tab).get_by_text("Signed in as").wait_for()

    sidebar(tab).get_by_role("button", name="Sign out").click()
    tab.get_by_role("button", name="Sign in").wait_for()
    wait_for_app(tab)
    assert not [c for c in tab.context.cookies() if c["name"] == COOKIE_NAME]
    tab.reload()
    wait_for_app(tab)
    tab.get_by_role("button", name="Sign in").wait_for()
    assert tab.get_by_role("heading", name="Journeys").count() == 0


def test_a_wrong_password_shows_the_message_and_opens_nothing(signin_app, tab):
    sign_in(tab, signin_app, "ana@shop.example", "not the password at all")
    tab.get_by_text(WRONG).wait_for()
    assert tab.get_by_role("heading", name="Journeys").count() == 0
    assert not [c for c in tab.context.cookies() if c["name"] == COOKIE_NAME]


def test_a_forged_cookie_or_a_replayed_link_signs_nobody_in(signin_app, tab):
    tab.context.add_cookies(
        [{"name": COOKIE_NAME, "value": "eyJlbWFpbCI6ImFuYUBzaG9wLmV4YW1wbGUifQ.forged", "url": signin_app}]
    )
    tab.goto(signin_app)
    wait_for_app(tab)
    tab.get_by_role("button", name="Sign in").wait_for()
    response = tab.goto(f"{signin_app}/api/session/start?token=forged&next=/")
    assert response.status == 400


def test_a_viewer_sees_no_edit_controls(signin_app, tab):
    sign_in(tab, signin_app, "vera@shop.example", PASSWORD)
    tab.get_by_role("heading", name="Journeys").wait_for()
    assert "viewer" in sidebar(tab).inner_text()
    tab.get_by_text("You have view access").first.wait_for()
    for name in ("Create journey", "Start blank"):
        assert tab.get_by_role("button", name=name).count() == 0
    tab.goto(f"{signin_app}/review")
    wait_for_app(tab)
    tab.get_by_role("heading", name="Weekly review").wait_for()
    assert tab.get_by_role("button", name="Save notes").count() == 0
    assert tab.get_by_label("What did the team decide this week?").is_disabled()
