"""The weekly review's sections: alerts, the one A/B table, a rates table per stage, coloured, the charts
(drawn only once asked for) and the rates by segment where the week's imports carried one.

The rows come from journey.measure.review (count_rows, stage_rows, ab_rows), the same rows the
Markdown and HTML exports write; this module only turns them into Streamlit elements. The stage
tables are the HTML export's own tables (review.stage_sections_html) in one st.html element: a
pandas Styler in st.dataframe would colour them too, but costs about 30 ms per small table per
rerun (pandas builds its whole HTML model), against well under 1 ms for the HTML. Colour is never
the only cue: the sign gives the direction and a rate's "(lower is better)" which way is good.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey.core.text import escape_markdown, plural, rate_column_format
from journey.measure import charts, review
from journey.measure.metrics import FLAT_WITHIN
from journey.measure.stats import WHY_CLICKS
from ui.widgets import chart_with_downloads

CHARTS_SHOWN = "review_charts_shown"  # the charts' expander, open or closed, for the rest of the session

# Scoped to the review's stage tables; colours readable on the light and the dark theme.
STAGE_TABLES_CSS = """<style>
.review-stages .scroll { overflow-x: auto; }
.review-stages h3 { font-size: 1rem; font-weight: 600; margin: 1rem 0 .35rem; padding: 0; }
.review-stages h3 small { font-weight: 400; opacity: .75; font-size: inherit; }
.review-stages table { border-collapse: collapse; width: 100%; font-size: .875rem; margin: 0; }
.review-stages th { font-weight: 400; opacity: .8; }
.review-stages th, .review-stages td { border: 1px solid rgba(128, 128, 128, .3); padding: .3rem .5rem;
  text-align: right; white-space: nowrap; }
.review-stages th:first-child, .review-stages td:first-child { text-align: left; white-space: normal;
  min-width: 7.5rem; }
.review-stages td[title] { cursor: help; }
.review-stages td.good { color: #14632d; background: #e3f4e8; font-weight: 600; }
.review-stages td.bad { color: #a61b1b; background: #fde8e8; font-weight: 600; }
</style>"""


def alerts(weekly: review.WeeklyReview) -> None:
    """The alerts first, each with its likely cause and what to try; a green line when there are none."""
    if not weekly.alerts:
        st.success("No alerts this week: every stage is within its thresholds.", icon="✅")
        return
    st.subheader(f"Needs attention ({len(weekly.alerts)})")
    for alert in weekly.alerts:
        st.warning(
            f"**{escape_markdown(alert.stage)}**: {escape_markdown(alert.message)}  \n"
            f"**Likely cause:** {alert.likely_cause}  \n**What to try:** {alert.what_to_try}",
            icon="⚠️",
        )


def rate_column(label: str, fractions: pd.Series):
    """A rate column that sorts as a number and reads as format_rate does ("27.8 %"; two decimals when a
    value of the column is under 1 %). Its values are in percent."""
    return st.column_config.NumberColumn(label, format=rate_column_format(fractions))


def ab_tests(weekly: review.WeeklyReview) -> None:
    """Every A/B test of the week in one sortable table, the winners named above it."""
    st.subheader("A/B tests")
    if not weekly.ab_tests:
        st.caption("No A/B test sent this week.")
        return
    winners = review.ab_winners(weekly)
    if winners:
        st.success(
            "  \n".join(
                f"**{escape_markdown(t.email)}** ({escape_markdown(t.stage)}): "
                f"{escape_markdown(t.verdict.message)}"
                for t in winners
            ),
            icon=":material/trophy:",
        )
    undecided = len(weekly.ab_tests) - len(winners)
    if undecided:
        st.caption(f"{plural(undecided, 'test')} without a winner yet: see the Verdict column.")
    frame = pd.DataFrame(review.ab_rows(weekly))
    config = {
        "Email": st.column_config.TextColumn(pinned=True),
        "Sent": st.column_config.NumberColumn(format="localized"),
        "Delivered": st.column_config.NumberColumn(format="localized"),
        "Verdict": st.column_config.TextColumn(width="large"),
    }
    for name in review.AB_RATES:
        label = review.RATE_DEFINITIONS[name].label
        config[label] = rate_column(label, frame[label])
        frame[label] = frame[label] * 100
    st.dataframe(frame, hide_index=True, width="stretch", key="review_ab", column_config=config)
    st.caption(WHY_CLICKS)


def stage_tables(weekly: review.WeeklyReview) -> None:
    """This week's volume per stage, then one rates table per stage with its changes, coloured."""
    st.subheader("Per stage")
    st.caption(
        f"{review.PERIOD_NOTE} Green is better, red is worse, by the way that is good for each rate; "
        f"a relative change under {FLAT_WITHIN * 100:g} % is left plain. Hover a rate for its definition."
    )
    st.dataframe(
        review.count_rows(weekly),
        hide_index=True,
        width="stretch",
        key="review_counts",
        column_config={"Stage": st.column_config.TextColumn(pinned=True)},
    )
    tables = review.stage_sections_html(weekly, definitions=False)
    st.html(f"{STAGE_TABLES_CSS}<div class='review-stages'>{tables}</div>")


def stage_charts(rates_frame: pd.DataFrame, funnel_frame: pd.DataFrame, *, stem: str) -> None:
    """The rates per stage and the funnel, in an expander that runs only while open: the two Vega-Lite
    charts were most of what the browser drew for the review (docs/BENCHMARKS.md). Opened once, it
    stays open for the session (other weeks, other journeys, later visits)."""
    shown = st.expander(
        "Charts: rates per stage and the funnel",
        expanded=st.session_state.get(CHARTS_SHOWN, False),
        key="review_charts",
        icon=":material/bar_chart:",
        on_change="rerun",
    )
    st.session_state[CHARTS_SHOWN] = shown.open  # the expander's own state goes when the page is left
    if not shown.open:
        return
    with shown:
        chart_with_downloads(
            charts.stage_rates_chart,
            rates_frame,
            stem=f"{stem}-rates",
            key="review_stage_rates",
            width="stretch",
        )
        chart_with_downloads(
            charts.funnel_chart, funnel_frame, stem=f"{stem}-funnel", key="review_funnel", width="stretch"
        )


SEGMENT_TABLE_CSS = STAGE_TABLES_CSS.replace("review-stages", "review-segments")  # the same look


def segments(weekly: review.WeeklyReview) -> None:
    """The week's rates per segment (and persona) with their change since the previous week, coloured as
    the stage tables; nothing when the week's imports carried no segment."""
    rows = review.segment_rows(weekly)
    if not rows:
        return
    st.subheader("By segment")
    st.caption(review.SEGMENT_NOTE)
    table = review.html_table(rows)
    st.html(f"{SEGMENT_TABLE_CSS}<div class='review-segments'><div class='scroll'>{table}</div></div>")
