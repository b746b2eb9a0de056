"""Activity page: the empty state, newest first, the filters (journey, who, kind, dates), paging, the CSV."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support import in_db, make_journey, open_page, texts

from journey.core.access import Actor, Role, act_as
from journey.plan import journeys, personas
from journey.plan.activity import PAGE_SIZE

ANA = Actor(email="ana@team.example", role=Role.editor, name="Ana Lima")


def _table(at):
    (frame,) = at.dataframe
    return frame.value


def test_an_empty_log_says_what_will_appear(app_db):
    at = open_page("activity")
    assert not at.exception
    assert "No activity yet. Every change made in this workspace will appear here" in texts(at)
    assert not at.dataframe


def test_the_log_shows_who_changed_what_newest_first_and_filters_it(app_db):
    with in_db(app_db) as session:
        spring = make_journey(session, "Spring", stages={"Awareness": ["Welcome"]})
    with in_db(app_db) as session:
        act_as(session, ANA)
        email = journeys.get_email(session, spring.emails["Welcome"].id)
        journeys.update_email(session, email.id, email.version, subject="Hello", preheader="Read me")
        personas.create_persona(session, name="=HYPERLINK(evil)")
    at = open_page("activity")
    assert not at.exception
    frame = _table(at)
    assert list(frame["Who"])[:2] == ["Ana Lima", "Ana Lima"]
    assert list(frame["What"])[:2] == ["=HYPERLINK(evil)", "Welcome"]  # newest first
    assert list(frame["Changes"])[1] == "subject, preheader"
    assert "Showing 1–" in texts(at)

    at.selectbox(key="activity_who").select("ana@team.example").run()
    assert set(_table(at)["Who"]) == {"Ana Lima"}
    at.selectbox(key="activity_kind").select("email").run()
    assert list(_table(at)["What"]) == ["Welcome"]
    at.selectbox(key="activity_who").select(None).run()
    at.selectbox(key="activity_kind").select(None).run()
    at.selectbox(key="activity_journey").select(spring.id).run()
    assert "=HYPERLINK(evil)" not in set(_table(at)["What"])  # a persona belongs to no journey
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    at.date_input(key="activity_from").set_value(tomorrow).run()
    assert "Nothing in the log matches these filters" in texts(at)

    at = open_page("activity")
    (button,) = [b for b in at.get("download_button")]
    assert button.proto.label == "CSV"


def test_the_csv_escapes_formulas(app_db):
    import pandas as pd

    from journey.measure.charts import frame_csv
    from journey.plan import activity

    with in_db(app_db) as session:
        personas.create_persona(session, name="=HYPERLINK(evil)")
    with in_db(app_db) as session:
        rows = activity.activity_table(activity.list_activity(session))
    assert "'=HYPERLINK(evil)" in frame_csv(pd.DataFrame(rows)).decode()


def test_a_long_log_is_paged(app_db):
    with in_db(app_db) as session:
        for n in range(PAGE_SIZE + 5):
            personas.create_persona(session, name=f"P{n:03}")
            session.commit()
    at = open_page("activity")
    assert len(_table(at)) == PAGE_SIZE
    assert f"Showing 1–{PAGE_SIZE} of {PAGE_SIZE + 5:,}" in texts(at)
    at.number_input(key="activity_page_no").set_value(2).run()
    assert list(_table(at)["What"]) == [f"P{n:03}" for n in range(4, -1, -1)]
