"""The Plan section's charts (Altair): the emotion curve, the walk-through timeline, the whole map.

Chart modules are the only place that imports Altair (journey/plan/charts.py here, journey/measure/
charts.py for the metrics; tests/test_architecture.py checks it). Builders take the section's plain
data (a JourneyMap, a Walkthrough) and return `alt.Chart`s; pages draw them, map_export renders the
map chart to PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import vl_convert as vlc

from db.models import LANE_LABELS, LANES
from journey.plan.map_export import STAGE_WIDTH, board_records
from journey.plan.maps import JourneyMap, emotion_records
from journey.plan.walkthrough import Walkthrough


def emotion_chart(journey_map: JourneyMap, *, width: int | str = "container", height: int = 180) -> alt.Chart:
    """The emotion curve across the stages: a line with points, −2 (frustrated) … +2 (delighted)."""
    order = [s.name for s in journey_map.stages]
    return (
        alt.Chart(alt.Data(values=emotion_records(journey_map)), title="How the customer feels")
        .mark_line(point=alt.OverlayMarkDef(size=90, filled=True), strokeWidth=3, color="#8a4b2a")
        .encode(
            x=alt.X("stage:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y(
                "emotion:Q",
                scale=alt.Scale(domain=[-2, 2]),
                axis=alt.Axis(values=[-2, -1, 0, 1, 2], title="Emotion"),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("emotion:Q", title="Emotion"),
                alt.Tooltip("feeling:N", title="Feels"),
                alt.Tooltip("emails:Q", title="Emails"),
            ],
        )
        .properties(width=width, height=height)
    )


def walkthrough_chart(walkthrough: Walkthrough, stages: Sequence[str]) -> alt.Chart:
    """The inbox as a timeline: x = day, y = stage, one point per email with its subject in the tooltip."""
    records = [
        {
            "day": d.day + d.hour / 24,
            "shown_day": d.day,
            "time": f"{d.hour:02d}:00",
            "stage": d.stage,
            "email": d.email,
            "subject": d.subject,
            "why": d.why,
        }
        for d in walkthrough.deliveries
    ]
    return (
        alt.Chart(alt.Data(values=records), title="The persona's inbox, day by day")
        .mark_point(size=140, filled=True, opacity=0.85, color="#8a4b2a")
        .encode(
            x=alt.X("day:Q", title="Day of the path", scale=alt.Scale(zero=True)),
            y=alt.Y("stage:N", sort=list(stages), title=None),
            tooltip=[
                alt.Tooltip("shown_day:Q", title="Day"),
                alt.Tooltip("time:N", title="Time"),
                alt.Tooltip("stage:N", title="Stage"),
                alt.Tooltip("email:N", title="Email"),
                alt.Tooltip("subject:N", title="Subject"),
                alt.Tooltip("why:N", title="Why"),
            ],
        )
        .properties(width="container", height=alt.Step(48))
    )


def map_chart(journey_map: JourneyMap) -> alt.VConcatChart:
    """The whole map as one chart: the emotion curve above a board of lanes and email cards."""
    order = [s.name for s in journey_map.stages]
    width = STAGE_WIDTH * max(1, len(order))
    rows = [LANE_LABELS[lane] for lane in LANES]
    most_emails = max((len(s.emails) for s in journey_map.stages), default=0)
    rows += [f"Email {i}" for i in range(1, most_emails + 1)]
    base = alt.Chart(alt.Data(values=board_records(journey_map))).encode(
        x=alt.X(
            "stage:N", sort=order, title=None, axis=alt.Axis(orient="top", labelAngle=0, labelFontSize=13)
        ),
        y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelFontSize=12, labelFontWeight="bold")),
    )
    cells = base.mark_rect(stroke="#ffffff", strokeWidth=3).encode(
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=["lane", "ready", "draft"], range=["#f4efe9", "#f6dcc9", "#e8e4e0"]),
            legend=alt.Legend(title="Card", orient="bottom"),
        ),
        tooltip=[alt.Tooltip("stage:N", title="Stage"), alt.Tooltip("tooltip:N", title="Details")],
    )
    text = base.mark_text(
        lineBreak="\n", fontSize=10, color="#2b2118", align="center", baseline="middle"
    ).encode(text="text:N")
    board = (cells + text).properties(width=width, height=alt.Step(92))
    curve = emotion_chart(journey_map, width=width, height=160)
    title = f"{journey_map.name} — {journey_map.map_type_label}"
    return alt.vconcat(curve, board, title=alt.Title(title, fontSize=16)).resolve_scale(x="independent")


def map_png(journey_map: JourneyMap, *, scale: float = 1.0) -> bytes:
    """The map chart as PNG."""
    return vlc.vegalite_to_png(map_chart(journey_map).to_dict(), scale=scale)


def map_svg(journey_map: JourneyMap) -> str:
    """The map chart as SVG."""
    return vlc.vegalite_to_svg(map_chart(journey_map).to_dict())
