"""`python -m journey report`: each stage's counts and rates for a week or a date range; with --send-to,
the weekly review mailed as the digest (journey.measure.digest) over the SMTP server of the SMTP_* variables."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from sqlmodel import Session

    from db.models import Journey
    from journey.measure.weeks import Period

LAST = "LAST"
NO_SMTP = (
    "The digest needs an SMTP server: set SMTP_HOST (and SMTP_PORT, SMTP_STARTTLS, SMTP_USER, SMTP_PASSWORD, "
    "SMTP_FROM as your provider needs) in the environment of the command."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="each stage's counts and rates for a week (default: the last complete ISO week, in the workspace's time zone)",
        description=(
            "Print, per stage in journey order, the counts and the open, click, click-to-open, conversion, "
            "unsubscribe and bounce rates (as fractions in JSON; null where nothing was delivered)."
        ),
    )
    parser.add_argument(
        "--journey",
        metavar="NAME|ID",
        help="the journey's name or id (needed without --send-to; with it, default: every journey with metrics)",
    )
    parser.add_argument(
        "--week",
        metavar="YYYY-Www|LAST",
        help="an ISO week, e.g. 2026-W47 (Monday to Sunday), or LAST: the last complete one (the default)",
    )
    parser.add_argument("--from", dest="start", metavar="DATE", help="first day, YYYY-MM-DD (with --to)")
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day, YYYY-MM-DD (with --from)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--send-to",
        action="append",
        metavar="ADDRESS",
        help=(
            "mail the week's review (alerts, tables, charts) to ADDRESS instead of printing it; repeatable; "
            "through the SMTP server of SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USER, SMTP_PASSWORD, SMTP_FROM"
        ),
    )
    parser.set_defaults(func=run)


def _period(args: argparse.Namespace, today: date) -> Period:
    from journey.core.errors import InvalidInput
    from journey.measure.review import resolve_week
    from journey.measure.weeks import make_period, parse_day, parse_week

    if args.week and (args.start or args.end):
        raise InvalidInput("Give either --week or --from/--to, not both.", field="week")
    if args.week and args.week.strip().upper() == LAST:
        return resolve_week(None, today)  # the last complete ISO week in the workspace's time zone
    if args.week:
        return parse_week(args.week)
    if args.start or args.end:
        if not (args.start and args.end):
            raise InvalidInput("--from and --to go together: give both days (YYYY-MM-DD).", field="to")
        return make_period(parse_day(args.start, field="from"), parse_day(args.end, field="to"))
    return resolve_week(None, today)


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


def _journey(session: Session, name_or_id: str) -> Journey:
    """The journey of that name, else (a number) of that id; NotFound listing the journeys otherwise."""
    from journey.core.errors import NotFound
    from journey.plan import journeys

    try:
        return journeys.get_journey_by_name(session, name_or_id)
    except NotFound:
        if not name_or_id.strip().isdigit():
            raise
        try:
            return journeys.get_journey(session, int(name_or_id))
        except NotFound:
            raise NotFound(
                f"No journey named or numbered {name_or_id.strip()}; `python -m journey list` shows them.",
                field="journey",
            ) from None


def send(args: argparse.Namespace) -> int:
    """Mail the week's review of --journey, or of every journey with metrics that week, as one digest."""
    from journey.cli.common import cli_session
    from journey.core.errors import InvalidInput, SendError
    from journey.measure.digest import build_digest, send_digest, week_dates
    from journey.measure.review import load_note, weekly_review
    from journey.measure.time_zone import workspace_today
    from journey.plan import journeys
    from journey.write.send import check_addresses, smtp_config, smtp_settings_from_env

    if args.start or args.end:
        raise InvalidInput(
            "The digest reviews one ISO week: give --week (or LAST), not --from/--to.", field="week"
        )
    if args.json:
        raise InvalidInput(
            "--json prints the report; the digest goes by email: leave out one of them.", field="json"
        )
    recipients = check_addresses([a.strip() for a in args.send_to], field="send_to")
    config = smtp_config(smtp_settings_from_env(os.environ))
    if config is None:
        raise SendError(NO_SMTP)
    with cli_session(args) as session:
        period = _period(args, workspace_today(session))
        chosen = [_journey(session, args.journey)] if args.journey else journeys.list_journeys(session)
        reviews = [weekly_review(session, j.id, period) for j in chosen]
        notes = {r.journey_id: load_note(session, r.journey_id, r.week).text for r in reviews}
    digest = build_digest(period, reviews, notes)
    result = send_digest(config, digest, recipients)
    print(
        f"Sent “{digest.subject}” ({', '.join(digest.journeys) or 'no journey with metrics'}) to "
        f"{', '.join(result.accepted)} through {config.host}:{config.port}."
    )
    for address, reason in result.refused.items():
        print(f"error: {config.host}:{config.port} refused {address}: {reason}", file=sys.stderr)
    if not digest.journeys:
        print(f"No journey has metrics for {week_dates(period, year=True)}.", file=sys.stderr)
    return 1 if result.refused else 0


def run(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.core.errors import InvalidInput
    from journey.measure.metrics import report_rows
    from journey.measure.time_zone import workspace_today

    if args.send_to:
        return send(args)
    if not args.journey:
        raise InvalidInput(
            "Give --journey NAME (or --send-to ADDRESS to mail the review of every journey).", field="journey"
        )
    with cli_session(args) as session:
        today = workspace_today(session)
        period = _period(args, today)
        journey = _journey(session, args.journey)
        rows = report_rows(session, journey.id, period)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_table(rows, f"{journey.name}: {period.title(today)}"))
    return 0
