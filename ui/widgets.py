"""Widgets shared by several pages: findings, download buttons, a chart with its downloads."""

from __future__ import annotations

import re
from functools import partial

import pandas as pd
import streamlit as st

from journey.core.findings import finding_text
from journey.core.text import escape_markdown, plural, rate_column_format
from journey.measure import charts
from journey.measure.metrics import RATE_DEFINITIONS
from journey.plan import charts as plan_charts
from journey.plan import map_export


def file_stem(name: str, default: str) -> str:
    """A download's file name stem from a journey or email name: lowercase words joined by dashes."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or default


def journeys_table(summaries) -> None:
    """The journeys with their map type, stage and email counts, personas, goal and last change."""
    from journey.plan.journeys import MAP_TYPES

    rows = [
        {
            "Journey": s.name,
            "Map type": MAP_TYPES[s.map_type],
            "Stages": s.stages,
            "Emails": s.emails,
            "Personas": ", ".join(s.personas) or "–",
            "Goal": s.goal or "–",
            "Updated": s.updated_at,
        }
        for s in summaries
    ]
    st.dataframe(
        rows,
        hide_index=True,
        width="stretch",
        column_config={"Updated": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm")},
    )


def journey_download(summary) -> None:
    """Download the journey as JSON; the file is built only when the button is clicked."""
    import json

    from journey.plan import transfer
    from ui.db import db_session

    def exported(journey_id: int = summary.id) -> str:
        with db_session() as session:
            return json.dumps(transfer.export_journey(session, journey_id), indent=2, ensure_ascii=False)

    st.download_button(
        "⬇️ Download as JSON",
        exported,
        file_name=f"{file_stem(summary.name, 'journey')}.json",
        mime="application/json",
        key="journeys_export",
        on_click="ignore",  # no rerun: it would retire the deferred file before the browser fetched it
    )


def finding_markdown(finding) -> str:
    """A finding's words with its line in front ("Line 4, column 7: …"), escaped for st.markdown and alerts."""
    return escape_markdown(finding_text(finding))


def finding_counts(findings) -> None:
    """One line above a findings list: how many errors, warnings and hints ("**1 error** · …")."""
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    st.markdown(
        f"**{plural(counts['error'], 'error')}** · **{plural(counts['warning'], 'warning')}** · "
        f"**{plural(counts['info'], 'hint')}**"
    )


def show_findings(findings) -> None:
    """Journey-check findings as a table, errors first, with a one-line summary above."""
    if not findings:
        st.success("No findings: this journey follows every rule we check.", icon="✅")
        return
    finding_counts(findings)
    icons = {"error": "🛑 error", "warning": "⚠️ warning", "info": "💡 info"}
    rows = [
        {
            "Severity": icons[f.severity],
            "Rule": f.rule,
            "Stage": escape_markdown(f.stage or "–"),  # st.table reads Markdown: show the words as written
            "Email": escape_markdown(f.email or "–"),
            "What": finding_markdown(f),
            "Fix": escape_markdown(f.fix),
        }
        for f in findings
    ]
    st.table(pd.DataFrame(rows).set_index("Severity"))  # a table wraps long messages


def download(where, label: str, data, file_name: str, mime: str, *, key: str, **kwargs) -> None:
    """One download button that does not rerun the page (a rerun would retire a deferred file)."""
    where.download_button(
        label, data, file_name=file_name, mime=mime, key=key, icon="⬇️", on_click="ignore", **kwargs
    )


def map_downloads(journey_map) -> None:
    """A download button for each export of the map, each built only when clicked (never on a rerun)."""
    stem = file_stem(journey_map.name, "journey")
    buttons = (
        ("PNG image", partial(plan_charts.map_png, journey_map), f"{stem}-map.png", "image/png", "map_png"),
        (
            "SVG image",
            partial(plan_charts.map_svg, journey_map),
            f"{stem}-map.svg",
            "image/svg+xml",
            "map_svg",
        ),
        (
            "Printable page (A4)",
            partial(map_export.printable_html, journey_map),
            f"{stem}-map.html",
            "text/html",
            "map_print",
        ),
        ("CSV (lanes)", partial(map_export.map_csv, journey_map), f"{stem}-lanes.csv", "text/csv", "map_csv"),
        (
            "Empty template (CSV)",
            map_export.template_csv(),
            "journey-map-template.csv",
            "text/csv",
            "map_tpl_csv",
        ),
        (
            "Empty template (printable)",
            map_export.template_html(),
            "journey-map-template.html",
            "text/html",
            "map_tpl_html",
        ),
    )
    columns = st.columns(3)
    for i, (label, data, name, mime, key) in enumerate(buttons):
        download(columns[i % 3], label, data, name, mime, key=key, width="stretch")


@st.cache_data(max_entries=256, show_spinner=False)
def _chart_spec(name: str, args: tuple, _build) -> dict:
    """The Vega-Lite spec of `_build(*args)` (`name`: the builder's), its data as Arrow: what
    st.altair_chart sends, built and validated once per chart and data instead of on every rerun
    (Altair checks the whole spec against its JSON schema: 15-40 ms a chart)."""
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec  # st.altair_chart's own

    return _convert_altair_to_vega_lite_spec(_build(*args))


def cached_chart(build, *args, key: str, **kwargs) -> None:
    """Draw the Altair chart `build(*args)` (a builder of a chart module, plain-data arguments) as
    st.altair_chart would, building it only when the builder or its arguments change."""
    spec = _chart_spec(f"{build.__module__}.{build.__qualname__}", args, build)
    st.vega_lite_chart(spec=spec, key=key, **kwargs)


def _chart_png(build, frame: pd.DataFrame) -> bytes:
    return charts.chart_png(build(frame))


def chart_downloads(build, frame, *, stem: str, key: str) -> None:
    """PNG and CSV downloads for the chart `build(frame)`, each built only when clicked (never on a rerun)."""
    left, right, _ = st.columns([1, 1, 4])
    download(left, "PNG", partial(_chart_png, build, frame), f"{stem}.png", "image/png", key=f"{key}_png")
    download(right, "CSV", partial(charts.frame_csv, frame), f"{stem}.csv", "text/csv", key=f"{key}_csv")


def chart_with_downloads(build, frame, *, stem: str, key: str, **kwargs) -> None:
    """The chart `build(frame)` (a chart builder of journey.measure.charts and its data; widget key `key`)
    and, under it, its PNG and CSV downloads. The chart is built once per builder and data (cached)."""
    cached_chart(build, frame, key=key, **kwargs)
    chart_downloads(build, frame, stem=stem, key=key)


def rates_table(frame: pd.DataFrame, rate_names, *, column_config: dict, key: str, **kwargs) -> None:
    """A table whose `rate_names` columns hold rates as fractions: shown in per cent as format_rate writes
    them ("27.8 %"; see rate_column_format), "–" where undefined, and sorted as the numbers they are."""
    shown = frame.assign(**{name: frame[name] * 100 for name in rate_names})
    rates = {}
    for name in rate_names:
        definition = RATE_DEFINITIONS[name]
        rates[name] = st.column_config.NumberColumn(
            definition.label, help=definition.help, format=rate_column_format(frame[name])
        )
    st.dataframe(shown, key=key, column_config={**rates, **column_config}, placeholder="–", **kwargs)
