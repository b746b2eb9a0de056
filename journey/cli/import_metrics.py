"""Metrics import command: import-metrics."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from journey.measure.imports.importer import ImportResult

# journey.measure.imports.formats.FORMATS without "mapped" (a test keeps the two the same; the module
# level of a CLI module imports only the standard library).
FORMAT_CHOICES = (
    "auto",
    "generic",
    "mailchimp",
    "mailchimp_campaign",
    "mailchimp_ab",
    "klaviyo",
    "klaviyo_flow",
    "hubspot",
    "campaign_monitor",
    "constant_contact",
    "activecampaign",
    "mailerlite",
    "mailerlite_classic",
    "events",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import-metrics",
        help="import an ESP metrics export (CSV) into a journey: all-or-nothing, re-imports replace",
        description=(
            "Import a metrics CSV into a journey's emails: the generic format, a Mailchimp all-campaigns, "
            "single-campaign or A/B report, a Klaviyo campaign or flow export, a HubSpot, Campaign Monitor, "
            "Constant Contact, ActiveCampaign or MailerLite report, or per-recipient events (SendGrid, "
            "Mailgun, Postmark, Brevo). One row per email, variant and day; importing the same or an overlapping file "
            "again replaces those rows. If any row is rejected nothing is written. Row numbers count "
            "the header as row 1."
        ),
    )
    parser.add_argument("file", metavar="FILE.csv", type=Path, help="the exported CSV (UTF-8 or UTF-16)")
    parser.add_argument("--journey", required=True, metavar="NAME", help="the journey the emails belong to")
    parser.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="auto",
        help="the file's format (default: auto, detected from the header)",
    )
    parser.add_argument(
        "--create-missing",
        metavar="STAGE",
        help="create emails the journey does not have in STAGE (generic rows: in their own stage)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check the file and print the summary without writing"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"format", "imported", "rejected": [{"row", "error"}], "unmatched", ...} as JSON',
    )
    parser.set_defaults(func=cmd_import_metrics)


def cmd_import_metrics(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_session
    from journey.core.errors import ImportRejected
    from journey.measure.imports.importer import import_metrics
    from journey.plan import journeys

    if not args.file.is_file():
        raise ImportRejected(f"{args.file}: no such file.")
    with cli_session(args) as session:
        journey = journeys.get_journey_by_name(session, args.journey)
        journey_id, journey_name = journey.id, journey.name
        session.rollback()  # end the lookup's read: on SQLite the file is then read without the write lock
        try:
            result = import_metrics(
                session,
                journey_id,
                args.file,
                format=args.format,
                create_missing_stage=args.create_missing,
                dry_run=args.dry_run,
            )
        except ImportRejected as exc:
            if args.json:
                error = {"row": exc.row, "error": str(exc)}
                print(json.dumps({"format": None, "imported": 0, "rejected": [error]}, indent=2))
            raise
    if args.json:
        payload = result.to_dict()
        ordered = {key: payload.pop(key) for key in ("format", "imported", "rejected")}
        print(json.dumps({**ordered, **payload}, indent=2, ensure_ascii=False))
    else:
        print(_summary(result, args.file, journey_name))
    return 0 if result.ok else 1


def _summary(result: ImportResult, file: Path, journey: str) -> str:
    from journey.measure.imports.formats import FORMATS

    how = "detected" if result.detected else "chosen"
    lines = [
        f"{file.name}: {FORMATS.get(result.format, result.format)} ({result.format}, {how}), "
        f"{result.rows_read:,} rows read."
    ]
    if result.ignored_events:
        lines.append("Left out, as they count towards no metric:")
        lines += [f"  {event.message}" for event in result.ignored_events]
    if result.rejected_total:
        lines.append(
            f"{result.rejected_total:,} rows rejected, so nothing was imported. Fix these and run again:"
        )
        lines += [f"  row {r.row}: {r.error}" for r in result.rejected[:50]]
        if result.rejected_total > 50:
            lines.append(f"  … and {result.rejected_total - 50:,} more (use --json to list up to 1,000)")
        return "\n".join(lines)
    verb = "Would import" if result.dry_run else "Imported"
    span = f" from {result.first_day} to {result.last_day}" if result.first_day else ""
    lines.append(f"{verb} {result.imported:,} rows (one per email, variant and day){span} into “{journey}”.")
    lines += [f"Note: {note}" for note in result.notes]
    for name in result.created_emails:
        lines.append(f"  {'would create' if result.dry_run else 'created'} email “{name}”")
    if result.unmatched and not result.created_emails:
        lines.append("Not in the journey, skipped (use --create-missing STAGE to create them):")
        lines += [
            f"  {u.name}: {u.rows:,} rows, {u.sent:,} sent, {u.delivered:,} delivered, {u.opens:,} opens"
            for u in result.unmatched
        ]
    return "\n".join(lines)
