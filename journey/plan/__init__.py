"""The Plan section: journeys, personas, the journey map and its export, the walk-through, journey checks.

    journeys      journeys, stages and emails: list, load_tree, create/update/move/delete
    personas      personas: list, create/update/delete, their merge data from the form's grid
    checks        the journey checks (check_journey)
    maps          the journey map view, its HTML and the comparison of two maps
    map_export    the map as CSV, PNG, SVG, printable HTML; lanes imported from CSV
    walkthrough   a persona's walk through the journey, day by day
    transfer      a journey as a JSON file: export and import
    backup        the whole workspace as one file: write_backup, restore_backup
    users         the team's accounts and roles, built-in sign-in (authenticate)
    demo, demo_metrics, starter   the demo workspace and the starter journey

Other sections and the pages use these names (or import one of these modules); nothing imports a
name that starts with an underscore from another section.
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "JourneyMap": "journey.plan.maps",
    "JourneySummary": "journey.plan.journeys",
    "JourneyTree": "journey.plan.journeys",
    "MAP_TYPES": "journey.plan.journeys",
    "MapView": "journey.plan.maps",
    "PRESETS": "journey.plan.walkthrough",
    "STATUSES": "journey.plan.journeys",
    "StageNode": "journey.plan.journeys",
    "TRIGGERS": "journey.plan.journeys",
    "Walkthrough": "journey.plan.walkthrough",
    "add_email": "journey.plan.journeys",
    "add_stage": "journey.plan.journeys",
    "blank_email_mjml": "journey.plan.starter",
    "build_map": "journey.plan.maps",
    "check_journey": "journey.plan.checks",
    "check_tree": "journey.plan.checks",
    "compare_pair": "journey.plan.maps",
    "compare_trees": "journey.plan.maps",
    "comparison_html": "journey.plan.maps",
    "create_journey": "journey.plan.journeys",
    "create_persona": "journey.plan.personas",
    "default_journey_id": "journey.plan.journeys",
    "delete_email": "journey.plan.journeys",
    "delete_journey": "journey.plan.journeys",
    "delete_persona": "journey.plan.personas",
    "delete_stage": "journey.plan.journeys",
    "duplicate_journey": "journey.plan.journeys",
    "export_journey": "journey.plan.transfer",
    "get_email": "journey.plan.journeys",
    "get_journey": "journey.plan.journeys",
    "get_journey_by_name": "journey.plan.journeys",
    "get_persona": "journey.plan.personas",
    "get_persona_by_name": "journey.plan.personas",
    "get_stage": "journey.plan.journeys",
    "import_journey": "journey.plan.transfer",
    "import_lanes_csv": "journey.plan.map_export",
    "journey_of_email": "journey.plan.journeys",
    "journey_persona_ids": "journey.plan.journeys",
    "list_journeys": "journey.plan.journeys",
    "list_personas": "journey.plan.personas",
    "load_demo": "journey.plan.demo",
    "load_tree": "journey.plan.journeys",
    "map_csv": "journey.plan.map_export",
    "map_html": "journey.plan.maps",
    "map_png": "journey.plan.charts",
    "map_svg": "journey.plan.charts",
    "map_view": "journey.plan.maps",
    "merge_data_from_rows": "journey.plan.personas",
    "move_email": "journey.plan.journeys",
    "move_stage": "journey.plan.journeys",
    "parse_journey_file": "journey.plan.transfer",
    "personas_journey_first": "journey.plan.personas",
    "preset": "journey.plan.walkthrough",
    "printable_html": "journey.plan.map_export",
    "read_journey_file": "journey.plan.transfer",
    "restore_backup": "journey.plan.backup",
    "seed_on_first_start": "journey.plan.demo",
    "set_journey_personas": "journey.plan.journeys",
    "start_blank": "journey.plan.demo",
    "update_email": "journey.plan.journeys",
    "update_journey": "journey.plan.journeys",
    "update_persona": "journey.plan.personas",
    "update_stage": "journey.plan.journeys",
    "walk_journey": "journey.plan.walkthrough",
    "write_backup": "journey.plan.backup",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
