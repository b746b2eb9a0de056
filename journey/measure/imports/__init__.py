"""Metrics imports: ESP exports (generic, Mailchimp, Klaviyo, HubSpot, Campaign Monitor, Constant Contact,
ActiveCampaign, MailerLite, per-recipient events) into metric_daily.

    formats    the formats, their headers and cells: detection, parsing, the CSV reader
    reports    key/value campaign reports (Mailchimp single-campaign and A/B, MailerLite Classic)
    importer   import_metrics: all-or-nothing, re-imports replace; a dry run's check per email
    mappings   column mappings for other headers: guessed from synonyms, saved per header
    preview    the dry run's check in words, and the journey that fits a file best

A new format goes in formats.py, with a test file of its own (see docs/ARCHITECTURE.md).
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "CheckRow": "journey.measure.imports.importer",
    "FIELD_LABELS": "journey.measure.imports.mappings",
    "FORMATS": "journey.measure.imports.formats",
    "IgnoredEvent": "journey.measure.imports.importer",
    "ImportResult": "journey.measure.imports.importer",
    "JourneyFit": "journey.measure.imports.preview",
    "RejectedRow": "journey.measure.imports.importer",
    "SavedMapping": "journey.measure.imports.mappings",
    "UnmatchedEmail": "journey.measure.imports.importer",
    "check_summary": "journey.measure.imports.preview",
    "check_table": "journey.measure.imports.preview",
    "detect_event_source": "journey.measure.imports.formats",
    "detect_format": "journey.measure.imports.formats",
    "find_saved_mapping": "journey.measure.imports.mappings",
    "forget_mapping": "journey.measure.imports.mappings",
    "guess_mapping": "journey.measure.imports.mappings",
    "import_mapped": "journey.measure.imports.mappings",
    "import_metrics": "journey.measure.imports.importer",
    "list_saved_mappings": "journey.measure.imports.mappings",
    "rank_journeys": "journey.measure.imports.preview",
    "read_header": "journey.measure.imports.formats",
    "save_mapping": "journey.measure.imports.mappings",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
