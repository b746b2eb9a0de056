"""Workspace commands: init, demo, list, export, import-journey."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from db.engine import make_engine
from db.migrate import upgrade
from journey.cli.common import cli_session
from journey.core.errors import InvalidJourneyFile
from journey.core.text import decode_text
from journey.plan import demo, journeys, transfer


def register(subparsers: argparse._SubParsersAction) -> None:
    init = subparsers.add_parser("init", help="create or upgrade the database schema")
    init.set_defaults(func=cmd_init)

    load = subparsers.add_parser("demo", help="load the demo workspace (personas, starter journey, metrics)")
    load.add_argument(
        "--replace", action="store_true", help="delete and reload the demo journey if it exists"
    )
    load.set_defaults(func=cmd_demo)

    listing = subparsers.add_parser("list", help="list the journeys with their stage and email counts")
    listing.add_argument(
        "--json", action="store_true", help='print [{"id", "name", "map_type", "stages", "emails"}]'
    )
    listing.set_defaults(func=cmd_list)

    export = subparsers.add_parser("export", help="print one journey as JSON (personas, stages, emails)")
    export.add_argument("--journey", required=True, metavar="NAME", help="the journey's name")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    export.set_defaults(func=cmd_export)

    imp = subparsers.add_parser("import-journey", help="create a journey from a JSON file made by export")
    imp.add_argument("file", metavar="FILE.json", help="the journey file")
    imp.add_argument("--name", help="import under this name instead of the file's")
    imp.set_defaults(func=cmd_import)


def cmd_init(args: argparse.Namespace) -> int:
    engine = make_engine(args.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    print(f"Schema is up to date ({engine.url.render_as_string(hide_password=True)}).")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    with cli_session(args) as session:
        journey_id = demo.load_demo(session, replace=args.replace)
        name = journeys.get_journey(session, journey_id).name
    print(f'Loaded the demo workspace: journey "{name}".')
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with cli_session(args) as session:
        summaries = journeys.list_journeys(session)
    if args.json:
        rows = [
            {"id": s.id, "name": s.name, "map_type": s.map_type, "stages": s.stages, "emails": s.emails}
            for s in summaries
        ]
        print(json.dumps(rows, indent=2))
    elif not summaries:
        print("No journeys yet: run `python -m journey demo` or create one in the app.")
    else:
        for s in summaries:
            print(
                f"{s.id:>4}  {s.name}  ({journeys.MAP_TYPES[s.map_type]}, {s.stages} stages, {s.emails} emails)"
            )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with cli_session(args) as session:
        journey = journeys.get_journey_by_name(session, args.journey)
        payload = transfer.export_journey(session, journey.id)
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        payload = json.loads(decode_text(Path(args.file).read_bytes()))
    except json.JSONDecodeError as exc:
        raise InvalidJourneyFile(
            f"{args.file} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None
    with cli_session(args) as session:
        journey_id = transfer.import_journey(session, payload, name=args.name)
        name = journeys.get_journey(session, journey_id).name
    print(f'Imported journey "{name}".')
    return 0
