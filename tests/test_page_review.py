"""The Weekly review page (AppTest): alerts, the A/B table, a coloured table per stage, revenue, charts, notes,
thresholds, exports."""

import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update
from support import in_db, open_page, run_page, texts

from db.models import Email, MetricDaily, Stage
from journey.measure import review
from journey.measure.weeks import iso_week_label, last_complete_week
from journey.plan import journeys
from journey.plan.demo_metrics import load_demo_metrics

LAST_WEEK = iso_week_label(last_complete_week().start)


def seed(url: str, *, with_metrics: bool = True) -> int:
    """The starter journey "Demo" (five stages), with the demo's metrics unless told otherwise; its id."""
    with in_db(url) as session:
        journey = journeys.create_journey(session, name="Demo")
        if with_metrics:
            load_demo_metrics(session, journey.id)
        return journey.id


def saved_note(url: str, journey_id: int):
    with in_db(url) as session:
        return review.load_note(session, journey_id, LAST_WEEK)


CHARTS = "Charts: rates per stage and the funnel"  # the charts' expander


def sections(at) -> list[str]:
    """What the page shows, in order: each subheader and expander by its words, alerts, tables and charts
    by their kind."""
    kinds = {"warning": "alert", "dataframe": "table", "vega_lite_chart": "chart"}
    words = {"subheader": "value", "expander": "label"}
    order = [
        getattr(node, words[node.type]) if node.type in words else kinds.get(node.type) for node in at.main
    ]
    return [item for item in order if item]


def table(at, column: str, value: str | None = None):
    """The one dataframe with `column` (and, given `value`, that value in its first column)."""
    matches = [
        d
        for d in at.dataframe
        if column in d.value.columns and (value is None or value in list(d.value.iloc[:, 0]))
    ]
    assert len(matches) == 1, [list(d.value.columns) for d in at.dataframe]
    return matches[0]


class _StageTables(HTMLParser):
    """The stage tables of the page's st.html: per stage, its rows as {column: (text, class, title)}."""

    def __init__(self) -> None:
        super().__init__()
        self.stages: dict[str, list[dict]] = {}
        self.stage, self.head, self.row, self.cell, self.text = None, [], None, None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h3", "th", "td"):
            self.text, self.cell = "", attrs
        elif tag == "tr":
            self.row = []

    def handle_data(self, data):
        self.text += data

    def handle_endtag(self, tag):
        if tag == "h3":
            self.stage = self.text.split(" · ")[0].strip()
            self.stages[self.stage], self.head = [], []
        elif tag == "th":
            self.head.append(self.text)
        elif tag == "td":
            self.row.append((self.text, self.cell.get("class"), self.cell.get("title")))
        elif tag == "tr" and self.row:
            self.stages[self.stage].append(dict(zip(self.head, self.row, strict=True)))


def stage_tables(at) -> dict[str, list[dict]]:
    (element,) = [h for h in at.get("html") if "review-stages" in h.proto.body]
    parser = _StageTables()
    parser.feed(element.proto.body)
    return parser.stages


def cell(rows: list[dict], rate: str, column: str) -> tuple[str, str | None, str | None]:
    """(text, class, title) of one cell of a stage table."""
    return next(row for row in rows if row["Rate"][0] == rate)[column]


def test_review_defaults_to_the_last_complete_week_and_shows_alerts_then_ab_then_tables(app_db):
    seed(app_db)
    at = run_page("review")
    assert at.selectbox(key="review_week").value == LAST_WEEK
    assert any("**Retention**: Unsubscribe rate" in w.value for w in at.warning)
    assert any("Likely cause:" in w.value and "What to try:" in w.value for w in at.warning)
    order = sections(at)
    assert order.index("alert") < order.index("A/B tests") < order.index("Per stage") < order.index(CHARTS)
    assert order.index(CHARTS) < order.index("Team notes") < order.index("Export")
    assert order[order.index("A/B tests") + 1] == "table"  # the one A/B table, right under its heading
    assert order.count("table") == 2  # the A/B tests, the week's volume; the stage tables are one HTML block
    assert list(stage_tables(at)) == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    counts = table(at, "Alerts").value
    assert list(counts["Stage"]) == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    assert counts.loc[3, "Alerts"] == "⚠️ 1"
    # The charts are built and sent only once their expander is opened (most of the browser's work).
    assert "chart" not in order
    assert {b.proto.label for b in at.get("download_button")} == {"Markdown", "Printable page (HTML)"}
    at.session_state["review_charts"] = True  # the user opens the expander
    at.run()
    order = sections(at)
    assert order.index("Per stage") < order.index(CHARTS) < order.index("chart") < order.index("Team notes")
    assert len(at.get("vega_lite_chart")) == 2
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Markdown", "Printable page (HTML)", "PNG", "CSV"} <= labels
    # every export is built when clicked, never on a rerun of the page
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))


def test_the_charts_opened_once_stay_open_for_the_session(app_db):
    seed(app_db)
    at = run_page("review")
    assert not at.get("vega_lite_chart")
    at.session_state["review_charts"] = True
    at.run()
    assert at.session_state["review_charts_shown"] is True
    # A later visit (Streamlit drops the expander's own state when the page is left) opens them again.
    again = run_page("review", review_charts_shown=True)
    assert len(again.get("vega_lite_chart")) == 2
    again.session_state["review_charts"] = False  # closed
    again.run()
    assert not again.get("vega_lite_chart")
    assert again.session_state["review_charts_shown"] is False


def test_each_stage_has_its_rates_table_with_point_changes_coloured_by_the_good_direction(app_db):
    seed(app_db)
    at = run_page("review")
    tables = stage_tables(at)
    retention = tables["Retention"]
    assert list(retention[0]) == [
        "Rate",
        "This week",
        "Previous week",
        "vs previous week",
        "4-week average",
        "vs 4-week average",
    ]  # the definition is the rate's hover text
    rate = "Unsubscribe rate (lower is better)"
    assert cell(retention, rate, "Rate") == (rate, None, "unsubscribes ÷ delivered")
    assert re.fullmatch(r"\d+\.\d{2} %", cell(retention, rate, "This week")[0])  # format_rate: 0.59 %
    change, tone, _ = cell(retention, rate, "vs 4-week average")
    assert re.fullmatch(r"[+-]\d+\.\d{2} pp \([+-]\d+ %\)", change)  # "+0.21 pp (+55 %)"
    assert tone == ("bad" if change.startswith("+") else "good")  # down is good for unsubscribes
    tones = [
        row[c][1]
        for rows in tables.values()
        for row in rows
        for c in ("vs previous week", "vs 4-week average")
    ]
    assert {"good", "bad", None} == set(tones)
    for rows in tables.values():
        for row in rows:
            for column in ("vs previous week", "vs 4-week average"):
                text, tone, _ = row[column]
                if text == "–":
                    assert tone is None
                if tone is not None:
                    assert text[0] in "+-"  # the sign says it too


def test_all_ab_tests_of_the_week_are_one_table_with_the_winner_named_above(app_db):
    journey_id = seed(app_db)
    monday = last_complete_week().start
    with in_db(app_db) as session:
        retention = journeys.load_tree(session, journey_id).stages[3].emails[0]
        session.add_all(
            MetricDaily(
                email_id=retention.id, variant=label, day=monday, sent=500, delivered=490, opens=200, clicks=c
            )
            for label, c in (("A", 20), ("B", 22))
        )
    at = run_page("review")
    ab = table(at, "Verdict")
    assert list(ab.value.columns) == [
        "Email",
        "Stage",
        "Variant",
        "Sent",
        "Delivered",
        "Open rate",
        "Click rate",
        "Result",
        "Subject",
        "Verdict",
    ]
    assert list(ab.value["Stage"]) == ["Awareness", "Awareness", "Retention", "Retention"]
    assert list(ab.value["Result"]) == ["Lost", "🏆 Winner", "No winner", "No winner"]
    assert ab.value["Click rate"].dtype.kind == "f"  # numbers, so the column sorts as numbers
    assert ab.value.iloc[3]["Click rate"] == pytest.approx(22 / 490 * 100)  # in percent, shown "4.5 %"
    columns = json.loads(ab.proto.columns)
    assert columns["Click rate"]["type_config"]["format"] == "%.1f %%"
    assert "Not enough data yet" in ab.value.iloc[3]["Verdict"]
    (winners,) = [s.value for s in at.success if "wins" in s.value]  # one box for every winner
    assert "**Welcome** (Awareness): B wins" in winners
    assert "Retention" not in winners
    assert any("1 test without a winner yet" in c.value for c in at.caption)
    assert any("not opens" in c.value for c in at.caption)


def test_revenue_and_conversions_show_where_the_imports_carry_them(app_db):
    seed(app_db)
    at = run_page("review")
    counts = table(at, "Alerts").value
    assert {"Conversions", "Revenue", "Revenue per recipient"} <= set(counts.columns)
    decision = counts.iloc[2]
    revenue = float(decision["Revenue"].replace(",", ""))
    delivered = int(decision["Delivered"].replace(",", ""))
    assert revenue > 0
    assert decision["Revenue per recipient"] == f"{revenue / delivered:,.2f}"
    tables = stage_tables(at)
    assert {"Conversion rate", "Revenue", "Revenue per recipient"} <= {
        r["Rate"][0] for r in tables["Decision"]
    }
    assert cell(tables["Decision"], "Revenue", "This week")[0] == f"{revenue:,.2f}"
    assert "Revenue" not in {r["Rate"][0] for r in tables["Awareness"]}  # the demo sells nothing there


def test_no_revenue_or_conversion_columns_when_no_import_has_them(app_db):
    journey_id = seed(app_db)
    with in_db(app_db) as session:
        stages = select(Stage.id).where(Stage.journey_id == journey_id)
        emails = select(Email.id).where(Email.stage_id.in_(stages))
        session.execute(
            update(MetricDaily).where(MetricDaily.email_id.in_(emails)).values(revenue=0, conversions=0)
        )
    at = run_page("review")
    counts = table(at, "Alerts").value
    assert not {"Conversions", "Revenue", "Revenue per recipient"} & set(counts.columns)
    for rows in stage_tables(at).values():
        assert not {"Conversion rate", "Revenue", "Revenue per recipient"} & {r["Rate"][0] for r in rows}


def test_notes_are_saved_for_the_week(app_db):
    journey_id = seed(app_db)
    at = run_page("review")
    at.text_area(key="review_notes").input("Cut Retention to one email a week.").run()
    at.button(key="review_notes_save").click().run()
    assert not at.exception
    assert not at.error
    note = saved_note(app_db, journey_id)
    assert (note.text, note.version) == ("Cut Retention to one email a week.", 1)
    assert any("Saved version 1" in c.value for c in at.caption)
    at.text_area(key="review_notes").input("Cut Retention to one email a week. Ship B.").run()
    at.button(key="review_notes_save").click().run()
    assert saved_note(app_db, journey_id).version == 2


def test_a_stale_notes_save_is_refused_and_the_text_kept(app_db):
    journey_id = seed(app_db)
    at = run_page("review")
    with in_db(app_db) as session:
        review.save_note(session, journey_id, LAST_WEEK, "A teammate's notes", 0)
    at.text_area(key="review_notes").input("My notes").run()
    at.button(key="review_notes_save").click().run()
    assert not at.exception
    assert "teammate saved notes" in at.error[0].value
    assert at.text_area(key="review_notes").value == "My notes"
    assert saved_note(app_db, journey_id).text == "A teammate's notes"


def test_thresholds_are_edited_and_saved(app_db):
    seed(app_db)
    at = run_page("review")
    at.number_input(key="review_threshold_unsubscribe_rate_max").set_value(5.0)
    at.button(key="FormSubmitter:review_thresholds_form-Save thresholds").click().run()
    assert not at.exception
    with in_db(app_db) as session:
        assert review.load_thresholds(session).unsubscribe_rate_max == 0.05
    assert not any("Unsubscribe rate" in w.value for w in at.warning)


def test_a_week_without_metrics_says_where_to_import(app_db):
    journey_id = seed(app_db, with_metrics=False)
    at = open_page("review")
    assert not at.exception
    assert "No metrics for" in at.info[0].value
    (link,) = at.get("page_link")
    assert (link.proto.label, link.proto.page, link.proto.query_string) == (
        "Import metrics",
        "import_metrics",
        f"journey={journey_id}",
    )
    assert not at.get("vega_lite_chart")
    notes = at.text_area(key="review_notes")  # the team can still write the week's notes
    assert (notes.label, notes.value) == ("What did the team decide this week?", "")


def test_no_journey_yet_says_how_to_start(app_db):
    with in_db(app_db):
        pass  # an empty, migrated database
    at = open_page("review")
    assert not at.exception
    assert "No journeys yet" in at.info[0].value
    assert "python -m" not in texts(at)
    assert [link.proto.label for link in at.get("page_link")] == ["Journeys"]
    with pytest.raises(KeyError):
        at.text_area(key="review_notes")

    at.button(key="review_journey_empty_demo").click().run()  # what `python -m journey demo` loads
    assert not at.exception
    with in_db(app_db) as session:
        (demo_journey,) = journeys.list_journeys(session)
    assert at.selectbox(key="review_journey").value == demo_journey.id
    assert at.query_params["journey"] == str(demo_journey.id)
    assert at.selectbox(key="review_week").value == LAST_WEEK
    assert any("B wins" in s.value for s in at.success)  # the demo's metrics, A/B test included


def test_an_ab_rate_column_keeps_format_rates_two_decimals_when_a_rate_is_under_one_percent():
    import pandas as pd

    from ui.review import rate_column

    assert rate_column("Click rate", pd.Series([0.04, 0.05]))["type_config"]["format"] == "%.1f %%"
    assert rate_column("Click rate", pd.Series([0.005, 0.05, None]))["type_config"]["format"] == "%.2f %%"


def test_the_by_segment_table_shows_only_for_a_week_whose_import_carried_segments(app_db):
    import io

    from support import make_persona

    from journey.measure.imports.importer import import_metrics

    journey_id = seed(app_db)
    at = run_page("review")
    assert "By segment" not in sections(at)  # the demo's metrics carry no segment
    with in_db(app_db) as session:
        stage = journeys.load_tree(session, journey_id).stages[0]
        monday = last_complete_week().start
        lines = [
            "date,stage,email,segment,sent,delivered,opens,clicks,conversions,unsubscribes",
            f"{monday},{stage.stage.name},{stage.emails[0].name},VIP,200,200,80,20,2,0",
            f"{monday},{stage.stage.name},{stage.emails[0].name},Lapsed,100,100,10,1,0,1",
        ]
        assert import_metrics(session, journey_id, io.BytesIO("\n".join(lines).encode())).ok
        make_persona(session, "Vera", segment="vip")
    at = run_page("review", review_charts_shown=True)
    order = sections(at)
    assert order.index("chart") < order.index("By segment") < order.index("Team notes")
    (element,) = [h for h in at.get("html") if "review-segments" in h.proto.body]
    parser = _StageTables()
    parser.feed(f"<h3>By segment</h3>{element.proto.body}")
    rows = parser.stages["By segment"]
    assert [row["Segment (persona)"][0] for row in rows] == ["VIP (Vera)", "Lapsed"]
    assert [row["Open rate"][0] for row in rows] == ["40.0 %", "10.0 %"]  # 80 ÷ 200, 10 ÷ 100
    assert [row["Open rate vs previous week"][0] for row in rows] == ["–", "–"]  # none the week before
