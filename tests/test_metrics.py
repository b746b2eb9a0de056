"""Rates against hand-computed values, ISO weeks, and the SQL aggregation on each backend."""

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from db.models import MetricDaily
from journey.measure import metrics
from journey.measure.metrics import Counts, MetricFilter, rate
from journey.measure.weeks import Period
from journey.plan import journeys, personas

# --- rates (pure) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        pytest.param(30, 108, 30 / 108, id="mailchimp-open-27.78%"),
        pytest.param(45_587, 64_386, 45_587 / 64_386, id="klaviyo-open-70.80%"),
        pytest.param(0, 10, 0.0, id="zero-numerator-is-zero"),
        pytest.param(0, 0, None, id="zero-denominator-is-undefined"),
        pytest.param(5, 0, None, id="numerator-without-denominator-is-undefined"),
    ],
)
def test_rate_divides_or_is_undefined(numerator, denominator, expected):
    assert rate(numerator, denominator) == expected


HAND = Counts(
    sent=200, delivered=190, opens=57, clicks=19, conversions=4, unsubscribes=2, bounces=10, complaints=1
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("open_rate", 57 / 190, id="open-opens-over-delivered"),
        pytest.param("click_rate", 19 / 190, id="click-clicks-over-delivered"),
        pytest.param("click_to_open_rate", 19 / 57, id="ctor-clicks-over-opens"),
        pytest.param("conversion_rate", 4 / 190, id="conversion-over-delivered"),
        pytest.param("unsubscribe_rate", 2 / 190, id="unsubscribe-over-delivered"),
        pytest.param("bounce_rate", 10 / 200, id="bounce-over-sent"),
        pytest.param("complaint_rate", 1 / 190, id="complaint-over-delivered"),
    ],
)
def test_each_rate_uses_the_reference_denominator(name, expected):
    assert HAND.rate(name) == pytest.approx(expected)
    assert HAND.rates[name] == pytest.approx(expected)


def test_hand_computed_rates_in_percent():
    assert metrics.format_rate(HAND.rate("open_rate")) == "30.0 %"
    assert metrics.format_rate(HAND.rate("click_rate")) == "10.0 %"
    assert metrics.format_rate(HAND.rate("click_to_open_rate")) == "33.3 %"
    assert metrics.format_rate(HAND.rate("bounce_rate")) == "5.0 %"


def test_nothing_sent_leaves_every_rate_undefined_and_shown_as_a_dash():
    assert all(value is None for value in Counts().rates.values())
    assert metrics.format_rate(None) == "–"


def test_all_bounced_gives_a_bounce_rate_but_no_delivered_rates():
    counts = Counts(sent=5, bounces=5, delivered=0)
    assert counts.rate("bounce_rate") == 1.0
    for name in ("open_rate", "click_rate", "conversion_rate", "unsubscribe_rate", "complaint_rate"):
        assert counts.rate(name) is None


def test_click_to_open_is_undefined_without_opens_while_open_rate_is_zero():
    counts = Counts(sent=10, delivered=10)
    assert counts.rate("open_rate") == 0.0
    assert counts.rate("click_to_open_rate") is None


def test_relative_change_and_its_undefined_cases():
    assert metrics.relative_change(0.12, 0.10) == pytest.approx(0.2)
    assert metrics.relative_change(0.08, 0.10) == pytest.approx(-0.2)
    assert metrics.relative_change(0.1, 0.0) is None
    assert metrics.relative_change(None, 0.1) is None
    assert metrics.format_change(-0.2) == "-20 %"


def test_counts_add_up():
    assert (HAND + HAND).delivered == 380
    assert (HAND + Counts()).rates == HAND.rates


# --- SQL aggregation on each backend -----------------------------------------


def row(email_id, day, variant="", **counts):
    return MetricDaily(email_id=email_id, day=day, variant=variant, **counts)


@pytest.fixture
def shop(session):
    """Two journeys; the first with stages Welcome (emails w1, w2), Buy (b1) and an empty stage Keep."""
    olivia = personas.create_persona(session, name="Olivia")
    journey = journeys.create_journey(session, name="Shop", template="blank", persona_ids=[olivia.id])
    welcome = journeys.add_stage(session, journey.id, name="Welcome")
    buy = journeys.add_stage(session, journey.id, name="Buy")
    keep = journeys.add_stage(session, journey.id, name="Keep")
    w1 = journeys.add_email(session, welcome.id, name="Hello")
    w2 = journeys.add_email(session, welcome.id, name="Guide")
    b1 = journeys.add_email(session, buy.id, name="Cart")
    other = journeys.create_journey(session, name="Other", template="blank")
    other_stage = journeys.add_stage(session, other.id, name="Welcome")
    o1 = journeys.add_email(session, other_stage.id, name="Elsewhere")
    session.add_all(
        [
            # ISO week 2026-W46 (9-15 Nov)
            row(
                w1.id,
                date(2026, 11, 9),
                sent=100,
                delivered=98,
                opens=40,
                clicks=10,
                conversions=1,
                bounces=2,
            ),
            row(w1.id, date(2026, 11, 15), sent=50, delivered=50, opens=20, clicks=5, unsubscribes=1),
            row(w2.id, date(2026, 11, 12), sent=20, delivered=20, opens=4, clicks=0),
            row(b1.id, date(2026, 11, 10), sent=10, delivered=10, opens=6, clicks=3, conversions=2),
            # ISO week 2026-W47 (16-22 Nov), with an A/B test on w1
            row(w1.id, date(2026, 11, 16), "A", sent=60, delivered=60, opens=30, clicks=6, complaints=1),
            row(w1.id, date(2026, 11, 16), "B", sent=60, delivered=58, opens=29, clicks=12, bounces=2),
            row(b1.id, date(2026, 11, 22), sent=5, delivered=5, opens=5, clicks=1),
            # The next week, and another journey: never counted in W46/W47 of Shop
            row(w1.id, date(2026, 11, 23), sent=999, delivered=999),
            row(o1.id, date(2026, 11, 16), sent=777, delivered=777, opens=700),
        ]
    )
    session.flush()
    return {
        "journey": journey,
        "other": other,
        "persona": olivia,
        "stages": (welcome, buy, keep),
        "emails": (w1, w2, b1),
    }


W46 = Period(date(2026, 11, 9), date(2026, 11, 15))
W47 = Period(date(2026, 11, 16), date(2026, 11, 22))


def test_stage_sums_for_a_week_match_hand_totals_in_journey_order(session, shop):
    result = metrics.stage_metrics(session, shop["journey"].id, W46)
    assert [s.stage for s in result] == ["Welcome", "Buy", "Keep"]
    welcome, buy, keep = result
    assert welcome.counts == Counts(
        sent=170, delivered=168, opens=64, clicks=15, conversions=1, unsubscribes=1, bounces=2
    )
    assert welcome.rates["open_rate"] == pytest.approx(64 / 168)
    assert welcome.rates["bounce_rate"] == pytest.approx(2 / 170)
    assert buy.counts.conversions == 2
    assert buy.rates["click_to_open_rate"] == pytest.approx(3 / 6)
    assert keep.counts == Counts()
    assert all(v is None for v in keep.rates.values())


def test_variants_sum_into_the_email_and_stay_apart_by_variant(session, shop):
    journey_id = shop["journey"].id
    per_email = {e.email: e.counts for e in metrics.email_metrics(session, journey_id, W47)}
    assert per_email["Hello"].delivered == 118
    assert per_email["Hello"].clicks == 18
    assert per_email["Guide"] == Counts()
    per_variant = {
        (e.email, e.variant): e.counts
        for e in metrics.email_metrics(session, journey_id, W47, by_variant=True)
    }
    assert per_variant[("Hello", "A")].clicks == 6
    assert per_variant[("Hello", "B")].delivered == 58
    assert ("Guide", "") not in per_variant


def test_weekly_grouping_is_done_by_the_database_per_iso_week(session, shop):
    rows = metrics.stage_weekly(session, shop["journey"].id, Period(W46.start, W47.end))
    by_key = {(r.week, r.name): r.counts for r in rows}
    assert set(by_key) == {
        ("2026-W46", "Welcome"),
        ("2026-W46", "Buy"),
        ("2026-W47", "Welcome"),
        ("2026-W47", "Buy"),
    }
    assert by_key[("2026-W46", "Welcome")].delivered == 168
    assert by_key[("2026-W47", "Welcome")].delivered == 118
    assert by_key[("2026-W47", "Buy")].opens == 5
    assert rows[0].week_start == date(2026, 11, 9)


def test_weeks_across_new_year_group_into_week_53_and_week_1(session, shop):
    w1 = shop["emails"][0]
    session.add_all(
        [
            row(w1.id, date(2020, 12, 28), sent=1, delivered=1),
            row(w1.id, date(2021, 1, 1), sent=2, delivered=2),
            row(w1.id, date(2021, 1, 3), sent=4, delivered=4),
            row(w1.id, date(2021, 1, 4), sent=8, delivered=8),
        ]
    )
    session.flush()
    rows = metrics.stage_weekly(session, shop["journey"].id, Period(date(2020, 12, 1), date(2021, 1, 31)))
    assert [(r.week, r.counts.sent) for r in rows] == [("2020-W53", 7), ("2021-W01", 8)]
    assert rows[0].week_start == date(2020, 12, 28)


def test_filters_by_date_stage_and_persona(session, shop):
    journey_id = shop["journey"].id
    welcome, buy, _ = shop["stages"]
    only_buy = metrics.stage_metrics(session, journey_id, W46, stage_ids=[buy.id])
    assert [s.stage for s in only_buy] == ["Buy"]
    assert (
        metrics.total(session, MetricFilter(journey_id=journey_id, start=W46.start, end=W46.end)).sent == 180
    )
    follows = MetricFilter(persona_id=shop["persona"].id, start=W47.start, end=W47.end)
    assert metrics.total(session, follows).sent == 125  # the persona follows Shop only
    nobody = personas.create_persona(session, name="Nobody")
    assert metrics.total(session, MetricFilter(persona_id=nobody.id)) == Counts()
    assert (
        metrics.total(session, MetricFilter(stage_ids=(welcome.id,), start=W47.start, end=W47.end)).sent
        == 120
    )


def test_data_range_spans_the_days_with_metrics(session, shop):
    span = metrics.data_range(session, MetricFilter(journey_id=shop["journey"].id))
    assert span == Period(date(2026, 11, 9), date(2026, 11, 23))
    assert metrics.data_range(session, MetricFilter(journey_id=shop["other"].id)).end == date(2026, 11, 16)


def test_report_rows_have_the_cli_keys_with_null_where_undefined(session, shop):
    rows = metrics.report_rows(session, shop["journey"].id, W47)
    assert [r["stage"] for r in rows] == ["Welcome", "Buy", "Keep"]
    assert list(rows[0]) == [
        "stage",
        "sent",
        "delivered",
        "opens",
        "clicks",
        "conversions",
        "unsubscribes",
        "bounces",
        "complaints",
        "open_rate",
        "click_rate",
        "click_to_open_rate",
        "conversion_rate",
        "unsubscribe_rate",
        "bounce_rate",
    ]
    assert rows[0]["click_rate"] == pytest.approx(18 / 118)
    assert rows[0]["bounce_rate"] == pytest.approx(2 / 120)
    assert rows[2]["open_rate"] is None
    assert rows[2]["sent"] == 0


def test_latest_stage_rates_use_the_latest_complete_week_and_say_which_way_each_moved(session, shop):
    latest = metrics.latest_stage_rates(session, shop["journey"].id, today=date(2026, 11, 30))
    welcome, buy, keep = shop["stages"]
    # The latest data (23 Nov) is in 2026-W48, complete on Monday 30 Nov, where only Welcome sent.
    assert set(latest) == {welcome.id}
    assert latest[welcome.id].week == "2026-W48"
    assert latest[welcome.id].label == "23–29 Nov"
    assert latest[welcome.id].rates["open_rate"] == 0.0
    assert latest[welcome.id].direction["open_rate"] == "down"  # 59/118 → 0/999
    assert latest[welcome.id].direction["click_to_open_rate"] is None  # no opens this week


def test_latest_stage_rates_leave_out_the_week_in_progress(session, shop):
    welcome, buy, _ = shop["stages"]
    latest = metrics.latest_stage_rates(session, shop["journey"].id, today=date(2026, 11, 24))  # a Tuesday
    assert {r.week for r in latest.values()} == {"2026-W47"}  # not W48, two days old
    assert set(latest) == {welcome.id, buy.id}
    assert latest[welcome.id].label == "16–22 Nov"
    assert latest[welcome.id].counts.delivered == 118


def test_direction_of_rates():
    assert metrics.direction_of(0.11, 0.10) == "up"
    assert metrics.direction_of(0.09, 0.10) == "down"
    assert metrics.direction_of(0.101, 0.10) == "flat"
    assert metrics.direction_of(None, 0.1) is None
    assert metrics.direction_of(0.1, None) is None
    assert metrics.direction_of(0.0, 0.0) == "flat"
    assert metrics.direction_of(0.01, 0.0) == "up"  # from nothing to something


def test_a_journey_without_metrics_has_no_latest_rates(session, shop):
    empty = journeys.create_journey(session, name="Empty", template="blank")
    assert metrics.latest_stage_rates(session, empty.id) == {}
    assert metrics.data_range(session, MetricFilter(journey_id=empty.id)) is None


@pytest.mark.parametrize(
    "by", [pytest.param(("stage",), id="per-stage"), pytest.param(("stage", "week"), id="per-stage-and-week")]
)
@pytest.mark.parametrize(
    ("start", "end", "index"),
    [
        pytest.param(
            W47.start,
            W47.end,
            "metric_weekly USING COVERING INDEX ix_metric_weekly_email_week_covering",
            id="whole-week-rollup",
        ),
        pytest.param(
            W47.start + timedelta(days=2),
            W47.end + timedelta(days=2),
            "metric_daily USING COVERING INDEX ix_metric_email_day_covering",
            id="wednesday-to-tuesday-days",
        ),
    ],
)
def test_the_weekly_report_query_reads_one_covering_index_alone(session, shop, by, start, end, index):
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's (the benchmark covers PostgreSQL)")
    query = metrics.aggregate_query(by, MetricFilter(journey_id=shop["journey"].id, start=start, end=end))
    sql = str(query.compile(bind, compile_kwargs={"literal_binds": True}))
    plan = " ".join(str(r[-1]) for r in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert index in plan, plan


def test_metric_names_are_read_from_the_table_and_counts_mirror_them():
    from dataclasses import fields

    from db.models import METRIC_COUNTS, METRIC_FIELDS

    assert METRIC_COUNTS == (
        "sent",
        "delivered",
        "opens",
        "machine_opens",
        "clicks",
        "conversions",
        "unsubscribes",
        "bounces",
        "complaints",
    )
    assert tuple(f.name for f in fields(metrics.Counts)) == METRIC_FIELDS
    assert "machine_opens" not in metrics.REPORT_COUNTS
    assert set(metrics.REPORT_COUNTS) | {"machine_opens"} == set(METRIC_COUNTS)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param(30 / 108, "27.8 %", id="one-decimal"),
        pytest.param(0.0046, "0.46 %", id="under-one-percent-keeps-two-decimals"),
        pytest.param(0.0015, "0.15 %", id="never-reads-as-the-0.1-threshold"),
        pytest.param(0.0, "0.0 %", id="zero"),
        pytest.param(1.0, "100.0 %", id="whole"),
        pytest.param(None, "–", id="undefined"),
    ],
)
def test_one_rate_format_for_the_map_the_review_and_the_cli(value, shown):
    from journey.plan import maps

    assert metrics.format_rate(value) == shown
    assert maps.format_rate is metrics.format_rate
