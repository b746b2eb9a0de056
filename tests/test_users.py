"""Built-in accounts (journey.plan.users): argon2 hashes, one message for every refused sign-in,
throttling after failed attempts, the last owner kept, owner-only management (SQLite and PostgreSQL)."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlmodel import Session

from db.engine import session_scope
from db.models import UserAccount, utcnow
from journey.core.access import Actor, Role, act_as
from journey.core.errors import InvalidInput, NotFound, PermissionDenied, SignInRefused
from journey.plan import users

PASSWORD = "correct horse battery"


def _account(session, email) -> UserAccount:
    return session.execute(select(UserAccount).where(UserAccount.email == email)).scalar_one()


def test_an_account_keeps_an_argon2_hash_never_the_password_and_lists_without_it(session):
    info = users.add_user(session, " Maya@Example.COM ", "editor", PASSWORD, name="Maya")
    session.commit()
    assert info.email == "maya@example.com"
    stored = _account(session, "maya@example.com")
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert PasswordHasher().verify(stored.password_hash, PASSWORD)
    (listed,) = users.list_users(session)
    assert (listed.role, listed.has_password, listed.name) == (Role.editor, True, "Maya")
    assert "hash" not in str(listed.to_dict())
    assert "$argon2" not in repr(listed)


def test_two_hashes_of_one_password_differ_salted(session):
    users.add_user(session, "a@example.com", "owner", PASSWORD)
    users.add_user(session, "b@example.com", "viewer", PASSWORD)
    assert (
        _account(session, "a@example.com").password_hash != _account(session, "b@example.com").password_hash
    )


@pytest.mark.parametrize("bad", ["", "not an address", "a@", "x" * 300 + "@example.com"])
def test_an_address_that_is_not_one_is_refused(session, bad):
    with pytest.raises(InvalidInput) as caught:
        users.add_user(session, bad, "viewer", PASSWORD)
    assert caught.value.field == "email"


def test_one_account_per_address_whatever_the_case(session):
    users.add_user(session, "maya@example.com", "owner", PASSWORD)
    with pytest.raises(InvalidInput, match="already an account"):
        users.add_user(session, "MAYA@example.com", "viewer", PASSWORD)


@pytest.mark.parametrize("short", ["", "short", "elevenchars"])
def test_a_password_under_twelve_characters_is_refused_with_the_rule(session, short):
    with pytest.raises(InvalidInput, match="at least 12 characters") as caught:
        users.add_user(session, "maya@example.com", "owner", short)
    assert caught.value.field == "password"
    assert users.list_users(session) == []


def test_an_unknown_role_is_refused(session):
    with pytest.raises(InvalidInput, match="owner, editor, viewer"):
        users.add_user(session, "maya@example.com", "admin", PASSWORD)


def test_an_oidc_only_account_has_no_password_and_cannot_sign_in_with_one(session):
    users.add_user(session, "oidc@example.com", "viewer")
    assert not users.any_password_accounts(session)
    assert users.actor_for(session, "OIDC@example.com") == Actor("oidc@example.com", Role.viewer, "")
    with pytest.raises(SignInRefused, match=users.WRONG):
        users.authenticate(session, "oidc@example.com", "")
    users.add_user(session, "pw@example.com", "viewer", PASSWORD)
    assert users.any_password_accounts(session)
    assert users.actor_for(session, "nobody@example.com") is None
    assert users.actor_for(session, "not an address") is None


def test_sign_in_gives_the_accounts_actor(session):
    users.add_user(session, "maya@example.com", "editor", PASSWORD, name="Maya")
    actor = users.authenticate(session, "Maya@Example.com", PASSWORD)
    assert actor == Actor(email="maya@example.com", role=Role.editor, name="Maya")


def test_unknown_address_and_wrong_password_get_the_same_message(session):
    users.add_user(session, "maya@example.com", "editor", PASSWORD)
    messages = set()
    for email, password in [("maya@example.com", "wrong password!"), ("nobody@example.com", PASSWORD)]:
        with pytest.raises(SignInRefused) as caught:
            users.authenticate(session, email, password)
        messages.add(str(caught.value))
    assert messages == {"That address and password do not match."}


def test_five_wrong_passwords_lock_the_account_for_five_minutes_then_ten(engine):
    with session_scope(engine) as session:
        users.add_user(session, "maya@example.com", "editor", PASSWORD)
    now = utcnow()
    for _ in range(5):
        # As the app does: one transaction per attempt, rolled back by the refusal.
        with pytest.raises(SignInRefused, match="do not match"), session_scope(engine) as session:
            users.authenticate(session, "maya@example.com", "wrong password!", now=now)
    with pytest.raises(SignInRefused) as caught, session_scope(engine) as session:
        users.authenticate(session, "maya@example.com", PASSWORD, now=now + timedelta(minutes=1))
    expected = (now + timedelta(minutes=5)).strftime("%H:%M")
    assert f"try again after {expected} UTC (in 4 minutes)" in str(caught.value)
    # After the lock, one more wrong password locks it twice as long.
    later = now + timedelta(minutes=5, seconds=1)
    with pytest.raises(SignInRefused, match="do not match"), session_scope(engine) as session:
        users.authenticate(session, "maya@example.com", "wrong password!", now=later)
    with Session(engine) as session:
        stored = _account(session, "maya@example.com")
        assert stored.failed_attempts == 6
        assert abs(users.list_users(session)[0].locked_until - later - timedelta(minutes=10)) < timedelta(
            seconds=1
        )
    with session_scope(engine) as session:
        actor = users.authenticate(session, "maya@example.com", PASSWORD, now=later + timedelta(minutes=11))
    assert actor.role is Role.editor
    with Session(engine) as session:
        stored = _account(session, "maya@example.com")
        assert (stored.failed_attempts, stored.locked_until) == (0, None)


def test_the_lock_doubles_and_is_bounded():
    assert users.lock_for(4) == timedelta(0)
    assert [users.lock_for(n) for n in (5, 6, 7)] == [timedelta(minutes=m) for m in (5, 10, 20)]
    assert users.lock_for(60) == users.MAX_LOCK


def test_an_old_hash_is_rehashed_at_sign_in(session):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    users.add_user(session, "maya@example.com", "editor", PASSWORD)
    stored = _account(session, "maya@example.com")
    old = stored.password_hash = weak.hash(PASSWORD)
    session.flush()
    users.authenticate(session, "maya@example.com", PASSWORD)
    rehashed = _account(session, "maya@example.com").password_hash
    assert rehashed != old
    assert not PasswordHasher().check_needs_rehash(rehashed)
    assert users.authenticate(session, "maya@example.com", PASSWORD).email == "maya@example.com"


def test_a_reset_password_replaces_the_old_one_and_lifts_the_lock(session):
    users.add_user(session, "maya@example.com", "editor", PASSWORD)
    stored = _account(session, "maya@example.com")
    stored.failed_attempts, stored.locked_until = 9, utcnow() + timedelta(hours=1)
    session.flush()
    users.reset_password(session, "maya@example.com", "a brand new passphrase")
    with pytest.raises(SignInRefused, match="do not match"):
        users.authenticate(session, "maya@example.com", PASSWORD)
    assert users.authenticate(session, "maya@example.com", "a brand new passphrase").role is Role.editor
    with pytest.raises(InvalidInput, match="at least 12"):
        users.reset_password(session, "maya@example.com", "short")
    with pytest.raises(NotFound):
        users.reset_password(session, "nobody@example.com", "a brand new passphrase")


def test_the_last_owner_cannot_be_removed_or_demoted(session):
    users.add_user(session, "owner@example.com", "owner", PASSWORD)
    users.add_user(session, "editor@example.com", "editor", PASSWORD)
    with pytest.raises(InvalidInput, match="last owner"):
        users.remove_user(session, "owner@example.com")
    with pytest.raises(InvalidInput, match="last owner"):
        users.set_role(session, "owner@example.com", "viewer")
    users.set_role(session, "editor@example.com", "owner")
    users.set_role(session, "owner@example.com", "viewer")
    users.remove_user(session, "owner@example.com")
    assert [(u.email, u.role) for u in users.list_users(session)] == [("editor@example.com", Role.owner)]


def test_a_role_change_bumps_the_rows_version(session):
    users.add_user(session, "maya@example.com", "viewer", PASSWORD)
    users.set_role(session, "maya@example.com", "editor")
    assert _account(session, "maya@example.com").version == 2


@pytest.mark.parametrize("role", [Role.editor, Role.viewer])
def test_managing_accounts_is_an_owner_task(session, role):
    users.add_user(session, "maya@example.com", "owner", PASSWORD)
    act_as(session, Actor("someone@example.com", role))
    for call in (
        lambda: users.add_user(session, "new@example.com", "viewer", PASSWORD),
        lambda: users.list_users(session),
        lambda: users.remove_user(session, "maya@example.com"),
        lambda: users.set_role(session, "maya@example.com", "viewer"),
        lambda: users.reset_password(session, "maya@example.com", "a brand new passphrase"),
    ):
        with pytest.raises(PermissionDenied, match="needs the owner role"):
            call()
