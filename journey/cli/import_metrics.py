"""Metrics import command: import-metrics."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from journey.core.text import plural

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
    parser.add_argument(
        "file",
        metavar="FILE.csv",
        type=Path,
        help="the exported CSV (UTF-8, UTF-16, or Excel's CSV in a Windows code page)",
    )
    parser.add_argument("--journey", required=True, metavar="NAME", help="the journey the emails belong to")
    parser.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="auto",
        help="the file's format (default: auto, detected from the header)",
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=(
            "read a header we do not know: which of its columns holds each of our fields, e.g. --map "
            'date="Send Date" --map email=Campaign (repeatable; needed: date, email, opens, clicks, and sent '
            "or delivered)"
        ),
    )
    parser.add_argument(
        "--mapping",
        metavar="NAME",
        help="use the column mapping saved as NAME (on the Import metrics page or with --save-mapping); a file "
        "whose header has a saved mapping uses it without this",
    )
    parser.add_argument(
        "--save-mapping",
        metavar="NAME",
        help="once imported, save the --map columns as NAME for files with this header",
    )
    parser.add_argument(
        "--create-missing",
        metavar="STAGE",
        help="create emails the journey does not have in STAGE (generic rows: in their own stage)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file without writing: the summary and, per email and variant, the rows, the journey's "
        "email they match, new and updated days, or why they are skipped",
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
    from journey.measure.imports.mappings import import_mapped
    from journey.plan import journeys

    if not args.file.is_file():
        raise ImportRejected(f"{args.file}: no such file.")
    with cli_session(args) as session:
        journey = journeys.get_journey_by_name(session, args.journey)
        journey_id, journey_name = journey.id, journey.name
        mapping, used = _chosen_mapping(session, args)
        session.rollback()  # end the lookup's read: on SQLite the file is then read without the write lock
        options = {"create_missing_stage": args.create_missing, "dry_run": args.dry_run}
        try:
            if mapping:
                result = import_mapped(
                    session, journey_id, args.file, mapping=mapping, save_as=args.save_mapping, **options
                )
                result.mapping_name = result.mapping_name or used
            else:
                result = import_metrics(session, journey_id, args.file, format=args.format, **options)
        except ImportRejected as exc:
            if exc.field == "header" and not mapping:
                exc = _with_mapping_hint(exc, args.file)
            if args.json:
                error = {"row": exc.row, "error": str(exc)}
                print(json.dumps({"format": None, "imported": 0, "rejected": [error]}, indent=2))
            raise exc from None
    if args.json:
        payload = result.to_dict()
        ordered = {key: payload.pop(key) for key in ("format", "imported", "rejected")}
        print(json.dumps({**ordered, **payload}, indent=2, ensure_ascii=False))
    else:
        print(_summary(result, args.file, journey_name))
    return 0 if result.ok else 1


def _chosen_mapping(session, args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """The column mapping to import with, from --mapping and --map (which wins), or the one saved for
    the file's header when neither is given and the format is auto; and the saved mapping's name."""
    from journey.core.errors import ImportRejected
    from journey.measure.imports.mappings import get_saved_mapping, parse_map_options, saved_mapping_for_file

    if (args.map or args.mapping) and args.format != "auto":
        raise ImportRejected(
            "--map and --mapping read the columns you name: leave out --format.", field="format"
        )
    if args.save_mapping and not args.map:
        raise ImportRejected("--save-mapping saves the --map columns: add them.", field="mapping")
    mapping: dict[str, str] = {}
    used = ""
    if args.mapping:
        saved = get_saved_mapping(session, args.mapping)
        mapping, used = dict(saved.columns), saved.name
    elif not args.map and args.format == "auto":
        saved = saved_mapping_for_file(session, args.file)
        if saved is not None:
            mapping, used = dict(saved.columns), saved.name
    mapping.update(parse_map_options(args.map))
    return mapping, used


def _with_mapping_hint(exc, file: Path):
    """The header refusal, with how to map the file's columns on the command line."""
    from journey.core.errors import ImportRejected
    from journey.measure.imports.formats import read_header
    from journey.measure.imports.mappings import map_example

    example = map_example(read_header(file))
    return ImportRejected(
        f'{exc} On the command line: --map our_field="Their Column" for each needed field, or --mapping NAME '
        f"for a saved mapping; for this file: {example}",
        field=exc.field,
        row=exc.row,
    )


def _summary(result: ImportResult, file: Path, journey: str) -> str:
    from journey.measure.imports.formats import FORMATS

    how = "detected" if result.detected else "chosen"
    lines = [
        f"{file.name}: {FORMATS.get(result.format, result.format)} ({result.format}, {how}), "
        f"{plural(result.rows_read, 'row')} read."
    ]
    if result.ignored_events:
        lines.append("Left out, as they count towards no metric:")
        lines += [f"  {event.message}" for event in result.ignored_events]
    if result.mapping_name:
        lines.append(f"Columns mapped with the saved mapping “{result.mapping_name}”.")
    if result.rejected_total:
        lines.append(
            f"{plural(result.rejected_total, 'row')} rejected, so nothing was imported. Fix these and run again:"
        )
        lines += [f"  row {r.row}: {r.error}" for r in result.rejected[:50]]
        if result.rejected_total > 50:
            lines.append(f"  … and {result.rejected_total - 50:,} more (use --json to list up to 1,000)")
        lines += [f"Note: {note}" for note in result.notes]  # how the file was read (its encoding…)
        return "\n".join(lines)
    verb = "Would import" if result.dry_run else "Imported"
    span = f" from {result.first_day} to {result.last_day}" if result.first_day else ""
    lines.append(
        f"{verb} {plural(result.imported, 'row')} (one per email, variant and day){span} into “{journey}”."
    )
    lines += [f"Note: {note}" for note in result.notes]
    if result.dry_run:
        lines += ["", *_check_lines(result, journey), ""]
    for name in result.created_emails:
        lines.append(f"  {'would create' if result.dry_run else 'created'} email “{name}”")
    if result.unmatched and not result.created_emails:
        lines.append("Not in the journey, skipped (use --create-missing STAGE to create them):")
        lines += [
            f"  {u.name}: {plural(u.rows, 'row')}, {u.sent:,} sent, {u.delivered:,} delivered, {plural(u.opens, 'open')}"
            for u in result.unmatched
        ]
    return "\n".join(lines)


def _check_lines(result: ImportResult, journey: str) -> list[str]:
    """The dry run's check as a text table: one line per email and variant of the file."""
    from journey.measure.imports.preview import check_summary, check_table

    table = check_table(result)
    if not table:
        return [check_summary(result, journey)]
    headings = list(table[0])
    cells = [[str(row[h]) for h in headings] for row in table]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headings)]

    def line(values: list[str]) -> str:
        return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)).rstrip()

    return [check_summary(result, journey), line(headings), *(line(c) for c in cells)]
