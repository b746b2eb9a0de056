"""The Metrics dashboard page (AppTest): filters, the four charts, the email table and the empty states."""

import pytest
from support import in_db, make_persona, run_page

from journey.plan import journeys
from journey.plan.demo_metrics import load_demo_metrics


def seed(url: str, *, with_metrics: bool = True) -> dict:
    """A journey following Olivia (ids of its stages by name), and a persona no journey follows."""
    with in_db(url) as session:
        olivia = make_persona(session, "Olivia")
        nobody = make_persona(session, "Nobody")
        journey = journeys.create_journey(session, name="Demo", persona_ids=[olivia.id])
        if with_metrics:
            load_demo_metrics(session, journey.id)
        ids = {n.stage.name: n.stage.id for n in journeys.load_tree(session, journey.id).stages}
        ids["Nobody"] = nobody.id
    return ids


def test_dashboard_shows_every_chart_and_the_email_table(app_db):
    seed(app_db)
    at = run_page("dashboard")
    assert [t.value for t in at.title] == ["Metrics"]
    assert len(at.get("vega_lite_chart")) == 3
    headers = [s.value for s in at.subheader]
    assert headers == ["Rates per stage", "Over ISO weeks", "Funnel", "Emails"]
    table = at.dataframe[0].value
    assert "Welcome" in set(table["email"])
    assert {"open_rate", "click_rate", "trend"} <= set(table.columns)
    assert at.metric[0].label == "Delivered"
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"PNG", "CSV"} <= labels
    # every export is built when clicked, never on a rerun of the page
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))


def test_filtering_to_one_stage_narrows_the_table(app_db):
    ids = seed(app_db)
    at = run_page("dashboard")
    assert "Retention" in at.multiselect(key="dashboard_stages").options
    at.multiselect(key="dashboard_stages").select(ids["Retention"]).run()
    assert not at.exception
    assert set(at.dataframe[0].value["stage"]) == {"Retention"}


def test_a_persona_no_journey_follows_says_so(app_db):
    ids = seed(app_db)
    at = run_page("dashboard")
    at.selectbox(key="dashboard_persona").set_value(ids["Nobody"]).run()
    assert not at.exception
    assert "No journey follows this persona" in at.info[0].value
    assert not at.get("vega_lite_chart")


def test_a_journey_without_metrics_points_to_the_import_page(app_db):
    seed(app_db, with_metrics=False)
    at = run_page("dashboard")
    assert "import a CSV on the **Import metrics** page" in at.info[0].value
    assert not at.get("vega_lite_chart")


@pytest.mark.parametrize("rates", [pytest.param(["bounce_rate"], id="one-rate")])
def test_choosing_the_rates_over_weeks_redraws_the_trend(app_db, rates):
    seed(app_db)
    at = run_page("dashboard")
    at.multiselect(key="dashboard_trend_rates").set_value(rates).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3


def test_metrics_changed_elsewhere_show_on_the_next_rerun_without_a_stale_cache(app_db):
    from sqlalchemy import delete

    from db.models import MetricDaily

    seed(app_db)
    at = run_page("dashboard")
    assert len(at.get("vega_lite_chart")) == 3
    with in_db(app_db) as session:
        session.execute(delete(MetricDaily))
    at.run()
    assert not at.exception
    assert "No metrics for this journey yet" in at.info[0].value
