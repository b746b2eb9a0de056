"""Email studio commands: render an MJML email to HTML or text, and run the pre-send checks.

    python -m journey render FILE.mjml [--data FILE.json] [--preheader P] [--text] [--strict]
    python -m journey convert-tags FILE.mjml [-o OUT.mjml]
    python -m journey check FILE.mjml [--data FILE.json] [--subject S] [--preheader P]
                            [--cta-label L] [--cta-url URL] [--check-links] [--json]

FILE may be `-` for standard input. `--data` is a JSON object of merge fields laid over the standard
ones (`unsubscribe_url`, `view_in_browser_url`). `<mj-include>`s resolve, like mjml's, against the
folder holding FILE (`--snippets DIR` names another): each `NAME.mjml`, `NAME.css`, `NAME.html` there
is the snippet NAME (the path rule of journey.write.includes: `./footer`, `partials/footer.mjml` both
name footer). `--workspace` adds the workspace database's snippets (a file in the folder wins on a clash)
and its brand as the merge data `brand` (`{{ brand.name }}`, `{{ brand.address }}`…; a `brand` object in
`--data` is laid over it field by field).
`render` exits 1 with one line on stderr when the email cannot be rendered, and with one line per
include it cannot resolve; a merge tag it cannot fill is shown as a placeholder, reported on stderr and
exits 0, unless `--strict` (what a send does): then any such tag exits 1. `check` prints every finding
and exits 1 when any of them is an error. `convert-tags` rewrites other engines' merge tags as Liquid
and exits 1 when some could not be converted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from journey.core.findings import finding_text
from journey.core.text import plural

_DATA_HELP = (
    'JSON file with an object of merge fields, e.g. {"first_name": "Olivia"}; '
    "laid over the standard unsubscribe_url and view_in_browser_url"
)


_SNIPPETS_HELP = (
    "folder of snippets that <mj-include path=...> names (NAME.mjml, NAME.css, NAME.html); "
    "default: the folder holding FILE"
)
_WORKSPACE_HELP = (
    "use the workspace database (--database-url): its brand fills {{ brand.… }} and its snippets "
    "resolve includes"
)
MAX_SNIPPET_FILES = 500


def _add_snippet_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--snippets", metavar="DIR", help=_SNIPPETS_HELP)
    parser.add_argument("--workspace", action="store_true", help=_WORKSPACE_HELP)


def register(subparsers: argparse._SubParsersAction) -> None:
    render = subparsers.add_parser(
        "render",
        help="render an MJML email (merge tags filled) to sanitised HTML, or plain text",
        description="Merge tags → MJML → sanitised HTML on stdout (or the plain-text alternative with --text).",
    )
    render.add_argument("file", metavar="FILE.mjml", help="the MJML email ('-' reads standard input)")
    render.add_argument("--data", metavar="FILE.json", help=_DATA_HELP)
    render.add_argument(
        "--preheader", metavar="TEXT", default="", help="preheader text (replaces <mj-preview>)"
    )
    render.add_argument(
        "--text", action="store_true", help="print the plain-text alternative instead of the HTML"
    )
    render.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 on any merge tag that cannot be filled or is in another engine's syntax (as a send does)",
    )
    _add_snippet_options(render)
    render.set_defaults(func=cmd_render)

    convert = subparsers.add_parser(
        "convert-tags",
        help="rewrite other engines' merge tags (Mailchimp, Handlebars, Jinja, Blade…) as Liquid",
        description=(
            "Converts variables, if/else, each/for, comments and default values to Liquid and lists what "
            "it converted and what it could not. Exit 0 when everything converted, 1 otherwise."
        ),
    )
    convert.add_argument("file", metavar="FILE.mjml", help="the MJML email ('-' reads standard input)")
    convert.add_argument(
        "-o",
        "--output",
        metavar="OUT.mjml",
        help="write the converted MJML here (default: standard output; the list then goes to stderr)",
    )
    convert.set_defaults(func=cmd_convert_tags)

    check = subparsers.add_parser(
        "check",
        help="run the pre-send checks on an MJML email; exit 1 when any finding is an error",
        description="Pre-send checks, MJML validation and sanitiser findings for one email.",
    )
    check.add_argument("file", metavar="FILE.mjml", help="the MJML email ('-' reads standard input)")
    check.add_argument("--data", metavar="FILE.json", help=_DATA_HELP)
    check.add_argument(
        "--subject", metavar="TEXT", help="the subject line to check (without it, subject rules are skipped)"
    )
    check.add_argument(
        "--preheader", metavar="TEXT", help="the preheader to check (default: the <mj-preview> text, if any)"
    )
    check.add_argument("--cta-label", metavar="TEXT", default="", help="the planned call-to-action label")
    check.add_argument("--cta-url", metavar="URL", default="", help="the planned call-to-action URL")
    check.add_argument(
        "--check-links",
        action="store_true",
        help="also request every http(s) link (HEAD, 3 s timeout) and report the ones that fail",
    )
    check.add_argument(
        "--json", action="store_true", help='print [{"rule", "severity", "message", "line"}] instead of text'
    )
    _add_snippet_options(check)
    check.set_defaults(func=cmd_check)


def _read_source(path: str) -> str:
    from journey.core.errors import InvalidInput
    from journey.core.text import decode_text

    if path == "-":
        return sys.stdin.read()
    file = Path(path)
    if not file.is_file():
        raise InvalidInput(f"{path}: no such file.", field="file")
    try:
        return decode_text(file.read_bytes())
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path} is not UTF-8 text (byte {exc.start}).", field="file") from exc


def _read_data(path: str | None) -> dict[str, object]:
    from journey.core.errors import InvalidInput

    if not path:
        return {}
    text = _read_source(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
            field="data",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except (RecursionError, ValueError) as exc:  # nested thousands deep; a number of over 4,300 digits
        reason = "nests too deeply" if isinstance(exc, RecursionError) else "holds a number too long to read"
        raise InvalidInput(
            f"{path} {reason}: merge data is one JSON object of fields.", field="data"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            f'{path} must hold a JSON object of merge fields, e.g. {{"first_name": "Olivia"}}.'
        )
    return data


def _merge_data(args: argparse.Namespace) -> dict[str, object]:
    """`--data`, with the brand: the workspace's (with --workspace), a `brand` object in --data laid over it."""
    from journey.write.render import standard_merge_data

    data = _read_data(args.data)
    brand: dict[str, object] = {}
    if args.workspace:
        from journey.cli.common import cli_session
        from journey.write.brand import brand_merge_data

        with cli_session(args) as session:
            brand.update(brand_merge_data(session))
    if isinstance(data.get("brand"), dict):
        brand.update(data["brand"])
    return {**data, "brand": standard_merge_data(brand=brand)["brand"]}


def _snippets(args: argparse.Namespace, source: str) -> dict[str, str]:
    """The snippets FILE's includes resolve against: the workspace's (with --workspace), then the folder's."""
    from journey.core.errors import InvalidInput
    from journey.write.includes import NAME_ENDINGS, find_includes, snippet_name

    library: dict[str, str] = {}
    if args.workspace:
        from journey.cli.common import cli_session
        from journey.write.snippets import snippet_library

        with cli_session(args) as session:
            library.update(snippet_library(session))
    if args.snippets:
        folder = Path(args.snippets)
        if not folder.is_dir():
            raise InvalidInput(f"--snippets {args.snippets}: no such folder.", field="snippets")
    elif args.file != "-" and find_includes(source):
        folder = Path(args.file).parent
    else:
        return library
    files = [f for f in sorted(folder.iterdir()) if f.is_file() and f.suffix.lower() in NAME_ENDINGS]
    for file in files[:MAX_SNIPPET_FILES]:
        if file.resolve() != Path(args.file).resolve() or args.file == "-":
            library[snippet_name(file.name)] = _read_source(str(file))
    return library


def _print_finding(finding, file=None) -> None:
    """One line per finding, with the words the studio shows: `error   rule: Line 4, column 7: … Fix: …`."""
    fix = f" Fix: {finding.fix}" if finding.fix else ""
    print(f"{finding.severity:7} {finding.rule}: {finding_text(finding)}{fix}", file=file or sys.stdout)


def cmd_render(args: argparse.Namespace) -> int:
    from journey.write.render import error_finding, preview

    source = _read_source(args.file)
    result = preview(source, _merge_data(args), preheader=args.preheader, snippets=_snippets(args, source))
    if result.error is not None:
        raise result.error
    if result.include_errors:  # never a silent gap: an include that names no snippet is an error
        for error in result.include_errors:
            _print_finding(error_finding(error), sys.stderr)
        return 1
    for error in result.tag_errors:
        _print_finding(error_finding(error), sys.stderr)
    if args.strict and result.tag_errors:
        count = len(result.tag_errors)
        print(
            f"error: {plural(count, 'merge tag')} cannot be filled; fix them before sending.",
            file=sys.stderr,
        )
        return 1
    assert result.email is not None
    output = result.email.text if args.text else result.email.html
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


def cmd_convert_tags(args: argparse.Namespace) -> int:
    from journey.write.engines import convert_tags, describe

    conversion = convert_tags(_read_source(args.file))
    if args.output:
        Path(args.output).write_text(conversion.source, encoding="utf-8")
        report = sys.stdout
    else:
        sys.stdout.write(conversion.source)
        report = sys.stderr
    if not conversion.converted and not conversion.unconverted:
        print("No merge tags of other engines found: nothing to convert.", file=report)
        return 0
    if conversion.converted:
        print(f"Converted {plural(len(conversion.converted), 'tag')}:", file=report)
        for tag in conversion.converted:
            print(f"  {describe(tag)}", file=report)
    if conversion.unconverted:
        print(
            f"Could not convert {plural(len(conversion.unconverted), 'tag')}, left as written:", file=report
        )
        for tag in conversion.unconverted:
            print(f"  {describe(tag)}", file=report)
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from journey.core.findings import sorted_findings
    from journey.write.checks import check_email

    source = _read_source(args.file)
    findings = sorted_findings(
        check_email(
            source,
            snippets=_snippets(args, source),
            subject=args.subject,
            preheader=args.preheader,
            data=_merge_data(args),
            cta_label=args.cta_label,
            cta_url=args.cta_url,
            check_links=args.check_links,
        )
    )
    if args.json:
        rows = [
            {"rule": f.rule, "severity": f.severity, "message": f.message, "line": f.line, "column": f.column}
            for f in findings
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for f in findings:
            _print_finding(f)
        if not findings:
            print("No findings: the email is ready to send.")
    errors = sum(f.severity == "error" for f in findings)
    if errors:
        print(
            f"error: {plural(errors, 'error finding')}; fix them before sending.",
            file=sys.stderr,
        )
        return 1
    return 0
