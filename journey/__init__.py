"""Email customer journeys: plan them, write their emails, measure them.

The public API, one flat namespace (`import journey; journey.check_journey(...)`). Each name lives
in a section, and `import journey` loads none of them: a name imports its module on first use
(PEP 562), so the command line (`python -m journey`, which imports this package first) starts fast.

    journey.core      errors, field rules, findings
    journey.plan      journeys, personas, map, walk-through, journey checks, JSON transfer, demo
    journey.write     merge tags, render, sanitise, MJML validation, email checks, variants, send
    journey.measure   metrics and rates, weekly review, A/B statistics, charts, imports
    journey.cli       the command line (python -m journey)

docs/ARCHITECTURE.md draws the layers and says what may import what.
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "Brand": "journey.write",
    "Conversion": "journey.write",
    "DatabaseBusy": "journey.core",
    "DuplicateName": "journey.core",
    "Finding": "journey.core",
    "ForeignTag": "journey.write",
    "ImportRejected": "journey.core",
    "ImportResult": "journey.measure",
    "IncludeError": "journey.core",
    "InputTooLarge": "journey.core",
    "InvalidBackup": "journey.core",
    "InvalidInput": "journey.core",
    "InvalidJourneyFile": "journey.core",
    "InvalidMJML": "journey.core",
    "JourneyError": "journey.core",
    "JourneySummary": "journey.plan",
    "JourneyTree": "journey.plan",
    "NotFound": "journey.core",
    "Period": "journey.measure",
    "PermissionDenied": "journey.core",
    "Preview": "journey.write",
    "RenderedEmail": "journey.write",
    "ScreenshotUnavailable": "journey.core",
    "SendError": "journey.core",
    "SignInRefused": "journey.core",
    "StaleEdit": "journey.core",
    "TemplateError": "journey.core",
    "WeeklyReview": "journey.measure",
    "build_map": "journey.plan",
    "check_email": "journey.write",
    "check_journey": "journey.plan",
    "compare_variants": "journey.measure",
    "convert_tags": "journey.write",
    "create_journey": "journey.plan",
    "create_persona": "journey.plan",
    "create_snippet": "journey.write",
    "data_stamp": "journey.measure",
    "delete_journey": "journey.plan",
    "delete_persona": "journey.plan",
    "detect_engines": "journey.write",
    "duplicate_journey": "journey.plan",
    "email_facts": "journey.write",
    "export_journey": "journey.plan",
    "foreign_tags": "journey.write",
    "format_rate": "journey.measure",
    "get_journey": "journey.plan",
    "get_journey_by_name": "journey.plan",
    "get_persona": "journey.plan",
    "has_errors": "journey.core",
    "import_journey": "journey.plan",
    "import_metrics": "journey.measure",
    "last_complete_week": "journey.measure",
    "latest_stage_rates": "journey.measure",
    "list_journeys": "journey.plan",
    "list_personas": "journey.plan",
    "list_snippets": "journey.write",
    "list_variants": "journey.write",
    "load_brand": "journey.write",
    "load_demo": "journey.plan",
    "load_time_zone": "journey.measure",
    "load_tree": "journey.plan",
    "map_view": "journey.plan",
    "merge_tags": "journey.write",
    "parse_week": "journey.measure",
    "preview": "journey.write",
    "render_and_check": "journey.write",
    "render_email": "journey.write",
    "report_rows": "journey.measure",
    "resolve_includes": "journey.write",
    "sanitize_html": "journey.write",
    "save_brand": "journey.write",
    "save_time_zone": "journey.measure",
    "send_test_email": "journey.write",
    "sorted_findings": "journey.core",
    "stage_metrics": "journey.measure",
    "update_journey": "journey.plan",
    "update_persona": "journey.plan",
    "validate_mjml": "journey.write",
    "walk_journey": "journey.plan",
    "week_label": "journey.measure",
    "weekly_review": "journey.measure",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
