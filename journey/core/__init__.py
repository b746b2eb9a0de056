"""The core every section shares: the error tree, field rules and findings (light: imported eagerly).

    errors     JourneyError and its subclasses (the tree is drawn in errors.py)
    fields     clean_name, clean_text, clean_int, clean_choice, clean_merge_data and their limits
    findings   Finding (one result of a check), has_errors, sorted_findings
    lazy       lazy_exports: the PEP 562 helper behind every section's lazy public names

The core imports no section (plan, write, measure, cli); tests/test_architecture.py checks it.
"""

from journey.core.errors import (
    DuplicateName,
    ImportRejected,
    InputTooLarge,
    InvalidInput,
    InvalidJourneyFile,
    InvalidMJML,
    JourneyError,
    NotFound,
    SendError,
    StaleEdit,
    TemplateError,
)
from journey.core.fields import clean_choice, clean_int, clean_merge_data, clean_name, clean_text
from journey.core.findings import Finding, has_errors, sorted_findings

__all__ = [
    "DuplicateName",
    "Finding",
    "ImportRejected",
    "InputTooLarge",
    "InvalidInput",
    "InvalidJourneyFile",
    "InvalidMJML",
    "JourneyError",
    "NotFound",
    "SendError",
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
