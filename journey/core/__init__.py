"""The core every section shares: the error tree, field rules and findings.

    errors     JourneyError and its subclasses (the tree is drawn in errors.py)
    fields     clean_name, clean_text, clean_int, clean_choice, clean_merge_data and their limits
    findings   Finding (one result of a check), has_errors, sorted_findings
    lazy       lazy_exports: the PEP 562 helper behind every section's lazy public names

The errors and findings load with the package; the field rules read their limits from db.models (so
SQLModel), and load on first use, which keeps `import journey` and `python -m journey --help` cheap.
The core imports no section (plan, write, measure, cli); tests/test_architecture.py checks it.
"""

from journey.core.errors import (
    DatabaseBusy,
    DuplicateName,
    ImportRejected,
    IncludeError,
    InputTooLarge,
    InvalidBackup,
    InvalidInput,
    InvalidJourneyFile,
    InvalidMJML,
    JourneyError,
    NotFound,
    PermissionDenied,
    ScreenshotUnavailable,
    SendError,
    SignInRefused,
    StaleEdit,
    TemplateError,
)
from journey.core.findings import Finding, has_errors, sorted_findings
from journey.core.lazy import lazy_exports

_FIELDS = ("clean_choice", "clean_int", "clean_merge_data", "clean_name", "clean_text")
__getattr__, __dir__ = lazy_exports(__name__, dict.fromkeys(_FIELDS, "journey.core.fields"))

__all__ = [
    "DatabaseBusy",
    "DuplicateName",
    "Finding",
    "ImportRejected",
    "IncludeError",
    "InputTooLarge",
    "InvalidBackup",
    "InvalidInput",
    "InvalidJourneyFile",
    "InvalidMJML",
    "JourneyError",
    "NotFound",
    "PermissionDenied",
    "ScreenshotUnavailable",
    "SendError",
    "SignInRefused",
    "StaleEdit",
    "TemplateError",
    "clean_choice",
    "clean_int",
    "clean_merge_data",
    "clean_name",
    "clean_text",
    "has_errors",
    "sorted_findings",
]
