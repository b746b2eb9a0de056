"""The journey map: lanes as bullets, email cards in order, the emotion curve, rates, and current vs future."""

from datetime import date, timedelta

from db.models import MetricDaily
from journey.plan import journeys
from journey.plan.charts import emotion_chart
from journey.plan.maps import (
    StageRatesView,
    build_map,
    compare_trees,
    comparison_html,
    lane_items,
    map_html,
    rates_html,
    stage_rates,
)


def demo_story(session, name="Spring"):
    return journeys.create_journey(session, name=name, goal="Grow", template="demo")


def test_lanes_are_one_item_per_line_with_bullets_stripped():
    assert lane_items("- Find a roaster\n\n• Stay on budget \n  * Try first\n") == [
        "Find a roaster",
        "Stay on budget",
        "Try first",
    ]


def test_the_map_has_every_stage_its_lanes_and_its_email_cards_in_order(session):
    journey = demo_story(session)
    tree = journeys.load_tree(session, journey.id)
    journey_map = build_map(tree)
    assert journey_map.map_type_label == "Current state"
    assert [s.name for s in journey_map.stages] == [n.stage.name for n in tree.stages]
    awareness = journey_map.stages[0]
    assert awareness.lanes["customer_goals"] == lane_items(tree.stages[0].stage.customer_goals)
    assert [c.name for c in awareness.emails] == [
        "Welcome",
        "Three brewing mistakes",
        "Fresh beans every two weeks",
    ]
    value = awareness.emails[1]
    assert (value.trigger_label, value.delay, value.status) == (
        "After the previous email",
        "2 days after the previous email",
        "draft",  # a new journey's emails start as drafts
    )
    assert value.subject == "3 reasons your office coffee tastes bitter"


def test_map_html_shows_every_stage_lane_and_card_and_escapes_user_text(session):
    journey = demo_story(session)
    tree = journeys.load_tree(session, journey.id)
    stage = tree.stages[0].stage
    journeys.update_stage(
        session, stage.id, stage.version, obstacles="<script>alert(1)</script>\nSlow <b>site</b>"
    )
    html = map_html(build_map(journeys.load_tree(session, journey.id)))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>Slow &lt;b&gt;site&lt;/b&gt;</li>" in html
    for node in tree.stages:
        assert f'<div class="jm-head">{node.stage.name}</div>' in html
        for email in node.emails:
            assert email.name.replace("'", "&#x27;") in html
    for label in ("Customer goals", "Motivations", "Actions", "Obstacles", "Opportunities", "Touchpoints"):
        assert label in html
    assert "Latest rates" not in html  # no metrics yet


def test_emotion_chart_is_a_line_with_points_from_minus_two_to_plus_two(session):
    journey = demo_story(session)
    spec = emotion_chart(build_map(journeys.load_tree(session, journey.id))).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["mark"]["point"]
    assert spec["encoding"]["y"]["scale"]["domain"] == [-2, 2]
    assert spec["encoding"]["x"]["sort"] == list(journeys.STARTER_STAGE_NAMES)
    assert [v["emotion"] for v in spec["data"]["values"]] == [1, 0, -1, 1, 2]
    assert {t["title"] for t in spec["encoding"]["tooltip"]} >= {"Stage", "Emotion", "Feels"}


def test_each_stage_shows_its_latest_rates_and_their_direction(session):
    journey = demo_story(session)
    tree = journeys.load_tree(session, journey.id)
    welcome = tree.stages[0].emails[0]
    monday = date(2026, 11, 9)
    for day, opens in ((monday, 300), (monday + timedelta(days=7), 450)):
        session.add(
            MetricDaily(
                email_id=welcome.id,
                day=day,
                sent=1000,
                delivered=1000,
                opens=opens,
                clicks=30,
                unsubscribes=2,
            )
        )
    session.flush()
    journey_map = build_map(tree, stage_rates(session, journey.id, date(2026, 11, 24)))
    rates = journey_map.stages[0].rates
    assert rates.week == "16–22 Nov"  # 2026-W47, complete on Tuesday 24 Nov
    assert rates.rates["open_rate"] == 0.45
    assert rates.direction["open_rate"] == "up"
    assert rates.direction["click_rate"] == "flat"
    assert journey_map.stages[1].rates is None
    html = map_html(journey_map)
    assert "Latest rates" in html
    assert '<div class="jm-meta">16–22 Nov</div>' in html
    assert 'Open: <b>45.0 %</b> <span class="jm-better" title="better than the week before">↑</span>' in html


def test_a_future_state_duplicate_compares_with_its_source_marking_what_differs(session):
    current = demo_story(session)
    future = journeys.duplicate_journey(session, current.id, name="Spring (future)", as_future_state=True)
    assert future.source_journey_id == current.id
    future_tree = journeys.load_tree(session, future.id)
    awareness, consideration = future_tree.stages[0], future_tree.stages[1]
    journeys.update_stage(
        session,
        awareness.stage.id,
        awareness.stage.version,
        obstacles="Inbox full of supplier newsletters\nNew worry",
    )
    welcome = awareness.emails[0]
    journeys.update_email(session, welcome.id, welcome.version, subject="Welcome! Your guide is inside")
    journeys.delete_email(session, consideration.emails[0].id)
    journeys.add_email(session, consideration.stage.id, name="Webinar invite", trigger="product_view")
    journeys.add_stage(session, future.id, name="Win-back")

    comparison = compare_trees(
        journeys.load_tree(session, current.id), journeys.load_tree(session, future.id)
    )
    by_stage = {s.name: s for s in comparison.stages}
    assert by_stage["Win-back"].status == "added"
    assert by_stage["Decision"].status == "same"
    obstacles = next(lane for lane in by_stage["Awareness"].lanes if lane.lane == "obstacles")
    assert obstacles.added == ["New worry"]
    assert "Generic welcome with no clear next step" in obstacles.removed
    emails = {e.name: e for s in comparison.stages for e in s.emails}
    assert (emails["Welcome"].status, emails["Welcome"].changes) == ("changed", ["subject"])
    assert emails["Webinar invite"].status == "added"
    assert emails["Case study: Northwind Design"].status == "removed"
    assert emails["Order confirmation"].status == "same"

    html = comparison_html(comparison)
    assert '<li class="jm-added">New worry</li>' in html
    assert "jm-card jm-draft jm-removed" in html
    assert "changed: subject" in html
    assert "Current: Spring" in html
    assert "Future: Spring (future)" in html


def test_rising_unsubscribes_are_marked_worse_and_rising_clicks_better():
    view = StageRatesView(
        week="2026-W47",
        rates={"open_rate": None, "click_rate": 0.05, "conversion_rate": 0.01, "unsubscribe_rate": 0.004},
        direction={
            "open_rate": None,
            "click_rate": "up",
            "conversion_rate": "flat",
            "unsubscribe_rate": "up",
        },
    )
    html = rates_html(view)
    assert "Open: <b>–</b>" in html  # no rate: a dash, never 0 %
    assert 'Click: <b>5.0 %</b> <span class="jm-better"' in html
    assert "Conversion: <b>1.0 %</b> →" in html
    assert 'Unsubscribe: <b>0.40 %</b> <span class="jm-worse"' in html
