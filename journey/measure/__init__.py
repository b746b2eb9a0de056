"""The Measure section: counts and rates, weeks, the weekly review, A/B statistics, charts, imports.

    metrics   counts, rates and their formatting, ISO weeks and periods, the SQL aggregation
    review    the weekly review: this week against the last ones, alerts, A/B verdicts, notes
    segments  a journey's week per segment (metric_segment_daily), for the review's By segment table
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
    "Period": "journey.measure.metrics",
    "StageMetrics": "journey.measure.metrics",
    "Thresholds": "journey.measure.review",
    "WeeklyReview": "journey.measure.review",
    "chart_png": "journey.measure.charts",
    "compare_variants": "journey.measure.stats",
    "data_stamp": "journey.measure.metrics",
    "format_rate": "journey.measure.metrics",
    "funnel_chart": "journey.measure.charts",
    "import_metrics": "journey.measure.imports",
    "iso_week_label": "journey.measure.metrics",
    "last_complete_week": "journey.measure.metrics",
    "latest_stage_rates": "journey.measure.metrics",
    "load_note": "journey.measure.review",
    "load_thresholds": "journey.measure.review",
    "make_period": "journey.measure.metrics",
    "parse_day": "journey.measure.metrics",
    "parse_week": "journey.measure.metrics",
    "rate": "journey.measure.metrics",
    "report_rows": "journey.measure.metrics",
    "review_weeks": "journey.measure.review",
    "save_note": "journey.measure.review",
    "save_thresholds": "journey.measure.review",
    "stage_metrics": "journey.measure.metrics",
    "stage_rates_chart": "journey.measure.charts",
    "stage_trend_chart": "journey.measure.charts",
    "stage_weekly": "journey.measure.metrics",
    "total_counts": "journey.measure.metrics",
    "two_proportion_ztest": "journey.measure.stats",
    "weekly_review": "journey.measure.review",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
