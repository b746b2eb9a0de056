"""The weekly review: changes, each alert triggered and not, A/B verdicts, thresholds, notes, exports."""

from datetime import date, timedelta

import pytest

from db.models import EmailVariant, MetricDaily, Setting
from journey.core.errors import InvalidInput, StaleEdit
from journey.core.text import format_amount, format_rate, rate_decimals
from journey.measure import review
from journey.measure.metrics import Counts
from journey.measure.review import Thresholds, stage_alerts
from journey.plan import journeys

DEFAULTS = Thresholds()
# Four quiet weeks: open 40 %, click 4 %, CTOR 10 %, conversion 1 %, unsub 0.2 %, bounce 1 %, complaints 0.
BASE = Counts(
    sent=40_400, delivered=40_000, opens=16_000, clicks=1_600, conversions=400, unsubscribes=80, bounces=400
)


def week(**changes) -> Counts:
    """One week shaped like a quarter of BASE, with `changes`."""
    values = {
        "sent": 10_100,
        "delivered": 10_000,
        "opens": 4_000,
        "clicks": 400,
        "conversions": 100,
        "unsubscribes": 20,
        "bounces": 100,
    }
    values.update(changes)
    return Counts(**values)


def rules(counts: Counts, four_weeks: Counts = BASE, thresholds: Thresholds = DEFAULTS) -> list[str]:
    return [a.rule for a in stage_alerts("Retention", counts, four_weeks, thresholds)]


def test_a_normal_week_raises_no_alert():
    assert rules(week()) == []


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        pytest.param({"unsubscribes": 51}, "unsubscribe_high", id="unsubscribes-over-0.5%"),
        pytest.param({"sent": 10_300, "bounces": 300}, "bounce_high", id="bounces-over-2%"),
        pytest.param({"complaints": 11}, "complaint_high", id="complaints-over-0.1%"),
        pytest.param({"opens": 3_000, "clicks": 300}, "open_rate_drop", id="opens-25%-below-average"),
        pytest.param({"clicks": 300}, "click_rate_drop", id="clicks-25%-below-average"),
        pytest.param({"conversions": 70}, "conversion_rate_drop", id="conversions-30%-below-average"),
        pytest.param({"opens": 4_600, "clicks": 340}, "machine_opens", id="opens-up-clicks-down"),
    ],
)
def test_each_alert_fires_past_its_threshold_with_a_cause_and_what_to_try(changes, rule):
    alerts = stage_alerts("Retention", week(**changes), BASE, DEFAULTS)
    assert rule in [a.rule for a in alerts]
    alert = next(a for a in alerts if a.rule == rule)
    assert alert.stage == "Retention"
    assert alert.likely_cause
    assert alert.what_to_try
    assert "%" in alert.message


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        pytest.param({"unsubscribes": 50}, "unsubscribe_high", id="unsubscribes-exactly-0.5%"),
        pytest.param({"sent": 10_204, "bounces": 204}, "bounce_high", id="bounces-under-2%"),
        pytest.param({"complaints": 10}, "complaint_high", id="complaints-exactly-0.1%"),
        pytest.param({"opens": 3_300, "clicks": 330}, "open_rate_drop", id="opens-17%-below-average"),
        pytest.param({"clicks": 330}, "click_rate_drop", id="clicks-17%-below-average"),
        pytest.param({"opens": 4_600, "clicks": 400}, "machine_opens", id="opens-up-clicks-steady"),
        pytest.param({"opens": 4_100, "clicks": 380}, "machine_opens", id="opens-up-only-2%"),
    ],
)
def test_no_alert_short_of_the_threshold(changes, rule):
    assert rule not in rules(week(**changes))


def test_a_drop_on_a_handful_of_events_is_not_an_alert():
    # 2 conversions instead of the usual 4 on 400 delivered: -50 %, but well within chance.
    tiny_base = Counts(sent=1_600, delivered=1_600, opens=640, clicks=64, conversions=16)
    tiny = Counts(sent=400, delivered=400, opens=160, clicks=16, conversions=2)
    assert rules(tiny, tiny_base) == []


def test_no_drop_alert_without_a_four_week_history():
    assert rules(week(clicks=100), Counts()) == []


def test_thresholds_are_configurable():
    strict = Thresholds(unsubscribe_rate_max=0.001)
    assert rules(week(), thresholds=strict) == ["unsubscribe_high"]


# --- thresholds and notes in the database -----------------------------------


def test_thresholds_default_then_save_and_load(session):
    assert review.load_thresholds(session) == Thresholds()
    assert review.thresholds_version(session) == 0
    saved = review.save_thresholds(session, {"unsubscribe_rate_max": 0.003, "bounce_rate_max": "0.05"}, 0)
    assert saved.unsubscribe_rate_max == 0.003
    assert saved.complaint_rate_max == DEFAULTS.complaint_rate_max
    session.expire_all()
    assert review.load_thresholds(session) == saved
    review.save_thresholds(session, Thresholds(drop_vs_average=0.3), 1)
    assert review.load_thresholds(session).drop_vs_average == 0.3
    assert review.thresholds_version(session) == 2


@pytest.mark.parametrize(
    ("saved_first", "expected_version"),
    [
        pytest.param(True, 1, id="a-teammate-saved-since"),
        pytest.param(True, 0, id="first-save-but-a-teammate-saved-first"),
        pytest.param(False, 3, id="version-of-thresholds-never-saved"),
    ],
)
def test_a_stale_save_of_the_thresholds_is_refused_and_overwrites_nothing(
    session, saved_first, expected_version
):
    if saved_first:
        review.save_thresholds(session, {"unsubscribe_rate_max": 0.004}, 0)
        review.save_thresholds(session, {"unsubscribe_rate_max": 0.006}, 1)  # the teammate's save
    with pytest.raises(StaleEdit, match="A teammate saved the alert thresholds"):
        review.save_thresholds(session, {"unsubscribe_rate_max": 0.009}, expected_version)
    kept = 0.006 if saved_first else Thresholds().unsubscribe_rate_max
    assert review.load_thresholds(session).unsubscribe_rate_max == kept


@pytest.mark.parametrize(
    "values",
    [
        pytest.param({"bounce_rate_max": 2}, id="over-100%"),
        pytest.param({"unsubscribe_rate_max": -0.1}, id="negative"),
        pytest.param({"complaint_rate_max": "lots"}, id="not-a-number"),
    ],
)
def test_invalid_thresholds_are_refused_and_the_old_ones_kept(session, values):
    review.save_thresholds(session, {"unsubscribe_rate_max": 0.004}, 0)
    with pytest.raises(InvalidInput) as caught:
        review.save_thresholds(session, values, 1)
    assert caught.value.field in values
    assert review.load_thresholds(session).unsubscribe_rate_max == 0.004


def test_one_invalid_saved_threshold_resets_only_itself(session):
    session.add(
        Setting(
            key=review.THRESHOLDS_KEY,
            value={"unsubscribe_rate_max": 0.004, "bounce_rate_max": "lots", "complaint_rate_max": 7},
        )
    )
    session.flush()
    loaded = review.load_thresholds(session)
    assert loaded.unsubscribe_rate_max == 0.004
    assert loaded.bounce_rate_max == Thresholds().bounce_rate_max
    assert loaded.complaint_rate_max == Thresholds().complaint_rate_max
    assert loaded.drop_vs_average == Thresholds().drop_vs_average


@pytest.fixture
def journey(session):
    return journeys.create_journey(session, name="Shop", template="blank")


def test_notes_are_saved_per_week_and_versioned(session, journey):
    empty = review.load_note(session, journey.id, "2026-W47")
    assert (empty.text, empty.version) == ("", 0)
    first = review.save_note(session, journey.id, "2026-W47", "Cut Retention to one email a week.", 0)
    assert first.version == 1
    second = review.save_note(
        session, journey.id, "2026-W47", "Cut Retention to one email a week. Test B.", 1
    )
    assert second.version == 2
    assert review.load_note(session, journey.id, "2026-W47").text.endswith("Test B.")
    assert review.load_note(session, journey.id, "2026-W46").version == 0


def test_a_stale_note_save_is_refused_and_nothing_is_overwritten(session, journey):
    review.save_note(session, journey.id, "2026-W47", "Mine", 0)
    review.save_note(session, journey.id, "2026-W47", "Teammate's", 1)
    with pytest.raises(StaleEdit, match="teammate saved notes"):
        review.save_note(session, journey.id, "2026-W47", "Mine, edited", 1)
    with pytest.raises(StaleEdit):
        review.save_note(session, journey.id, "2026-W47", "A first save that is not first", 0)
    assert review.load_note(session, journey.id, "2026-W47").text == "Teammate's"


def test_notes_for_a_bad_week_are_refused(session, journey):
    with pytest.raises(InvalidInput):
        review.save_note(session, journey.id, "week 47", "x", 0)


# --- the review on real rows -------------------------------------------------

W47 = date(2026, 11, 16)


@pytest.fixture
def reviewed(session, journey):
    """Stages Welcome (email Hello, A/B tested in W47) and Keep; five weeks of history for Keep."""
    welcome = journeys.add_stage(session, journey.id, name="Welcome")
    keep = journeys.add_stage(session, journey.id, name="Keep")
    hello = journeys.add_email(session, welcome.id, name="Hello", subject="Welcome aboard")
    tips = journeys.add_email(session, keep.id, name="Tips")
    session.add(EmailVariant(email_id=hello.id, label="A"))
    session.add(EmailVariant(email_id=hello.id, label="B", subject="Your guide is inside"))
    rows = []
    for weeks_back in range(1, 5):  # 4 weeks before: 1,000 delivered, 40 clicks, 1 unsub each
        day = W47 - timedelta(weeks=weeks_back)
        rows.append(
            MetricDaily(
                email_id=tips.id, day=day, sent=1_000, delivered=1_000, opens=400, clicks=40, unsubscribes=1
            )
        )
    # The previous week differs from the 4-week average so the two comparisons can be told apart.
    rows[0].clicks = 50
    rows.append(
        MetricDaily(
            email_id=tips.id, day=W47, sent=1_000, delivered=1_000, opens=400, clicks=20, unsubscribes=8
        )
    )
    rows.append(
        MetricDaily(email_id=hello.id, day=W47, variant="A", sent=673, delivered=673, opens=300, clicks=26)
    )
    rows.append(
        MetricDaily(email_id=hello.id, day=W47, variant="B", sent=642, delivered=642, opens=320, clicks=58)
    )
    session.add_all(rows)
    session.flush()
    return review.weekly_review(session, journey.id, "2026-W47")


def test_review_compares_each_stage_with_the_previous_week_and_the_four_week_average(reviewed):
    assert reviewed.week == "2026-W47"
    assert [s.stage for s in reviewed.stages] == ["Welcome", "Keep"]
    keep = reviewed.stages[1]
    assert keep.rates["click_rate"] == pytest.approx(0.02)
    assert keep.previous["click_rate"] == pytest.approx(0.05)
    assert keep.average["click_rate"] == pytest.approx(170 / 4_000)
    assert keep.change_vs_previous["click_rate"] == pytest.approx(-0.6)
    assert keep.change_vs_average["click_rate"] == pytest.approx(0.02 / (170 / 4_000) - 1)
    assert keep.change_vs_average["open_rate"] == pytest.approx(0.0)
    assert {a.rule for a in keep.alerts} == {"unsubscribe_high", "click_rate_drop", "click_to_open_rate_drop"}
    welcome = reviewed.stages[0]
    assert welcome.previous["open_rate"] is None
    assert welcome.change_vs_previous["open_rate"] is None
    assert welcome.alerts == []


def test_review_reports_the_ab_winner_on_clicks(reviewed):
    (test,) = reviewed.ab_tests
    assert test.email == "Hello"
    assert [label for label, _ in test.variants] == ["A", "B"]
    assert test.verdict.winner == "B"
    assert test.subjects == {"B": "Your guide is inside"}


def test_review_of_a_week_without_metrics_is_empty(session, reviewed):
    later = review.weekly_review(session, reviewed.journey_id, "2026-W50")
    assert later.is_empty
    assert later.alerts == []
    assert later.ab_tests == []
    assert "No metrics for this week yet" in review.review_markdown(later)


def test_default_week_is_the_last_complete_one(session, reviewed):
    assert review.weekly_review(session, reviewed.journey_id, today=date(2026, 11, 23)).week == "2026-W47"
    assert review.weekly_review(session, reviewed.journey_id, date(2026, 11, 18)).week == "2026-W47"


def test_markdown_export_has_every_stage_alert_test_and_the_notes(reviewed):
    markdown = review.review_markdown(reviewed, notes="Send Retention less often.")
    assert markdown.startswith("# Weekly review: Shop, 2026-W47")
    for stage in ("Welcome", "Keep"):
        assert f"| {stage} |" in markdown
    assert "Unsubscribe rate 0.80 % is above 0.50 %." in markdown
    assert "Likely cause: Too many emails" in markdown
    assert "B wins" in markdown
    assert "not opens" in markdown
    assert "Send Retention less often." in markdown


def test_html_export_is_printable_escaped_and_has_every_stage(session, reviewed):
    page = review.review_html(reviewed, notes="<script>alert(1)</script> & keep going")
    assert page.startswith("<!DOCTYPE html>")
    assert "@media print" in page
    for stage in ("Welcome", "Keep"):
        assert f"<td>{stage}</td>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; keep going" in page
    assert "B wins" in page


def test_page_tables_hold_counts_per_stage_and_each_rate_with_both_changes(reviewed):
    counts = review.count_rows(reviewed)
    assert [row["Stage"] for row in counts] == ["Welcome", "Keep"]
    assert counts[1]["Delivered"] == "1,000"
    assert counts[1]["Alerts"] == "⚠️ 3"
    assert "Conversions" not in counts[1]  # no import of this journey carries conversions
    assert "Revenue" not in counts[1]  # nor revenue
    keep = reviewed.stages[1]
    rates = {row.cells["Rate"]: row for row in review.stage_rows(reviewed, keep)}
    assert list(rates) == [
        "Open rate",
        "Click rate",
        "Click-to-open rate",
        "Unsubscribe rate (lower is better)",
        "Bounce rate (lower is better)",
    ]
    clicks = rates["Click rate"]
    assert clicks.cells["This week"] == "2.0 %"
    assert clicks.cells["Previous week"] == "5.0 %"
    assert clicks.cells["vs previous week"] == "-3.0 pp (-60 %)"
    assert clicks.cells["4-week average"] == "4.2 %"
    assert clicks.cells["vs 4-week average"] == "-2.3 pp (-53 %)"  # 2 % − 4.25 %, from the exact rates
    assert clicks.cells["Definition"] == "clicks ÷ delivered"
    assert clicks.tones == {"vs previous week": "bad", "vs 4-week average": "bad"}
    unsubscribes = rates["Unsubscribe rate (lower is better)"]  # 0.10 % → 0.80 %: up is bad
    assert unsubscribes.cells["vs previous week"] == "+0.70 pp (+700 %)"
    assert unsubscribes.tones["vs previous week"] == "bad"
    assert "vs previous week" not in rates["Open rate"].tones  # 40 % both weeks: flat, no colour
    welcome = {row.cells["Rate"]: row for row in review.stage_rows(reviewed, reviewed.stages[0])}
    assert welcome["Click rate"].cells["Previous week"] == "–"
    assert welcome["Click rate"].cells["vs previous week"] == "–"
    assert welcome["Click rate"].tones == {}


@pytest.mark.parametrize(
    ("name", "now", "reference", "text", "tone"),
    [
        pytest.param("open_rate", 0.312, 0.300, "+1.2 pp (+4 %)", "good", id="rate-up-where-up-is-good"),
        pytest.param("click_rate", 0.03, 0.04, "-1.0 pp (-25 %)", "bad", id="rate-down-where-up-is-good"),
        pytest.param(
            "unsubscribe_rate", 0.002, 0.004, "-0.20 pp (-50 %)", "good", id="unsubscribes-down-is-good"
        ),
        pytest.param("bounce_rate", 0.03, 0.02, "+1.0 pp (+50 %)", "bad", id="bounces-up-is-bad"),
        pytest.param("complaint_rate", 0.0015, 0.001, "+0.05 pp (+50 %)", "bad", id="complaints-up-is-bad"),
        pytest.param(
            "open_rate", 0.303, 0.300, "+0.3 pp (+1 %)", None, id="flat-within-2-percent-uncoloured"
        ),
        pytest.param("click_rate", 0.0, 0.0, "+0.0 pp", None, id="nothing-both-weeks-is-flat"),
        pytest.param("click_rate", 0.02, 0.0, "+2.0 pp", "good", id="from-zero-no-relative-change"),
        pytest.param("click_rate", None, 0.04, "–", None, id="nothing-delivered-this-week"),
        pytest.param("click_rate", 0.04, None, "–", None, id="nothing-delivered-before"),
    ],
)
def test_a_rate_change_is_in_points_with_the_relative_change_and_toned_by_the_good_direction(
    name, now, reference, text, tone
):
    change = review.rate_change(name, now, reference)
    assert (change.text, change.tone) == (text, tone)


def test_an_amount_change_is_relative_and_more_is_good():
    assert review.amount_change(120.0, 100.0).text == "+20 %"
    assert review.amount_change(120.0, 100.0).tone == "good"
    assert review.amount_change(80.0, 100.0).tone == "bad"
    assert review.amount_change(None, 100.0).text == "–"
    assert review.amount_change(5.0, 0.0).text == "–"  # no relative change from nothing


def test_a_stage_with_nothing_delivered_this_week_shows_dashes_and_no_colour():
    before = week(revenue=500.0)
    quiet = review.StageReview.of(1, "Retention", Counts(), before, before + before + before + before)
    weekly = review.WeeklyReview(1, "Shop", "2026-W47", None, [quiet], [], DEFAULTS)
    rows = review.stage_rows(weekly, quiet)
    assert all(row.cells["This week"] == "–" for row in rows if row.cells["Rate"] != "Revenue")
    assert all(row.cells["vs previous week"] == "–" for row in rows if row.cells["Rate"] != "Revenue")
    revenue = next(row for row in rows if row.cells["Rate"] == "Revenue")
    assert (revenue.cells["This week"], revenue.cells["vs previous week"]) == ("0.00", "-100 %")
    assert revenue.tones["vs previous week"] == "bad"
    assert [row.tones for row in rows if row.cells["Rate"] != "Revenue"] == [{}] * (len(rows) - 1)
    assert not review.stage_is_quiet(quiet)


def test_revenue_and_conversions_show_per_stage_only_where_imported():
    sold = review.StageReview.of(
        1,
        "Decision",
        week(revenue=1_234.5),
        week(revenue=1_000.0),
        week(revenue=4_000.0) + week() + week() + week(),
    )
    plain = review.StageReview.of(2, "Advocacy", week(conversions=0), week(conversions=0), Counts())
    weekly = review.WeeklyReview(1, "Shop", "2026-W47", None, [sold, plain], [], DEFAULTS)
    assert weekly.has_revenue
    assert weekly.has_conversions
    counts = review.count_rows(weekly)
    assert (counts[0]["Conversions"], counts[0]["Revenue"], counts[0]["Revenue per recipient"]) == (
        "100",
        "1,234.50",
        "0.12",  # 1,234.50 ÷ 10,000 delivered
    )
    rows = {row.cells["Rate"]: row.cells for row in review.stage_rows(weekly, sold)}
    assert rows["Revenue"]["This week"] == "1,234.50"
    assert rows["Revenue"]["4-week average"] == "1,000.00"  # 4,000 over the four weeks, per week
    assert rows["Revenue"]["vs previous week"] == "+23 %"
    assert rows["Revenue per recipient"]["Previous week"] == "0.10"
    assert rows["Revenue per recipient"]["4-week average"] == "0.10"  # 4,000 ÷ 40,000 delivered
    assert "Conversion rate" in rows
    plain_rows = [row.cells["Rate"] for row in review.stage_rows(weekly, plain)]
    assert "Revenue" not in plain_rows  # this stage has none

    without = review.StageReview.of(3, "Keep", Counts(sent=10, delivered=10), Counts(), Counts())
    bare = review.WeeklyReview(1, "Shop", "2026-W47", None, [without], [], DEFAULTS)
    assert "Revenue" not in review.count_rows(bare)[0]
    assert "Conversions" not in review.count_rows(bare)[0]
    assert "Conversion rate" not in [row.cells["Rate"] for row in review.stage_rows(bare, without)]


def test_every_ab_test_is_one_row_per_variant_in_one_table_with_its_verdict(reviewed):
    rows = review.ab_rows(reviewed)
    assert [(r["Email"], r["Stage"], r["Variant"]) for r in rows] == [
        ("Hello", "Welcome", "A"),
        ("Hello", "Welcome", "B"),
    ]
    assert (rows[1]["Sent"], rows[1]["Delivered"]) == (642, 642)
    assert rows[1]["Click rate"] == pytest.approx(58 / 642)
    assert [r["Result"] for r in rows] == ["Lost", "🏆 Winner"]
    assert rows[0]["Subject"] == "(the email's own)"
    assert rows[1]["Subject"] == "Your guide is inside"
    assert all(r["Verdict"] == reviewed.ab_tests[0].verdict.message for r in rows)
    assert review.ab_winners(reviewed) == reviewed.ab_tests


def test_the_exports_carry_the_page_tables_numbers_and_html_colours_them(reviewed):
    markdown = review.review_markdown(reviewed)
    page = review.review_html(reviewed)
    for stage in reviewed.stages:
        for row in review.stage_rows(reviewed, stage):
            line = "| " + " | ".join(row.cells.values()) + " |"
            assert line in markdown
            for column, text in row.cells.items():
                assert text in page, (column, text)
    assert (
        "| Hello | Welcome | B | 642 | 642 | 49.8 % | 9.0 % | 🏆 Winner | Your guide is inside |" in markdown
    )
    assert "<td class='bad'>-3.0 pp (-60 %)</td>" in page  # Keep's click rate against the week before
    assert "<td class='bad'>+0.70 pp (+700 %)</td>" in page  # its unsubscribes, where up is bad
    assert "td.good {" in page
    assert "td.bad {" in page
    assert (
        markdown.index("## Alerts")
        < markdown.index("## A/B tests")
        < markdown.index("## This week per stage")
    )
    assert page.index("<h2>Alerts") < page.index("<h2>A/B tests") < page.index("<h2>This week per stage")


def test_the_pages_stage_tables_give_each_definition_on_hover_and_say_when_a_stage_was_quiet():
    quiet = review.StageReview.of(1, "Win-back", Counts(), Counts(), Counts())
    busy = review.StageReview.of(2, "Keep", week(), week(), week() + week() + week() + week())
    weekly = review.WeeklyReview(
        1, "Shop", "2026-W47", review.resolve_week("2026-W47"), [quiet, busy], [], DEFAULTS
    )
    page = review.stage_sections_html(weekly, definitions=False)
    assert "<h3>Win-back <small>· 0 emails delivered</small></h3>\n<p>Nothing sent this week" in page
    assert "<td title='clicks ÷ delivered'>Click rate</td>" in page
    assert "Definition</th>" not in page
    assert "<th class='text'>Definition</th>" in review.review_html(weekly)  # the printable page has no hover
    assert "Nothing sent this week nor in the four weeks before." in review.review_markdown(weekly)


def test_a_week_in_progress_does_not_compare_its_revenue_so_far_with_whole_weeks():
    sold = review.StageReview.of(
        1, "Decision", week(revenue=300.0), week(revenue=1_000.0), week(revenue=4_000.0)
    )
    period = review.resolve_week("2026-W47")
    tuesday = period.start + timedelta(days=1)
    weekly = review.WeeklyReview(1, "Shop", "2026-W47", period, [sold], [], DEFAULTS, as_of=tuesday)
    assert not weekly.is_complete
    rows = {row.cells["Rate"]: row for row in review.stage_rows(weekly, sold)}
    assert rows["Revenue"].cells["This week"] == "300.00"
    assert rows["Revenue"].cells["vs previous week"] == "–"
    assert rows["Revenue"].tones == {}
    assert rows["Revenue"].cells["Definition"] == "revenue so far this week"
    assert rows["Revenue per recipient"].cells["vs previous week"] == "-70 %"  # a ratio: comparable


def test_rates_and_amounts_read_one_way_everywhere():
    assert [rate_decimals(v) for v in (0.278, 0.01, 0.0099, 0.0015, 0.0)] == [1, 1, 2, 2, 1]
    assert [format_rate(v) for v in (0.278, 0.0015, 0.0)] == ["27.8 %", "0.15 %", "0.0 %"]  # the same rule
    assert (format_amount(1234.5), format_amount(0.0), format_amount(None)) == ("1,234.50", "0.00", "–")


def test_the_stage_tables_html_escapes_the_names_the_team_typed():
    hostile = "<img src=x onerror=alert(1)>"
    stage = review.StageReview.of(1, hostile, week(), week(), week())
    weekly = review.WeeklyReview(
        1, "Shop", "2026-W47", review.resolve_week("2026-W47"), [stage], [], DEFAULTS
    )
    for page in (review.stage_sections_html(weekly, definitions=False), review.review_html(weekly)):
        assert "<img" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
