"""`python -m journey report`: each stage's counts and rates for a week or a date range."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from journey.measure.weeks import Period


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="each stage's counts and rates for a week (default: the last complete ISO week, in the workspace's time zone)",
        description=(
            "Print, per stage in journey order, the counts and the open, click, click-to-open, conversion, "
            "unsubscribe and bounce rates (as fractions in JSON; null where nothing was delivered)."
        ),
    )
    parser.add_argument("--journey", required=True, metavar="NAME", help="the journey's name")
    parser.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W47 (Monday to Sunday)")
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (with --to)")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (with --from)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.set_defaults(func=run)


def _period(args: argparse.Namespace, today: date) -> Period:
    from journey.core.errors import InvalidInput
    from journey.measure.weeks import last_complete_week, make_period, parse_day, parse_week

    if args.week and (args.start or args.end):
        raise InvalidInput("Give either --week or --from/--to, not both.", field="week")
    if args.week:
        return parse_week(args.week)
    if args.start or args.end:
        if not (args.start and args.end):
            raise InvalidInput("--from and --to go together: give both days (YYYY-MM-DD).", field="to")
        return make_period(parse_day(args.start, field="from"), parse_day(args.end, field="to"))
    return last_complete_week(today)


def _table(rows: list[dict], title: str) -> str:
    from journey.measure.metrics import RATE_DEFINITIONS, REPORT_COUNTS, REPORT_RATES, format_rate

    headers = [
        "Stage",
        *(c.capitalize() for c in REPORT_COUNTS),
        *(RATE_DEFINITIONS[r].label for r in REPORT_RATES),
    ]
    body = [
        [row["stage"], *(f"{row[c]:,}" for c in REPORT_COUNTS), *(format_rate(row[r]) for r in REPORT_RATES)]
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *body, strict=False)]
    lines = [title, ""]
    for index, cells in enumerate([headers, *body]):
        lines.append(
            "  ".join(
                str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            )
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.measure.metrics import report_rows
    from journey.measure.time_zone import workspace_today
    from journey.plan import journeys

    with cli_session(args) as session:
        today = workspace_today(session)
        period = _period(args, today)
        journey = journeys.get_journey_by_name(session, args.journey)
        rows = report_rows(session, journey.id, period)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_table(rows, f"{journey.name}: {period.title(today)}"))
    return 0
