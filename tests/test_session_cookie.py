"""The built-in sign-in's tokens (journey/core/session_cookie.py): signed, timestamped, one-time hand-off."""

from __future__ import annotations

import pytest
from itsdangerous import URLSafeTimedSerializer

from journey.core import session_cookie as sc

SECRET = "a-cookie-secret-shared-by-every-replica"


def test_a_session_token_gives_back_its_address_with_the_same_secret_only():
    token = sc.session_token(SECRET, "ana@shop.example")
    assert sc.email_of_session(SECRET, token) == "ana@shop.example"
    assert sc.email_of_session("another-secret", token) is None
    assert sc.email_of_session(SECRET, token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is None
    assert sc.email_of_session(SECRET, None) is None
    assert sc.email_of_session(SECRET, "") is None


def test_a_session_token_expires_after_its_max_age(monkeypatch):
    token = sc.session_token(SECRET, "ana@shop.example")
    assert sc.email_of_session(SECRET, token, max_age=60) == "ana@shop.example"
    import itsdangerous.timed

    real = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real() + sc.MAX_AGE_S + 5)
    assert sc.email_of_session(SECRET, token) is None


def test_a_token_of_another_kind_is_not_a_session():
    handoff = sc.handoff_token(SECRET, "ana@shop.example")
    assert sc.email_of_session(SECRET, handoff) is None  # salts keep the kinds apart
    assert sc.redeem_handoff(SECRET, sc.session_token(SECRET, "ana@shop.example")) is None
    assert not sc.signout_ok(SECRET, handoff)
    # a payload signed with the right secret but no salt of ours
    assert sc.email_of_session(SECRET, URLSafeTimedSerializer(SECRET).dumps({"email": "x@y.z"})) is None


def test_a_handoff_token_is_redeemed_once():
    token = sc.handoff_token(SECRET, "ana@shop.example")
    assert sc.redeem_handoff(SECRET, token) == "ana@shop.example"
    assert sc.redeem_handoff(SECRET, token) is None
    assert sc.redeem_handoff("another-secret", sc.handoff_token(SECRET, "ana@shop.example")) is None
    assert sc.redeem_handoff(SECRET, "forged") is None


def test_the_signout_token_is_signed():
    assert sc.signout_ok(SECRET, sc.signout_token(SECRET))
    assert not sc.signout_ok("another-secret", sc.signout_token(SECRET))
    assert not sc.signout_ok(SECRET, None)


@pytest.mark.parametrize(
    ("asked", "sent"),
    [
        ("/review?journey=3", "/review?journey=3"),
        ("/", "/"),
        (None, "/"),
        ("", "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("review", "/"),
    ],
)
def test_the_browser_is_sent_back_to_a_path_of_this_site_only(asked, sent):
    assert sc.safe_next(asked) == sent
