"""The Measure section: counts and rates, weeks, the weekly review, A/B statistics, charts, imports.

    metrics   counts, rates and their formatting, the SQL aggregation
    weeks     ISO weeks and periods, complete and in-progress weeks, their labels, the clock
    time_zone the workspace's time zone (a setting) and today in it
    review    the weekly review: this week against the last ones, alerts, A/B verdicts, notes
    digest    the weekly review as one email (HTML with inline charts, Markdown alternative), sent over SMTP
    stats     two-proportion z-tests and A/B verdicts
    charts    the Altair charts (the only module that should import altair)
    imports   ESP metrics exports (a sub-package: formats and the importer)

Pages, the CLI and other sections use the names below, or import one of these modules.
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "ABVerdict": "journey.measure.stats",
    "Counts": "journey.measure.metrics",
    "ImportResult": "journey.measure.imports",
    "Period": "journey.measure.weeks",
    "StageMetrics": "journey.measure.metrics",
    "Thresholds": "journey.measure.review",
    "TimeZone": "journey.measure.time_zone",
    "WeeklyReview": "journey.measure.review",
    "chart_png": "journey.measure.charts",
    "compare_variants": "journey.measure.stats",
    "complete_weeks": "journey.measure.weeks",
    "data_stamp": "journey.measure.metrics",
    "dates_label": "journey.measure.weeks",
    "format_rate": "journey.measure.metrics",
    "funnel_chart": "journey.measure.charts",
    "import_metrics": "journey.measure.imports",
    "iso_week_label": "journey.measure.weeks",
    "last_complete_week": "journey.measure.weeks",
    "latest_stage_rates": "journey.measure.metrics",
    "load_note": "journey.measure.review",
    "load_thresholds": "journey.measure.review",
    "load_time_zone": "journey.measure.time_zone",
    "make_period": "journey.measure.weeks",
    "parse_day": "journey.measure.weeks",
    "parse_week": "journey.measure.weeks",
    "rate": "journey.measure.metrics",
    "report_rows": "journey.measure.metrics",
    "review_weeks": "journey.measure.review",
    "save_note": "journey.measure.review",
    "save_thresholds": "journey.measure.review",
    "save_time_zone": "journey.measure.time_zone",
    "stage_metrics": "journey.measure.metrics",
    "stage_rates_chart": "journey.measure.charts",
    "stage_trend_chart": "journey.measure.charts",
    "stage_weekly": "journey.measure.metrics",
    "today_in": "journey.measure.weeks",
    "total_counts": "journey.measure.metrics",
    "two_proportion_ztest": "journey.measure.stats",
    "week_label": "journey.measure.weeks",
    "weekly_review": "journey.measure.review",
    "workspace_today": "journey.measure.time_zone",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
