"""A finding: one thing a check found, for emails (pre-send checks, MJML validation) and journeys."""

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
    stage: str | None = None  # journey checks: the stage it concerns
    email: str | None = None  # journey checks: the email it concerns


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding is an error."""
    return any(f.severity == "error" for f in findings)


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; by line within each."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.line or 0, f.rule))
