"""Backup commands: backup FILE (the whole workspace to one file) and restore FILE [--force]."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup",
        help="write the whole workspace to one file (gzip'd JSON Lines), consistent while the app runs",
    )
    backup.add_argument("file", metavar="FILE", help="where to write it, e.g. journey-2026-12-01.jsonl.gz")
    backup.add_argument(
        "--with-password-hashes",
        action="store_true",
        help="also write the accounts' password hashes (by default they are left out)",
    )
    backup.set_defaults(func=cmd_backup)

    restore = subparsers.add_parser(
        "restore", help="restore a backup into an empty database (--force: replace everything)"
    )
    restore.add_argument("file", metavar="FILE", help="a file written by `backup`")
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace every row of a database that is not empty (one transaction)",
    )
    restore.set_defaults(func=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_engine
    from journey.core.access import CLI
    from journey.plan.backup import write_backup

    target = Path(args.file)
    # Written beside the target, then renamed: a failed backup never leaves half a file under its name.
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with cli_engine(args) as engine, os.fdopen(handle, "wb") as out:
            summary = write_backup(engine, out, with_password_hashes=args.with_password_hashes, actor=CLI)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    print(f"Backed up {summary.text()} to {target}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from journey.cli.common import cli_engine
    from journey.core.access import CLI
    from journey.plan.backup import restore_backup

    with open(args.file, "rb") as source, cli_engine(args) as engine:
        summary = restore_backup(engine, source, force=args.force, actor=CLI)
    print(f"Restored {summary.text()} from {args.file}.", file=sys.stdout)
    return 0
