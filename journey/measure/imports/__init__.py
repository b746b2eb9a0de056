"""Metrics imports: ESP exports (generic, Mailchimp, Klaviyo, HubSpot, Campaign Monitor, Constant Contact,
ActiveCampaign, MailerLite, per-recipient events) into metric_daily.

    formats    the formats, their headers and cells: detection, parsing, the CSV reader
    reports    key/value campaign reports (Mailchimp single-campaign and A/B, MailerLite Classic)
    importer   import_metrics: all-or-nothing, re-imports replace

A new format goes in formats.py, with a test file of its own (see docs/ARCHITECTURE.md).
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "FORMATS": "journey.measure.imports.formats",
    "IgnoredEvent": "journey.measure.imports.importer",
    "ImportResult": "journey.measure.imports.importer",
    "RejectedRow": "journey.measure.imports.importer",
    "UnmatchedEmail": "journey.measure.imports.importer",
    "detect_event_source": "journey.measure.imports.formats",
    "detect_format": "journey.measure.imports.formats",
    "guess_mapping": "journey.measure.imports.formats",
    "import_metrics": "journey.measure.imports.importer",
    "read_header": "journey.measure.imports.formats",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
