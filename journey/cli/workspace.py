"""Workspace commands: init (the schema) and demo (the demo workspace)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create or upgrade the database schema")
    init.set_defaults(func=cmd_init)

    load = subparsers.add_parser("demo", help="load the demo workspace (personas, starter journey, metrics)")
    load.add_argument(
        "--replace", action="store_true", help="delete and reload the demo journey if it exists"
    )
    load.set_defaults(func=cmd_demo)


def cmd_init(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_engine

    with cli_engine(args) as engine:
        pass
    print(f"Schema is up to date ({engine.url.render_as_string(hide_password=True)}).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.plan import demo, journeys

    with cli_session(args) as session:
        journey_id = demo.load_demo(session, replace=args.replace)
        name = journeys.get_journey(session, journey_id).name
    print(f'Loaded the demo workspace: journey "{name}".')
    return 0
