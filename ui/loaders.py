"""Cached reads for the pages (`load_…`): plain data, keyed on the workspace's data stamp.

Every loader is `st.cache_data`, keyed on `data_key()`: the database URL and the data version that
every committed write bumps (journey.measure.metrics.data_stamp, one primary-key read, once per script
run), so an import from the CLI or a teammate shows at once. A write through ui.writes.run_write
clears them all (clear_caches) and the remembered key with them.
"""

from __future__ import annotations

from datetime import date

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from db.engine import database_url
from journey.measure import charts, metrics, review, time_zone, weeks
from journey.plan import activity, journeys, maps, personas
from journey.plan.walkthrough import PathEvent, walk_journey
from journey.write import brand, snippets
from journey.write.checks import CheckedRender, render_and_check
from journey.write.render import standard_merge_data
from ui.db import db_session

TTL = 300


_RUN_KEY = "_journey_data_key"  # on Streamlit's ScriptRunContext: (the run's cursors dict, the key)


def data_key() -> tuple:
    """The cache key of every data loader: the database, and its data stamp (one primary-key read).

    Read once per script run (a fragment's run is a run too), however many loaders the page calls, and
    read again after a write (clear_caches forgets it). A run is told apart by its context's `cursors`,
    the dict Streamlit replaces at the start of every run (ScriptRunContext.reset); outside a script
    run (bare mode, tests) it is read every time.
    """
    ctx = get_script_run_ctx(suppress_warning=True)
    remembered = getattr(ctx, _RUN_KEY, None)
    if ctx is not None and remembered is not None and remembered[0] is ctx.cursors:
        return remembered[1]
    with db_session() as session:
        key = (database_url(), *metrics.data_stamp(session))
    if ctx is not None:
        setattr(ctx, _RUN_KEY, (ctx.cursors, key))
    return key


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_map_view(stamp: tuple, journey_id: int, today: date) -> maps.MapView:
    with db_session() as session:
        return maps.map_view(session, journey_id, today)


def load_map_view(journey_id: int) -> maps.MapView:
    """The journey's map (with its stages' rates in the last complete week), its check findings and its
    source journey id."""
    return _load_map_view(data_key(), journey_id, workspace_today())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_comparison(stamp: tuple, current_id: int, future_id: int) -> maps.MapComparison:
    with db_session() as session:
        return maps.compare_trees(
            journeys.load_tree(session, current_id), journeys.load_tree(session, future_id)
        )


def load_comparison(current_id: int, future_id: int) -> maps.MapComparison:
    """What changed from the current-state journey to the future-state one."""
    return _load_comparison(data_key(), current_id, future_id)


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_walkthrough(stamp: tuple, journey_id: int, path: tuple, persona_id: int | None, start: date):
    with db_session() as session:
        tree = journeys.load_tree(session, journey_id)
        merge = personas.get_persona(session, persona_id).merge_data if persona_id else {}
        data = standard_merge_data(merge, brand=brand.brand_merge_data(session))
        walk = walk_journey(tree, list(path), data, start=start)
        return walk, [n.stage.name for n in tree.stages], tree.journey.max_emails_per_week


def load_walkthrough(journey_id: int, path: list[PathEvent], persona_id: int | None, start: date):
    """(the walk-through of the journey on `path` as the persona, the stage names, the weekly cap)."""
    return _load_walkthrough(data_key(), journey_id, tuple(path), persona_id, start)


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_metric_scope(stamp: tuple) -> dict:
    with db_session() as session:
        return {
            "personas": [(p.id, p.name) for p in personas.list_personas(session)],
            "journeys": [(j.id, j.name, tuple(j.personas)) for j in journeys.list_journeys(session)],
        }


def load_metric_scope() -> dict:
    """Personas as (id, name) and journeys as (id, name, persona names), for the dashboard's filters."""
    return _load_metric_scope(data_key())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_default_journey(stamp: tuple) -> int | None:
    with db_session() as session:
        return journeys.default_journey_id(session)


def load_default_journey() -> int | None:
    """The journey a fresh session opens on: the latest metrics', else the newest (None without journeys)."""
    return _load_default_journey(data_key())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_journey_span(stamp: tuple, journey_id: int):
    with db_session() as session:
        span = metrics.data_range(session, metrics.MetricFilter(journey_id=journey_id))
        stages = [(n.stage.id, n.stage.name) for n in journeys.load_tree(session, journey_id).stages]
    return (span.start, span.end) if span else None, stages


def load_journey_span(journey_id: int):
    """((first day, last day) with metrics or None, [(stage id, name)] in journey order)."""
    return _load_journey_span(data_key(), journey_id)


@st.cache_data(ttl=TTL, show_spinner="Summing the metrics…")
def _load_dashboard(stamp, journey_id, start, end, stage_ids, trend_rates, table_rate, today) -> dict:
    period = weeks.Period(start, end)
    with db_session() as session:
        stages = metrics.stage_metrics(session, journey_id, period, stage_ids)
        weekly = metrics.stage_weekly(session, journey_id, period, stage_ids)
        emails = metrics.email_metrics(session, journey_id, period, stage_ids)
        email_weeks = metrics.email_weekly(session, journey_id, period, stage_ids)
    return {
        "total": metrics.total_counts(stages),
        "stage_rates": charts.stage_rates_frame(stages),
        "trend": charts.stage_trend_frame(weekly, trend_rates, today=today, period=period),
        "funnel": charts.funnel_frame(stages),
        "emails": charts.email_table_frame(emails, email_weeks, table_rate),
    }


def load_dashboard(journey_id, start, end, stage_ids=None, trend_rates=(), table_rate="click_rate") -> dict:
    """The dashboard's data for one journey and period: totals and one DataFrame per chart (the week in
    progress marked as of today in the workspace's time zone)."""
    ids = tuple(stage_ids) if stage_ids else None
    today = workspace_today()
    return _load_dashboard(data_key(), journey_id, start, end, ids, tuple(trend_rates), table_rate, today)


@st.cache_data(ttl=TTL, show_spinner="Preparing the review…")
def _load_weekly_review(stamp: tuple, journey_id: int, week: str, today: date):
    with db_session() as session:
        weekly = review.weekly_review(session, journey_id, week, today=today)
    return weekly, charts.stage_rates_frame(weekly.stage_metrics), charts.funnel_frame(weekly.stage_metrics)


def load_weekly_review(journey_id: int, week: str):
    """(WeeklyReview, stage-rates frame, funnel frame) for one journey and ISO week, as of today in the
    workspace's time zone (a week in progress is marked)."""
    return _load_weekly_review(data_key(), journey_id, week, workspace_today())


@st.cache_data(max_entries=256, show_spinner=False)
def _load_studio_render(
    mjml: str,
    subject: str | None,
    preheader: str,
    data: dict,
    cta_label: str,
    cta_url: str,
    snippets: dict,
) -> CheckedRender:
    return render_and_check(
        mjml,
        data,
        subject=subject,
        preheader=preheader,
        cta_label=cta_label,
        cta_url=cta_url,
        snippets=snippets,
    )


def load_studio_render(
    mjml: str, subject: str | None, preheader: str, data: dict, cta_label: str, cta_url: str
) -> CheckedRender:
    """The studio's render and pre-send findings of one version of an email, its includes resolved
    against the workspace's snippets (a pure function of its input and the snippets, cached)."""
    return _load_studio_render(mjml, subject, preheader, data, cta_label, cta_url, load_snippet_library())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_brand(stamp: tuple) -> brand.Brand:
    with db_session() as session:
        return brand.load_brand(session)


def load_brand() -> brand.Brand:
    """The workspace brand (with its version): what every email's `{{ brand.… }}` reads."""
    return _load_brand(data_key())


def load_time_zone() -> time_zone.TimeZone:
    """The workspace's time zone (with its version): when its days, so its weeks, begin and end.

    Not cached: one read of a row by its primary key costs less than the data stamp a cache would key on."""
    with db_session() as session:
        return time_zone.load_time_zone(session)


def workspace_today() -> date:
    """Today in the workspace's time zone (the clock: journey.measure.weeks.utc_now); the loaders that
    depend on the day take it as an argument, so a new day is a new cache entry."""
    return load_time_zone().today()


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_snippet_library(stamp: tuple) -> dict[str, str]:
    with db_session() as session:
        return snippets.snippet_library(session)


def load_snippet_library() -> dict[str, str]:
    """Every snippet as name → MJML: what the emails' <mj-include>s resolve against."""
    return _load_snippet_library(data_key())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_snippets(stamp: tuple) -> list[tuple]:
    with db_session() as session:
        counts = snippets.usage_counts(session)
        return [
            (s.id, s.name, s.mjml, s.version, counts.get(s.name, 0)) for s in snippets.list_snippets(session)
        ]


def load_snippets() -> list[tuple]:
    """Every snippet as (id, name, mjml, version, emails including it), by name."""
    return _load_snippets(data_key())


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_activity(stamp: tuple, filters: activity.ActivityFilter, limit: int, offset: int):
    with db_session() as session:
        rows = activity.list_activity(session, filters, limit=limit, offset=offset)
        return activity.activity_table(rows), activity.count_activity(session, filters)


def load_activity(filters: activity.ActivityFilter, limit: int, offset: int) -> tuple[list[dict], int]:
    """One page of the activity log (plain rows, newest first) and how many rows match the filters."""
    return _load_activity(data_key(), filters, limit, offset)


@st.cache_data(ttl=TTL, show_spinner=False)
def _load_activity_choices(stamp: tuple) -> tuple[dict[int, str], dict[str, str]]:
    with db_session() as session:
        names = {j.id: j.name for j in journeys.list_journeys(session)}
        return names, activity.activity_actors(session)


def load_activity_choices() -> tuple[dict[int, str], dict[str, str]]:
    """The activity log's filter choices: journeys (id → name) and everyone in the log (email → name)."""
    return _load_activity_choices(data_key())


DATA_LOADERS = (
    _load_activity,
    _load_activity_choices,
    _load_map_view,
    _load_comparison,
    _load_walkthrough,
    _load_metric_scope,
    _load_default_journey,
    _load_journey_span,
    _load_dashboard,
    _load_weekly_review,
    _load_snippet_library,
    _load_snippets,
    _load_brand,
)


def clear_caches() -> None:
    """Forget every cached read of the workspace's data: call after a write (run_write does)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and hasattr(ctx, _RUN_KEY):
        delattr(ctx, _RUN_KEY)  # the write bumped the data version: read it again
    for loader in DATA_LOADERS:
        loader.clear()
