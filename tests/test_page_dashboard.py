"""The Metrics dashboard page (AppTest): filters, the four charts, the email table and the empty states."""

import pytest
from support import in_db, make_persona, open_page, run_page, texts

from journey.plan import journeys
from journey.plan.demo_content import DEMO_JOURNEY
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


def test_a_journey_without_metrics_links_to_the_import_page_and_offers_the_demo(app_db):
    seed(app_db, with_metrics=False)
    at = open_page("dashboard")
    assert not at.exception
    assert "No metrics for this journey yet" in at.info[0].value
    assert "python -m" not in texts(at)
    (link,) = at.get("page_link")
    journey_id = at.selectbox(key="dashboard_journey").value
    assert (link.proto.label, link.proto.page) == ("Import metrics", "import_metrics")
    assert link.proto.query_string == f"journey={journey_id}"
    assert not at.get("vega_lite_chart")

    at.button(key="dashboard_no_metrics_demo").click().run()  # the demo journey, loaded and opened
    assert not at.exception
    with in_db(app_db) as session:
        demo_id = journeys.get_journey_by_name(session, DEMO_JOURNEY["name"]).id
    assert at.selectbox(key="dashboard_journey").value == demo_id
    assert len(at.get("vega_lite_chart")) == 3


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
    at = open_page("dashboard")
    assert len(at.get("vega_lite_chart")) == 3
    with in_db(app_db) as session:
        session.execute(delete(MetricDaily))
    at.run()
    assert not at.exception
    assert "No metrics for this journey yet" in at.info[0].value


def test_the_data_stamp_is_read_once_per_rerun_however_many_loaders_the_page_calls(app_db, monkeypatch):
    from journey.measure import metrics

    seed(app_db)
    reads = []
    real = metrics.data_stamp
    monkeypatch.setattr(metrics, "data_stamp", lambda session: reads.append(1) or real(session))
    at = run_page("dashboard")
    assert len(reads) == 1
    at.run()
    assert not at.exception
    assert len(reads) == 2


def test_the_email_table_holds_numbers_shown_in_the_one_rate_format(app_db):
    """Rates stay numbers (so a column sorts as numbers, not as text), in per cent, shown as format_rate
    writes them ("27.8 %"; a column with a rate under 1 % keeps its second decimal) and "–" when undefined."""
    import json

    from journey.core.text import format_rate
    from journey.measure.charts import EMAIL_RATES

    seed(app_db)
    at = run_page("dashboard")
    table = at.dataframe[0]
    frame = table.value
    numeric = ("sent", "delivered", "conversions", "revenue", *EMAIL_RATES)
    assert all(frame[name].dtype.kind in "if" for name in numeric), frame.dtypes
    columns = json.loads(table.proto.columns)
    assert {name: columns[name]["type_config"]["type"] for name in numeric} == dict.fromkeys(
        numeric, "number"
    )
    assert columns["revenue"]["label"] == "Revenue"
    assert table.proto.placeholder == "–"
    for name in EMAIL_RATES:
        printf = columns[name]["type_config"]["format"]
        assert printf in ("%.1f %%", "%.2f %%"), printf
        for percent in frame[name].dropna():
            shown = printf % percent  # Python's printf reads "%.1f %%" as the table's sprintf does
            expected = format_rate(percent / 100)
            assert shown == expected or (printf == "%.2f %%" and percent >= 1), (name, shown, expected)
    assert columns["open_rate"]["type_config"]["format"] == "%.1f %%"  # 48.3 %
    assert columns["unsubscribe_rate"]["type_config"]["format"] == "%.2f %%"  # 0.21 %, never 0.2 %
