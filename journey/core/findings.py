"""A finding: one thing a check found, for emails (pre-send checks, MJML validation) and journeys.

A finding's `message` says what is wrong and never where: the line and column are fields of their
own (an editor moves to them), and `finding_text` puts them in front, "Line 30, column 309: …", the
one way the studio, the snippets page and the CLI print a finding. An error (journey.core.errors)
keeps the same parts: `exc.message` is the bare message and `str(exc)` the located one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    rule: str  # a stable id, e.g. "subject-too-long"
    severity: Severity
    message: str  # what is wrong, for a marketer
    fix: str = ""  # how to fix it
    line: int | None = None  # 1-based line in the MJML source, where it applies
    column: int | None = None  # 1-based column on that line, where it is known
    stage: str | None = None  # journey checks: the stage it concerns
    email: str | None = None  # journey checks: the email it concerns


def location(line: int | None, column: int | None = None) -> str:
    """Where in a source: "Line 30, column 309", "Line 30", or "" when the line is not known."""
    if line is None:
        return ""
    return f"Line {line}, column {column}" if column is not None else f"Line {line}"


def located(message: str, line: int | None, column: int | None = None) -> str:
    """`message` with its location in front ("Line 30, column 309: …"), or as it is without a line."""
    where = location(line, column)
    return f"{where}: {message}" if where else message


def finding_text(finding: Finding) -> str:
    """A finding's message with its line (and column) in front, as the app and the CLI show it."""
    return located(finding.message, finding.line, finding.column)


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity == "error" for f in findings)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; by line within each."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.line or 0, f.rule))
