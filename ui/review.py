"""The weekly review's sections: alerts, the one A/B table, and a rates table per stage, coloured.

The rows come from journey.measure.review (count_rows, stage_rows, ab_rows), the same rows the
Markdown and HTML exports write; this module only turns them into Streamlit elements. A change's
colour is a pandas Styler (st.dataframe shows a Styler's cell values, colours and font weights);
the sign and a rate's "(lower is better)" say the same without colour.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from journey.core.text import escape_markdown, format_rate, plural
from journey.measure import review
from journey.measure.metrics import FLAT_WITHIN
from journey.measure.stats import WHY_CLICKS

TONE_CSS = {
    "good": "color: #14632d; background-color: #e3f4e8; font-weight: 600",
    "bad": "color: #a61b1b; background-color: #fde8e8; font-weight: 600",
}


def styled(rows: list[review.ReviewRow]):
    """The rows as a Styler: text cells, each toned cell coloured green (good) or red (bad)."""
    frame = pd.DataFrame([r.cells for r in rows])
    css = pd.DataFrame([{c: TONE_CSS.get(r.tones.get(c), "") for c in r.cells} for r in rows])
    return frame.style.apply(lambda _: css, axis=None)


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


def ab_tests(weekly: review.WeeklyReview) -> None:
    """Every A/B test of the week in one sortable table, the winners named above it."""
    st.subheader("A/B tests")
    if not weekly.ab_tests:
        st.caption("No A/B test sent this week.")
        return
    winners = review.ab_winners(weekly)
    undecided = len(weekly.ab_tests) - len(winners)
    if winners:
        st.success(
            "  \n".join(
                f"**{escape_markdown(t.email)}** ({escape_markdown(t.stage)}): "
                f"{escape_markdown(t.verdict.message)}"
                for t in winners
            ),
            icon=":material/trophy:",
        )
    if undecided:
        st.caption(f"{plural(undecided, 'test')} without a winner yet: see the Verdict column.")
    rates = [review.RATE_DEFINITIONS[n].label for n in review.AB_RATES]
    frame = pd.DataFrame(review.ab_rows(weekly))
    table = frame.style.format(format_rate, subset=rates, na_rep="–").format(
        "{:,}", subset=["Sent", "Delivered"]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        key="review_ab",
        column_config={
            "Email": st.column_config.TextColumn(pinned=True),
            "Verdict": st.column_config.TextColumn(width="large"),
        },
    )
    st.caption(WHY_CLICKS)


def stage_tables(weekly: review.WeeklyReview) -> None:
    """This week's volume per stage, then one rates table per stage with its changes, coloured."""
    st.subheader("Per stage")
    st.caption(
        f"{review.PERIOD_NOTE} Green is better, red is worse, by the way that is good for each rate; "
        f"a relative change under {FLAT_WITHIN * 100:g} % is left plain."
    )
    st.dataframe(
        review.count_rows(weekly),
        hide_index=True,
        width="stretch",
        key="review_counts",
        column_config={"Stage": st.column_config.TextColumn(pinned=True)},
    )
    definitions = "; ".join(f"{d.label}: {d.formula}" for d in review.RATE_DEFINITIONS.values())
    rate_column = st.column_config.TextColumn(width="medium", pinned=True, help=definitions)
    for stage in weekly.stages:
        delivered = plural(stage.counts.delivered, "email")
        st.markdown(f"**{escape_markdown(stage.stage)}** · {delivered} delivered")
        if review.stage_is_quiet(stage):
            st.caption("Nothing sent this week nor in the four weeks before.")
            continue
        rows = review.stage_rows(weekly, stage)
        st.dataframe(
            styled(rows),
            hide_index=True,
            width="stretch",
            key=f"review_stage_{stage.stage_id}",
            column_order=[c for c in rows[0].cells if c != "Definition"],  # the exports keep it
            column_config={"Rate": rate_column},
        )
