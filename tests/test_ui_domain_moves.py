"""The domain pieces the UI used to compute itself, now in journey/: each tested without Streamlit."""

from datetime import date, timedelta

import pytest

from db.models import MetricDaily
from journey.core.errors import InvalidJourneyFile
from journey.core.findings import Finding
from journey.measure import metrics, review
from journey.measure.imports.formats import MAPPING_FIELDS
from journey.measure.imports.mappings import guess_mapping
from journey.plan import journeys, maps, personas, transfer
from journey.plan.checks import check_journey
from journey.write.checks import render_and_check

BODY = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ first_name }}</mj-text>"
    '<mj-button href="https://shop.example/go">Shop now</mj-button>'
    '<mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>'
    "</mj-column></mj-section></mj-body></mjml>"
)


@pytest.fixture
def journey(session):
    """A journey with two stages, an email each, and a week of metrics with a high unsubscribe rate."""
    maya = personas.create_persona(session, name="Maya")
    personas.create_persona(session, name="Aaron")
    spring = journeys.create_journey(session, name="Spring", template="blank", persona_ids=[maya.id])
    awareness = journeys.add_stage(session, spring.id, name="Awareness")
    decision = journeys.add_stage(session, spring.id, name="Decision")
    journeys.add_email(session, awareness.id, name="Welcome", subject="Hi", mjml=BODY)
    offer = journeys.add_email(session, decision.id, name="Offer", subject="Ten percent off", mjml=BODY)
    for offset in range(7):
        session.add(
            MetricDaily(
                email_id=offer.id,
                day=date(2026, 3, 2) + timedelta(days=offset),
                sent=1000,
                delivered=1000,
                opens=400,
                clicks=50,
                unsubscribes=8,
            )
        )
    session.flush()
    return spring


def test_map_view_holds_the_map_and_exactly_the_findings_check_journey_gives(session, journey):
    view = maps.map_view(session, journey.id)

    assert [stage.name for stage in view.map.stages] == ["Awareness", "Decision"]
    assert view.map.has_rates  # the latest week's rates are on the map
    assert view.findings == check_journey(session, journey.id)
    assert "unsubscribe-rate-high" in {f.rule for f in view.findings}  # the rates reached the checks
    assert view.source_journey_id is None


def test_map_view_of_a_future_state_names_the_journey_it_was_copied_from(session, journey):
    copy = journeys.duplicate_journey(session, journey.id, name="Spring (future)", as_future_state=True)
    assert maps.map_view(session, copy.id).source_journey_id == journey.id


def test_the_journeys_personas_come_first_then_everyone_else(session, journey):
    ordered = personas.personas_journey_first(session, journey.id)
    assert [(p.name, own) for p, own in ordered] == [("Maya", True), ("Aaron", False)]


def test_personas_of_a_journey_without_any_are_everyone_not_following(session, journey):
    other = journeys.create_journey(session, name="Autumn", template="blank")
    assert [own for _, own in personas.personas_journey_first(session, other.id)] == [False, False]


def test_the_data_stamp_changes_with_an_import_and_an_edit_and_not_with_a_read(session, journey):
    first = metrics.data_stamp(session)
    assert metrics.data_stamp(session) == first
    journeys.load_tree(session, journey.id)
    assert metrics.data_stamp(session) == first

    offer = journeys.load_tree(session, journey.id).stages[1].emails[0]
    session.add(MetricDaily(email_id=offer.id, day=date(2026, 3, 9), sent=10, delivered=10))
    session.flush()
    after_import = metrics.data_stamp(session)
    assert after_import != first

    journeys.update_stage(
        session, journeys.load_tree(session, journey.id).stages[0].stage.id, 1, obstacles="Busy"
    )
    assert metrics.data_stamp(session) != after_import


def test_total_counts_add_up_the_stages(session, journey):
    stages = metrics.stage_metrics(session, journey.id)
    total = metrics.total_counts(stages)
    assert (total.sent, total.delivered, total.unsubscribes) == (7000, 7000, 56)
    assert metrics.total_counts([]).is_empty


def test_the_reviews_stage_metrics_are_its_stages_in_order_with_their_counts(session, journey):
    weekly = review.weekly_review(session, journey.id, "2026-W10")
    rows = weekly.stage_metrics
    assert [(s.stage, s.position) for s in rows] == [("Awareness", 0), ("Decision", 1)]
    assert [s.counts.sent for s in rows] == [0, 7000]
    assert [s.stage_id for s in rows] == [s.stage_id for s in weekly.stages]


@pytest.mark.parametrize(
    ("span", "today", "newest", "oldest", "count"),
    [
        pytest.param(None, date(2026, 3, 18), "2026-W11", "2026-W00", 12, id="no-data-twelve-weeks"),
        pytest.param(
            (date(2025, 6, 2), date(2026, 3, 4)),
            date(2026, 3, 18),
            "2026-W11",
            "2025-W23",
            41,
            id="back-to-first-data",
        ),
        pytest.param(
            (date(2026, 3, 2), date(2026, 4, 20)),
            date(2026, 3, 18),
            "2026-W17",
            "2026-W00",
            18,
            id="data-after-today",
        ),
    ],
)
def test_review_weeks_run_newest_first_from_the_last_complete_week_or_data(
    span, today, newest, oldest, count
):
    weeks = review.review_weeks(span, today)
    assert weeks[0] == newest
    assert len(weeks) == count
    assert weeks == sorted(weeks, reverse=True)
    if oldest != "2026-W00":
        assert weeks[-1] == oldest


def test_review_weeks_stop_at_the_limit():
    assert len(review.review_weeks((date(2000, 1, 3), date(2026, 3, 4)), date(2026, 3, 18))) == 260


def test_guess_mapping_finds_the_generic_formats_columns_and_leaves_the_rest_open():
    guesses = guess_mapping(["Date", "Email Name", "Delivered", "Something else"])
    assert set(guesses) == set(MAPPING_FIELDS)
    assert guesses["delivered"] == "Delivered"
    assert guesses["date"] == "Date"
    assert guesses["email"] == "Email Name"
    assert guesses["clicks"] is None


def test_render_and_check_renders_once_and_sorts_errors_first():
    good = render_and_check(
        BODY, {"first_name": "Maya"}, subject="Ten percent off", preheader="Inside: the offer"
    )
    assert good.html is not None
    assert "Maya" in good.html
    assert good.text is not None
    assert "Maya" in good.text
    assert good.errors == []

    broken = render_and_check("<mjml><mj-body><mj-text>", subject="", preheader="")
    assert broken.html is None
    assert broken.text is None
    assert broken.errors
    assert broken.findings[0].severity == "error"
    assert all(isinstance(f, Finding) for f in broken.findings)


def test_read_journey_file_reads_json_with_a_bom_and_refuses_what_is_not_json():
    assert transfer.read_journey_file('\ufeff{"format": 1}'.encode()) == {"format": 1}
    with pytest.raises(InvalidJourneyFile, match="spring.json is not a JSON file we can read"):
        transfer.read_journey_file(b"{not json", "spring.json")
