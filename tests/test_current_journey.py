"""One current journey across pages (AppTest): `?journey=ID` opens it on every page that shows a journey,
a choice made on one page is the default on the others, a fresh session opens the journey with the latest
metrics, and a bad id in the link is a message."""

from datetime import date

import pytest
from support import in_db, make_journey, open_page, texts

from db.models import MetricDaily
from ui.navigation import page_path

# Every page with a journey picker, and the picker's key.
PICKERS = {
    "journeys": "journeys_manage",
    "editor": "editor_journey",
    "journey_map": "map_journey",
    "walkthrough": "walk_journey",
    "studio": "studio_journey",
    "review": "review_journey",
    "dashboard": "dashboard_journey",
    "import_metrics": "import_journey",
}


@pytest.fixture
def workspace(app_db) -> dict[str, int]:
    """Three journeys by name: "Older" (metrics up to 10 Nov), "Latest" (up to 20 Nov), "Newest" (none)."""
    ids = {}
    with in_db(app_db) as session:
        for name, last_day in (("Older", 10), ("Latest", 20), ("Newest", None)):
            made = make_journey(session, name, stages={"Awareness": ["Welcome"]})
            ids[name] = made.id
            for day in (1, last_day) if last_day else ():
                session.add(
                    MetricDaily(
                        email_id=made.emails["Welcome"].id, day=date(2026, 11, day), sent=9, delivered=9
                    )
                )
    return ids


def picked(at, page: str) -> int:
    return at.selectbox(key=PICKERS[page]).value


def click_sidebar(at, page: str):
    """What a click on the page in the sidebar does: Streamlit clears the query string, then runs the page."""
    at.query_params.clear()
    return at.switch_page(page_path(page)).run()


@pytest.mark.parametrize("page", list(PICKERS))
def test_a_link_with_the_journey_opens_that_journey_on_each_page(workspace, page):
    at = open_page(page, query={"journey": str(workspace["Older"])})
    assert not at.exception
    assert picked(at, page) == workspace["Older"]
    assert at.query_params["journey"] == str(workspace["Older"])
    assert "link" not in " ".join(w.value for w in at.warning)


def test_a_fresh_session_opens_the_journey_with_the_latest_metrics_not_the_newest(workspace):
    at = open_page("review")
    assert not at.exception
    assert picked(at, "review") == workspace["Latest"]
    assert at.query_params["journey"] == str(workspace["Latest"])  # a copied link opens the same view
    assert picked(click_sidebar(at, "journey_map"), "journey_map") == workspace["Latest"]


def test_a_journey_picked_on_one_page_is_picked_on_every_other_and_in_their_urls(workspace):
    at = open_page("journey_map")
    at.selectbox(key="map_journey").set_value(workspace["Newest"]).run()
    assert at.query_params["journey"] == str(workspace["Newest"])
    for page in PICKERS:
        at = click_sidebar(at, page)
        assert not at.exception, page
        assert picked(at, page) == workspace["Newest"], page
        assert at.query_params["journey"] == str(workspace["Newest"]), page
    # a page without a journey leaves it out of the URL; the next page with one writes it back
    assert "journey" not in click_sidebar(at, "settings").query_params
    at = click_sidebar(at, "dashboard")
    at.selectbox(key="dashboard_journey").set_value(workspace["Older"]).run()
    assert picked(click_sidebar(at, "editor"), "editor") == workspace["Older"]


def test_a_link_to_another_journey_wins_over_the_one_picked_earlier_in_the_session(workspace):
    at = open_page("review")
    at.selectbox(key="review_journey").set_value(workspace["Newest"]).run()
    at.query_params["journey"] = str(workspace["Older"])  # the browser's back button, or a pasted link
    at.run()
    assert picked(at, "review") == workspace["Older"]
    at.selectbox(key="review_journey").set_value(workspace["Latest"]).run()  # and then the user's pick
    assert picked(at, "review") == workspace["Latest"]
    assert at.query_params["journey"] == str(workspace["Latest"])


@pytest.mark.parametrize(
    ("value", "said"),
    [
        pytest.param("999", "The link asks for journey 999, which does not exist", id="unknown-id"),
        pytest.param("abc", "The link's `?journey=` is “abc”, which is not a journey id", id="not-a-number"),
        pytest.param("-3", "“-3”, which is not a journey id", id="negative"),
        pytest.param("**bold**" * 20, "“**bold**", id="markdown-cut-short"),
    ],
)
def test_a_bad_journey_in_the_link_is_a_message_and_the_default_is_shown(workspace, value, said):
    at = open_page("journey_map", query={"journey": value})
    assert not at.exception
    (warning,) = at.warning
    assert said in texts(at)
    assert "showing “Latest” instead" in warning.value
    assert len(warning.value) < 300
    assert picked(at, "journey_map") == workspace["Latest"]
    assert at.query_params["journey"] == str(workspace["Latest"])
    at.run()  # said once: the URL now names the journey shown
    assert "link" not in " ".join(w.value for w in at.warning)


def test_opening_a_journey_in_the_editor_carries_it_in_the_url(workspace):
    at = open_page("journeys")
    at.selectbox(key="journeys_manage").set_value(workspace["Older"]).run()
    at.button(key="journeys_open").click().run()
    assert not at.exception
    assert picked(at, "editor") == workspace["Older"]
    assert at.query_params["journey"] == str(workspace["Older"])
