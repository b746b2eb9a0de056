"""Account commands (built-in sign-in): user add, list, remove, set-role, reset-password.

A password is never an argument (it would sit in the shell's history and in `ps`): it is read twice
from standard input, with getpass (not echoed) when that is a terminal, else as two lines (a script
pipes them in). The command line acts as CLI, an owner (journey.core.access).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

ROLES = ("owner", "editor", "viewer")


def register(subparsers: argparse._SubParsersAction) -> None:
    user = subparsers.add_parser(
        "user",
        help="manage the team's accounts for built-in sign-in (add, list, remove, set-role, reset-password)",
    )
    commands = user.add_subparsers(dest="user_command", metavar="USER_COMMAND", required=True)

    add = commands.add_parser(
        "add", help="add an account; the password is read twice from standard input, never an argument"
    )
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--role", required=True, choices=ROLES, help="owner, editor or viewer")
    add.add_argument("--name", default="", metavar="N", help="the member's name, as the app shows it")
    add.add_argument(
        "--no-password",
        action="store_true",
        help="no password: the account only gives a role to someone who signs in through the identity provider",
    )
    add.set_defaults(func=cmd_add)

    listing = commands.add_parser("list", help="list the accounts (never a password hash)")
    listing.add_argument(
        "--json",
        action="store_true",
        help='print [{"email", "name", "role", "has_password", "locked_until", "created_at", "updated_at"}]',
    )
    listing.set_defaults(func=cmd_list)

    remove = commands.add_parser("remove", help="delete an account (not the last owner)")
    remove.add_argument("email", metavar="EMAIL")
    remove.set_defaults(func=cmd_remove)

    set_role = commands.add_parser("set-role", help="change an account's role (the last owner stays owner)")
    set_role.add_argument("email", metavar="EMAIL")
    set_role.add_argument("role", metavar="ROLE", choices=ROLES, help="owner, editor or viewer")
    set_role.set_defaults(func=cmd_set_role)

    reset = commands.add_parser(
        "reset-password", help="set a new password (read twice from standard input); lifts a sign-in lock"
    )
    reset.add_argument("email", metavar="EMAIL")
    reset.set_defaults(func=cmd_reset_password)


def read_password() -> str:
    """The new password, typed twice: getpass on a terminal, else two lines of standard input."""
    from journey.core.errors import InvalidInput

    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        second = getpass.getpass("Password again: ")
    else:
        first, second = sys.stdin.readline(), sys.stdin.readline()
        if not second:
            raise InvalidInput(
                "Give the password twice on standard input, one line each (it is never an argument).",
                field="password",
            )
        first, second = first.rstrip("\r\n"), second.rstrip("\r\n")
    if first != second:
        raise InvalidInput("The two passwords differ: nothing was changed.", field="password")
    return first


def _session(args: argparse.Namespace):
    from journey.cli.common import cli_session

    return cli_session(args)


def cmd_add(args: argparse.Namespace) -> int:
    from journey.plan import users

    password = None if args.no_password else read_password()
    with _session(args) as session:
        info = users.add_user(session, args.email, args.role, password, name=args.name)
    how = "with a password" if info.has_password else "without a password (identity provider sign-in only)"
    print(f"Added {info.email} as {info.role.value}, {how}.")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from journey.plan import users

    with _session(args) as session:
        accounts = users.list_users(session)
    if args.json:
        print(json.dumps([account.to_dict() for account in accounts], indent=2))
        return 0
    if not accounts:
        print("No accounts yet: `python -m journey user add EMAIL --role owner` makes the first.")
        return 0
    width = max(len(account.email) for account in accounts)
    for account in accounts:
        sign_in = "password" if account.has_password else "identity provider only"
        locked = f", locked until {account.locked_until:%Y-%m-%d %H:%M} UTC" if account.locked_until else ""
        name = f"  {account.name}" if account.name else ""
        print(f"{account.email:<{width}}  {account.role.value:<6}  {sign_in}{locked}{name}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from journey.plan import users

    with _session(args) as session:
        users.remove_user(session, args.email)
    print(f"Removed {args.email.strip().lower()}.")
    return 0


def cmd_set_role(args: argparse.Namespace) -> int:
    from journey.plan import users

    with _session(args) as session:
        info = users.set_role(session, args.email, args.role)
    print(f"{info.email} is now {info.role.value}.")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    from journey.plan import users

    password = read_password()
    with _session(args) as session:
        info = users.reset_password(session, args.email, password)
    print(f"New password set for {info.email}.")
    return 0
