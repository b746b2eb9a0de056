"""`check-journey`: run the journey checks on one journey, as text or JSON; exit 1 when any is an error."""

from __future__ import annotations

import argparse
import json

from journey.cli.common import cli_session
from journey.core.findings import has_errors
from journey.plan.checks import check_journey
from journey.plan.journeys import get_journey_by_name


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check-journey",
        help="check a journey against email best practices (exit 1 when any finding is an error)",
        description="Check a journey against the domain's best practices and common mistakes: stages "
        "without email, missing post-purchase emails, welcome series, CTAs, unsubscribe links, "
        "frequency in the walk-through presets, duplicate subjects, unsubscribe rates.",
    )
    parser.add_argument("--journey", required=True, metavar="NAME", help="the journey's name")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print [{"rule", "severity", "stage", "email", "message"}] instead of text',
    )
    parser.set_defaults(func=handle_check_journey)


def handle_check_journey(args: argparse.Namespace) -> int:
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
            print(f"{f.severity.upper():7} {f.rule}{f' [{where}]' if where else ''}: {f.message}")
            if f.fix:
                print(f"        fix: {f.fix}")
    return 1 if has_errors(findings) else 0
