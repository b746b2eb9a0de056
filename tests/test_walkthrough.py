"""Walk-through: the inbox a persona gets on a path, against hand-computed timelines (events at 09:00)."""

from datetime import date

import pytest

from db.models import Email, Journey, Persona, Stage
from journey.core.errors import InvalidInput
from journey.plan.charts import walkthrough_chart
from journey.plan.journeys import JourneyTree, StageNode
from journey.plan.walkthrough import (
    PRESETS,
    PathEvent,
    busiest_week,
    clean_path,
    human_delay,
    inbox_rows,
    walk_journey,
)


def email(name, trigger="signup", delay_hours=0, trigger_detail="", subject=None):
    return Email(
        name=name,
        trigger=trigger,
        delay_hours=delay_hours,
        trigger_detail=trigger_detail,
        subject=subject or name,
        stage_id=0,
    )


def tree(**stages):
    """tree(Awareness=[email(...), …], …): a journey in memory, stages in keyword order."""
    nodes = [
        StageNode(Stage(name=name, position=i, journey_id=1), emails)
        for i, (name, emails) in enumerate(stages.items())
    ]
    return JourneyTree(Journey(name="J", goal="g"), [Persona(name="Maya")], nodes)


def timeline(walk):
    return [(d.email, d.day, d.hour) for d in walk.deliveries]


def reasons(walk):
    return {u.email: u.reason for u in walk.unreached}


def test_delays_count_from_the_trigger_and_chain_after_the_previous_email():
    journey = tree(
        Awareness=[
            email("Welcome"),
            email("Value", "previous_email", 48),
            email("Offer", "previous_email", 30),
        ]
    )
    walk = walk_journey(journey, [PathEvent("signup", 0)])
    # Welcome day 0 09:00; +48 h → day 2 09:00; +30 h → day 3 15:00.
    assert timeline(walk) == [("Welcome", 0, 9), ("Value", 2, 9), ("Offer", 3, 15)]
    assert walk.unreached == []


def test_a_trigger_that_never_fires_leaves_the_email_and_its_chain_unreached():
    journey = tree(
        Decision=[email("Cart", "cart_abandoned", 4), email("Cart 2", "previous_email", 24)],
        Retention=[email("Tips", "delivered", 48)],
    )
    walk = walk_journey(journey, [PathEvent("signup", 0), PathEvent("purchase", 3)])
    assert walk.deliveries == []
    why = reasons(walk)
    assert "Abandons a cart" in why["Cart"]
    assert why["Cart 2"] == "It follows “Cart”, which never goes out on this path."
    assert "Order delivered" in why["Tips"]


def test_a_previous_email_trigger_on_the_first_email_of_a_stage_never_fires():
    walk = walk_journey(
        tree(Consideration=[email("Case study", "previous_email", 96)]), [PathEvent("signup", 0)]
    )
    assert "first email of its stage" in reasons(walk)["Case study"]


@pytest.mark.parametrize(
    ("inactive_days", "expected"),
    [
        pytest.param("20", None, id="too-short-to-fire"),
        pytest.param("45", ("Win-back", 40, 11), id="fires-30-days-into-the-inactivity"),
    ],
)
def test_inactivity_fires_when_the_inactive_period_is_long_enough(inactive_days, expected):
    journey = tree(Retention=[email("Win-back", "inactivity", 2, trigger_detail="30")])
    walk = walk_journey(journey, [PathEvent("signup", 0), PathEvent("inactive", 10, inactive_days)])
    if expected is None:
        assert "never inactive for 30 days" in reasons(walk)["Win-back"]
    else:
        # inactive from day 10, 30 days → day 40 09:00, + 2 h → 11:00
        assert timeline(walk) == [expected]


def test_birthday_date_and_manual_triggers():
    journey = tree(
        Retention=[
            email("Birthday", "birthday", 2),
            email("Christmas", "date", trigger_detail="2026-12-24"),
            email("Too early", "date", trigger_detail="2026-11-01"),
            email("Newsletter", "manual"),
        ]
    )
    path = [PathEvent("signup", 0), PathEvent("birthday", 40)]
    walk = walk_journey(journey, path, start=date(2026, 12, 1))
    # 1 Dec is day 0, so 24 Dec is day 23 at 09:00; birthday day 40 at 09:00 + 2 h.
    assert timeline(walk) == [("Christmas", 23, 9), ("Birthday", 40, 11)]
    why = reasons(walk)
    assert "before the path starts" in why["Too early"]
    assert "not automated" in why["Newsletter"]


def test_a_trigger_without_its_detail_or_without_a_trigger_never_fires():
    journey = tree(
        Retention=[
            email("Win-back", "inactivity", trigger_detail=""),
            email("Christmas", "date", trigger_detail="at Christmas"),
            email("Orphan", ""),
        ]
    )
    walk = walk_journey(journey, [PathEvent("signup", 0), PathEvent("inactive", 10, "45")])
    assert walk.deliveries == []
    assert reasons(walk) == {
        "Win-back": "Its inactivity trigger has no number of days (trigger detail).",
        "Christmas": "Its date trigger has no valid date (trigger detail, e.g. 2026-12-24).",
        "Orphan": "It has no trigger, so nothing sends it.",
    }


def test_overlapping_series_interleave_by_time_and_count_in_the_busiest_week():
    journey = tree(
        Awareness=[
            email("Welcome"),
            email("Value", "previous_email", 48),
            email("Hint", "previous_email", 72),
        ],
        Consideration=[email("Trial offer", "product_view", 24), email("Proof", "previous_email", 24)],
    )
    walk = walk_journey(journey, [PathEvent("signup", 0), PathEvent("product_view", 1)])
    assert timeline(walk) == [
        ("Welcome", 0, 9),
        ("Value", 2, 9),
        ("Trial offer", 2, 9),  # day 1 + 24 h: same time as Value; the earlier stage comes first
        ("Proof", 3, 9),
        ("Hint", 5, 9),
    ]
    assert busiest_week(walk) == (0, 5)


@pytest.mark.parametrize(
    ("delay", "sent"),
    [
        pytest.param(4, True, id="due-before-the-purchase"),
        pytest.param(48, False, id="due-after-the-purchase"),
    ],
)
def test_the_cart_flow_stops_once_the_persona_buys(delay, sent):
    journey = tree(Decision=[email("Cart", "cart_abandoned", delay), email("Thanks", "purchase")])
    walk = walk_journey(journey, [PathEvent("cart_abandoned", 5), PathEvent("purchase", 6)])
    if sent:
        assert timeline(walk) == [("Cart", 5, 13), ("Thanks", 6, 9)]
    else:
        assert timeline(walk) == [("Thanks", 6, 9)]
        assert "buys before" in reasons(walk)["Cart"]


def test_an_email_goes_out_once_even_when_the_event_repeats():
    journey = tree(Consideration=[email("Viewed", "product_view", 1)])
    walk = walk_journey(journey, [PathEvent("product_view", 3), PathEvent("product_view", 8)])
    assert timeline(walk) == [("Viewed", 3, 10)]


def test_subjects_are_rendered_with_the_persona_merge_data_as_text():
    journey = tree(
        Awareness=[
            email("Welcome", subject="Welcome, {{ first_name }} at {{ company }}"),
            email("Broken", "previous_email", 1, subject="Hi {{ nickname }}"),
        ]
    )
    walk = walk_journey(journey, [PathEvent("signup", 0)], {"first_name": "Sam", "company": "Okafor & Lund"})
    assert walk.deliveries[0].subject == "Welcome, Sam at Okafor & Lund"
    assert walk.deliveries[1].subject == "Hi {{ nickname }}"
    assert "nickname" in walk.deliveries[1].subject_error
    assert "subject not rendered" in inbox_rows(walk)[1]["Why"]


def test_clean_path_accepts_labels_skips_blank_rows_and_names_the_bad_row():
    rows = [
        {"event": "Signs up", "day": 0, "detail": None},
        {"event": None, "day": float("nan"), "detail": None},
        {"event": "inactive", "day": 4.0, "detail": "60"},
    ]
    assert clean_path(rows) == [PathEvent("signup", 0), PathEvent("inactive", 4, "60")]
    with pytest.raises(InvalidInput, match="Row 2") as caught:
        clean_path([{"event": "signup", "day": 0}, {"event": "inactive", "day": 3, "detail": ""}])
    assert caught.value.row == 2
    with pytest.raises(InvalidInput, match="Row 1: 'dances'"):
        clean_path([{"event": "dances", "day": 1}])
    with pytest.raises(InvalidInput, match="whole number"):
        clean_path([{"event": "signup", "day": "soon"}])


def test_presets_are_valid_paths_starting_with_a_signup():
    for preset in PRESETS:
        assert preset.events[0] == PathEvent("signup", 0)
        assert clean_path([e.__dict__ for e in preset.events]) == list(preset.events)


@pytest.mark.parametrize(
    ("hours", "trigger", "detail", "text"),
    [
        pytest.param(48, "signup", "", "2 days after signs up", id="days"),
        pytest.param(0, "purchase", "", "at once after buys", id="at-once"),
        pytest.param(4, "previous_email", "", "4 hours after the previous email", id="hours"),
        pytest.param(336, "delivered", "", "2 weeks after order delivered", id="weeks"),
        pytest.param(0, "inactivity", "60", "at once after 60 days of inactivity", id="inactivity"),
        pytest.param(0, "manual", "", "sent by hand", id="manual"),
    ],
)
def test_human_delay(hours, trigger, detail, text):
    assert human_delay(hours, trigger, detail) == text


def test_timeline_chart_puts_days_on_x_and_stages_in_journey_order_on_y():
    journey = tree(Awareness=[email("Welcome")], Decision=[email("Thanks", "purchase", 3)])
    walk = walk_journey(journey, [PathEvent("signup", 0), PathEvent("purchase", 2)])
    spec = walkthrough_chart(walk, ["Awareness", "Decision"]).to_dict()
    assert spec["encoding"]["x"]["field"] == "day"
    assert spec["encoding"]["y"]["sort"] == ["Awareness", "Decision"]
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"subject", "email", "why"}
    values = spec["data"]["values"]
    assert [(v["email"], v["day"]) for v in values] == [("Welcome", 9 / 24), ("Thanks", 2 + 12 / 24)]
