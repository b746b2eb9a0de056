"""The weekly review's "By segment" table: per segment this week against the week before, with its persona."""

from __future__ import annotations

import io

import pytest
from metrics_import_support import make_onboarding
from support import make_persona

from journey.measure import review
from journey.measure.imports.importer import import_metrics

HEADER = "date,stage,email,variant,segment,sent,delivered,opens,clicks,conversions,unsubscribes,bounces,complaints,revenue"
WEEK = "2026-W46"  # Monday 9 November 2026; the week before starts on 2 November
FILE = [
    HEADER,
    # The week before: "Trial users" delivered 400, opened 100, clicked 20, converted 4, unsubscribed 4;
    # "Lapsed customers" had data then and none in the week reviewed.
    "2026-11-02,Awareness,Welcome 1,,Trial users,410,400,100,20,4,4,10,0,0",
    "2026-11-03,Retention,Win-back,,Lapsed customers,300,297,60,9,2,4,3,1,0",
    # The week reviewed: "Trial users" (written twice in two cases) 396 + 495 = 891 delivered,
    # 120 + 150 = 270 opens, 20 + 25 = 45 clicks, 4 + 5 = 9 conversions, 2 + 1 = 3 unsubscribes.
    "2026-11-09,Awareness,Welcome 1,,Trial users,400,396,120,20,4,2,4,1,0",
    "2026-11-10,Consideration,Case study,A,trial  users,500,495,150,25,5,1,5,0,0",
    "2026-11-09,Awareness,Welcome 1,,*New* subscribers,600,590,236,30,6,1,10,0,0",
]


@pytest.fixture
def journey_id(session):
    journey_id = make_onboarding(session)
    result = import_metrics(session, journey_id, io.BytesIO("\n".join(FILE).encode()))
    assert result.ok, result.rejected
    make_persona(session, "Maya", segment="Trial Users ")
    session.commit()
    return journey_id


def test_each_segment_of_the_week_with_its_persona_its_rates_and_their_change_in_points(session, journey_id):
    weekly = review.weekly_review(session, journey_id, WEEK)
    assert [s.label for s in weekly.segments] == [
        "Trial users (Maya)",
        "*New* subscribers",
    ]  # most delivered first
    trial = weekly.segments[0]
    assert (trial.counts.delivered, trial.counts.opens, trial.previous.delivered) == (891, 270, 400)
    rows = review.segment_rows(weekly)
    assert [row.cells for row in rows] == [
        {
            "Segment (persona)": "Trial users (Maya)",
            "Delivered": "891",
            "Open rate": "30.3 %",  # 270 ÷ 891, after 100 ÷ 400 = 25.0 %: 21 % more
            "Open rate vs previous week": "+5.3 pp (+21 %)",
            "Click rate": "5.1 %",  # 45 ÷ 891 = 5.05 %, after 20 ÷ 400 = 5.00 %
            "Click rate vs previous week": "+0.1 pp (+1 %)",
            "Conversion rate": "1.0 %",  # 9 ÷ 891 = 1.01 %, after 4 ÷ 400 = 1.00 %
            "Conversion rate vs previous week": "+0.0 pp (+1 %)",
            "Unsubscribe rate (lower is better)": "0.34 %",  # 3 ÷ 891, after 4 ÷ 400 = 1.00 %
            "Unsubscribe rate vs previous week": "-0.7 pp (-66 %)",
        },
        {
            "Segment (persona)": "*New* subscribers",
            "Delivered": "590",
            "Open rate": "40.0 %",  # 236 ÷ 590
            "Open rate vs previous week": "–",  # no data the week before
            "Click rate": "5.1 %",
            "Click rate vs previous week": "–",
            "Conversion rate": "1.0 %",
            "Conversion rate vs previous week": "–",
            "Unsubscribe rate (lower is better)": "0.17 %",
            "Unsubscribe rate vs previous week": "–",
        },
    ]
    # Coloured by the way that is good for each rate; a change under 2 % relative is left plain.
    assert rows[0].tones == {
        "Open rate vs previous week": "good",
        "Unsubscribe rate vs previous week": "good",
    }
    assert rows[1].tones == {}
    # The stage totals are metric_daily's, as without segments.
    assert sum(s.counts.delivered for s in weekly.stages) == 891 + 590


def test_the_exports_carry_the_segment_table_with_the_names_escaped(session, journey_id):
    weekly = review.weekly_review(session, journey_id, WEEK)
    markdown = review.review_markdown(weekly)
    assert "## By segment" in markdown
    assert "| Trial users (Maya) | 891 | 30.3 % | +5.3 pp (+21 %) | 5.1 % | +0.1 pp (+1 %) |" in markdown
    assert "| \\*New\\* subscribers | 590 |" in markdown  # a segment name is shown, not read as Markdown
    page = review.review_html(weekly)
    assert "<h2>By segment</h2>" in page
    assert (
        "<td>Trial users (Maya)</td><td>891</td><td>30.3 %</td><td class='good'>+5.3 pp (+21 %)</td>" in page
    )


def test_a_week_without_segment_data_has_no_segment_table(session, journey_id):
    earlier = review.weekly_review(session, journey_id, "2026-W45")  # only the "week before" rows…
    assert [s.segment for s in earlier.segments] == ["Trial users", "Lapsed customers"]  # …are its own
    none = review.weekly_review(session, journey_id, "2026-W47")
    assert none.segments == []
    assert review.segment_rows(none) == []
    assert "By segment" not in review.review_markdown(none)
    assert "By segment" not in review.review_html(none)


def test_the_weekly_digest_carries_the_segment_table_in_both_parts(session, journey_id):
    from journey.measure.digest import build_digest

    weekly = review.weekly_review(session, journey_id, WEEK)
    digest = build_digest(weekly.period, [weekly])
    assert "<h2>By segment</h2>" in digest.html
    assert "| Trial users (Maya) | 891 |" in digest.text
