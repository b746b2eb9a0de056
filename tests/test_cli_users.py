"""`python -m journey user …` in process: add (the password twice on standard input, never an argument),
list (never a hash), remove, set-role, reset-password, and their refusals in one line."""

from __future__ import annotations

import getpass
import io
import json
import sys

import pytest
from support import in_db

from journey.core.access import Role
from journey.core.errors import SignInRefused
from journey.plan import users

PASSWORD = "correct horse battery"
TWICE = f"{PASSWORD}\n{PASSWORD}\n"


@pytest.fixture
def db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'journey.db'}"
    with in_db(url):
        pass
    return url


def test_add_then_sign_in_with_the_password_read_from_standard_input(cli, db):
    result = cli("user", "add", "Maya@Example.com", "--role", "owner", "--name", "Maya", db=db, stdin=TWICE)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Added maya@example.com as owner, with a password.\n"
    with in_db(db) as session:
        assert users.authenticate(session, "maya@example.com", PASSWORD).role is Role.owner


def test_the_password_is_never_an_argument(cli, db):
    result = cli("user", "add", "maya@example.com", "--role", "owner", "--password", PASSWORD, db=db)
    assert result.returncode == 2
    assert "unrecognized arguments: --password" in result.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        pytest.param(f"{PASSWORD}\nsomething else\n", "error: The two passwords differ", id="differ"),
        pytest.param(f"{PASSWORD}\n", "error: Give the password twice on standard input", id="once"),
        pytest.param("", "error: Give the password twice", id="none"),
        pytest.param("short\nshort\n", "error: A password needs at least 12 characters", id="short"),
    ],
)
def test_a_password_typed_wrong_is_refused_in_one_line_and_nothing_is_added(cli, db, stdin, message):
    result = cli("user", "add", "maya@example.com", "--role", "owner", db=db, stdin=stdin)
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    with in_db(db) as session:
        assert users.list_users(session) == []


def test_on_a_terminal_the_password_is_read_with_getpass_twice(cli, db, monkeypatch):
    prompts = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or PASSWORD)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from journey.cli import users as cli_users

    monkeypatch.setattr(sys, "stdin", Terminal(""))
    assert cli_users.read_password() == PASSWORD
    assert prompts == ["Password: ", "Password again: "]


def test_an_oidc_only_account_needs_no_password(cli, db):
    result = cli("user", "add", "ida@example.com", "--role", "viewer", "--no-password", db=db, check=True)
    assert "without a password (identity provider sign-in only)" in result.stdout


def test_list_shows_every_account_and_never_a_hash(cli, db):
    cli(
        "user", "add", "maya@example.com", "--role", "owner", "--name", "Maya", db=db, stdin=TWICE, check=True
    )
    cli("user", "add", "ida@example.com", "--role", "viewer", "--no-password", db=db, check=True)
    text = cli("user", "list", db=db, check=True).stdout
    assert text.splitlines() == [
        "ida@example.com   viewer  identity provider only",
        "maya@example.com  owner   password  Maya",
    ]
    listed = cli("user", "list", "--json", db=db, check=True).stdout
    rows = json.loads(listed)
    assert [(r["email"], r["role"], r["has_password"]) for r in rows] == [
        ("ida@example.com", "viewer", False),
        ("maya@example.com", "owner", True),
    ]
    assert set(rows[0]) == {
        "email",
        "name",
        "role",
        "has_password",
        "locked_until",
        "created_at",
        "updated_at",
    }
    assert "$argon2" not in listed


def test_an_empty_list_says_how_to_add_the_first(cli, db):
    assert "user add EMAIL --role owner" in cli("user", "list", db=db, check=True).stdout


def test_set_role_remove_and_the_last_owner(cli, db):
    cli("user", "add", "maya@example.com", "--role", "owner", db=db, stdin=TWICE, check=True)
    cli("user", "add", "ida@example.com", "--role", "editor", db=db, stdin=TWICE, check=True)
    refused = cli("user", "remove", "maya@example.com", db=db)
    assert (refused.returncode, refused.stderr) == (
        1,
        "error: maya@example.com is the last owner: make another account an owner first.\n",
    )
    assert cli("user", "set-role", "maya@example.com", "viewer", db=db).returncode == 1
    assert cli("user", "set-role", "IDA@example.com", "owner", db=db, check=True).stdout == (
        "ida@example.com is now owner.\n"
    )
    assert (
        cli("user", "remove", "maya@example.com", db=db, check=True).stdout == "Removed maya@example.com.\n"
    )
    unknown = cli("user", "remove", "nobody@example.com", db=db)
    assert unknown.stderr == "error: There is no account for nobody@example.com.\n"
    assert cli("user", "set-role", "ida@example.com", "admin", db=db).returncode == 2  # argparse's choices


def test_reset_password_replaces_the_old_one(cli, db):
    cli("user", "add", "maya@example.com", "--role", "editor", db=db, stdin=TWICE, check=True)
    new = "a brand new passphrase"
    result = cli("user", "reset-password", "maya@example.com", db=db, stdin=f"{new}\n{new}\n", check=True)
    assert result.stdout == "New password set for maya@example.com.\n"
    with in_db(db) as session:
        assert users.authenticate(session, "maya@example.com", new).email == "maya@example.com"
        with pytest.raises(SignInRefused):
            users.authenticate(session, "maya@example.com", PASSWORD)
