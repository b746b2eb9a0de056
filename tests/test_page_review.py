"""The Weekly review page (AppTest): alerts, per-stage table, charts, A/B verdict, notes, thresholds, exports."""

import pytest
from support import in_db, run_page

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


def test_review_defaults_to_the_last_complete_week_and_shows_alerts_charts_and_the_ab_winner(app_db):
    seed(app_db)
    at = run_page("review")
    assert at.selectbox(key="review_week").value == LAST_WEEK
    assert any("**Retention**: Unsubscribe rate" in w.value for w in at.warning)
    assert any("Likely cause:" in w.value and "What to try:" in w.value for w in at.warning)
    counts, rates = at.dataframe[0].value, at.dataframe[1].value
    assert list(counts["Stage"]) == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    assert counts.loc[3, "Alerts"] == "⚠️ 1"
    retention_unsub = rates[(rates["Stage"] == "Retention") & (rates["Rate"] == "Unsubscribe rate")].iloc[0]
    assert retention_unsub["This week"].endswith("%")
    assert retention_unsub["vs 4-week average"].startswith("+")
    assert retention_unsub["Definition"] == "unsubscribes ÷ delivered"
    assert len(at.get("vega_lite_chart")) == 2
    assert any("B wins" in s.value for s in at.success)
    assert any("not opens" in c.value for c in at.caption)
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"Markdown", "Printable page (HTML)", "PNG", "CSV"} <= labels
    # every export is built when clicked, never on a rerun of the page
    assert all(b.proto.deferred_file_id for b in at.get("download_button"))


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
    seed(app_db, with_metrics=False)
    at = run_page("review")
    assert "No metrics for" in at.info[0].value
    assert "Import metrics" in at.info[0].value
    assert not at.get("vega_lite_chart")
    notes = at.text_area(key="review_notes")  # the team can still write the week's notes
    assert (notes.label, notes.value) == ("What did the team decide this week?", "")


def test_no_journey_yet_says_how_to_start(app_db):
    with in_db(app_db):
        pass  # an empty, migrated database
    at = run_page("review")
    assert "No journeys yet" in at.info[0].value
    with pytest.raises(KeyError):
        at.text_area(key="review_notes")
