"""The Journeys page's commands: list, export, import-journey, and check-journey (the journey checks)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from journey.core.findings import finding_text
from journey.core.text import plural


def register(subparsers: argparse._SubParsersAction) -> None:
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

    check = subparsers.add_parser(
        "check-journey",
        help="check a journey against email best practices (exit 1 when any finding is an error)",
        description="Check a journey against the domain's best practices and common mistakes: stages "
        "without email, missing post-purchase emails, welcome series, CTAs, unsubscribe links, "
        "frequency in the walk-through presets, duplicate subjects, unsubscribe rates.",
    )
    check.add_argument("--journey", required=True, metavar="NAME", help="the journey's name")
    check.add_argument(
        "--json",
        action="store_true",
        help='print [{"rule", "severity", "stage", "email", "message"}] instead of text',
    )
    check.set_defaults(func=handle_check_journey)

    binned = subparsers.add_parser(
        "bin",
        help="the journey bin: list, restore or purge deleted journeys (kept 30 days)",
        description="A deleted journey is kept in the bin for 30 days, then deleted for good.",
    )
    actions = binned.add_subparsers(dest="bin_action", metavar="ACTION", required=True)
    bin_list = actions.add_parser("list", help="the journeys in the bin, with who deleted them and days left")
    bin_list.add_argument(
        "--json", action="store_true", help='print [{"id", "name", "deleted_at", "deleted_by", "days_left"}]'
    )
    restore = actions.add_parser("restore", help="take a journey out of the bin")
    restore.add_argument("id", type=int, metavar="ID", help="the journey's id (`bin list` shows it)")
    actions.add_parser("purge", help="delete for good the journeys in the bin for 30 days or more")
    binned.set_defaults(func=cmd_bin)


def cmd_list(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.plan import journeys

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
                f"{s.id:>4}  {s.name}  ({journeys.MAP_TYPES[s.map_type]}, {plural(s.stages, 'stage')}, "
                f"{plural(s.emails, 'email')})"
            )
    return 0


def cmd_bin(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.plan import bin as journey_bin

    with cli_session(args) as session:
        if args.bin_action == "restore":
            journey = journey_bin.restore_journey(session, args.id)
            print(f"Restored “{journey.name}” (id {journey.id}).")
            return 0
        if args.bin_action == "purge":
            names = journey_bin.purge_bin(session)
            print(f"Purged {plural(len(names), 'journey')}" + (f": {', '.join(names)}." if names else "."))
            return 0
        items = journey_bin.list_bin(session)
    if args.json:
        rows = [
            {
                "id": i.id,
                "name": i.name,
                "deleted_at": i.deleted_at.isoformat(),
                "deleted_by": i.deleted_by,
                "days_left": i.days_left,
            }
            for i in items
        ]
        print(json.dumps(rows, indent=2))
    elif not items:
        print("The bin is empty.")
    for i in [] if args.json else items:
        print(
            f"{i.id:>4}  {i.name}  (deleted by {i.deleted_by} on {i.deleted_at:%Y-%m-%d}, {plural(i.days_left, 'day')} left)"
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.plan import journeys, transfer

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
    from journey.cli.common import cli_session
    from journey.plan import journeys, transfer

    payload = transfer.read_journey_file(Path(args.file).read_bytes(), args.file)
    with cli_session(args) as session:
        journey_id = transfer.import_journey(session, payload, name=args.name)
        name = journeys.get_journey(session, journey_id).name
    print(f'Imported journey "{name}".')
    return 0


def handle_check_journey(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.core.findings import has_errors
    from journey.plan.checks import check_journey
    from journey.plan.journeys import get_journey_by_name

    with cli_session(args) as session:
        journey = get_journey_by_name(session, args.journey)
        findings = check_journey(session, journey.id)
    if args.json:
        rows = [
            {"rule": f.rule, "severity": f.severity, "stage": f.stage, "email": f.email, "message": f.message}
            for f in findings
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not findings:
        print(f"{journey.name}: no findings.")
    else:
        for f in findings:
            where = " / ".join(part for part in (f.stage, f.email) if part)
            print(f"{f.severity.upper():7} {f.rule}{f' [{where}]' if where else ''}: {finding_text(f)}")
            if f.fix:
                print(f"        fix: {f.fix}")
    return 1 if has_errors(findings) else 0
