"""The command line: `python -m journey COMMAND …` (`python -m journey --help` lists them).

Each area registers its subcommands from journey/cli/<area>.py (one module per page of the app).
Building the parser imports only argparse: a command's services, the database and the libraries
they need are imported by its handler when it runs, so `--help` starts in well under a second.
Exit 0 on success; on a user error, one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys

from journey.cli import backup, import_metrics, journeys, review, studio, users, workspace
from journey.core.errors import JourneyError

# In this order in --help: the workspace, then the app's pages.
COMMAND_MODULES = (workspace, backup, users, journeys, review, import_metrics, studio)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m journey",
        description="Email customer journey maps: personas, journeys, emails and their metrics.",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="database to use (default: $DATABASE_URL, else the SQLite file data/journey.db)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except JourneyError as exc:
        message = " ".join(str(exc).split())
        print(f"error: {message}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
