"""The Journeys page's Bin (AppTest): a deleted journey is listed with who, when and days left, gone
from the picker; Restore brings it back; Delete for good needs a confirm; only owners act on it."""

from datetime import UTC, datetime, timedelta

import pytest
from support import in_db, make_journey, open_page, texts

from journey.core.access import Actor, Role, act_as
from journey.measure import weeks
from journey.plan import bin as journey_bin
from journey.plan import journeys

DELETED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def binned(app_db, monkeypatch):
    """Two journeys, "Kept" and "Spring", Spring deleted by Sam 10 days ago."""
    monkeypatch.setattr(weeks, "utc_now", lambda: DELETED)
    with in_db(app_db) as session:
        make_journey(session, "Kept", stages=["Awareness"])
        spring = make_journey(session, "Spring", stages={"Awareness": ["Welcome"]})
        act_as(session, Actor(email="sam@team.example", role=Role.editor, name="Sam"))
        journeys.delete_journey(session, spring.id)
    monkeypatch.setattr(weeks, "utc_now", lambda: DELETED + timedelta(days=10))
    return {"url": app_db, "spring": spring.id}


def test_the_bin_lists_a_deleted_journey_that_every_picker_has_lost(binned):
    at = open_page("journeys")
    assert not at.exception
    assert list(at.dataframe[0].value["Journey"]) == ["Kept"]
    assert list(at.selectbox(key="journeys_manage").options) == ["Kept"]
    shown = texts(at)
    assert "Bin (1)" in [e.label for e in at.expander][-2]
    assert "**Spring** · 1 stage, 1 email" in shown
    assert "Deleted by Sam on 01 Jun 2026, 09:00 UTC · 20 days left" in shown


def test_restore_brings_it_back(binned):
    at = open_page("journeys")
    at.button(key=f"bin_restore_{binned['spring']}").click().run()
    assert not at.exception
    with in_db(binned["url"]) as session:
        assert [s.name for s in journeys.list_journeys(session)] == ["Kept", "Spring"]
        assert journey_bin.list_bin(session) == []
    assert "Spring" in list(at.selectbox(key="journeys_manage").options)


def test_delete_for_good_needs_the_confirm(binned):
    at = open_page("journeys")
    assert at.button(key=f"bin_delete_{binned['spring']}").disabled
    at.checkbox(key=f"bin_confirm_{binned['spring']}").check().run()
    at.button(key=f"bin_delete_{binned['spring']}").click().run()
    assert not at.exception
    with in_db(binned["url"]) as session:
        assert journey_bin.list_bin(session) == []
        journeys.create_journey(session, name="Spring", template="blank")  # its name is free again


def test_a_deleted_journeys_link_is_not_found(binned):
    at = open_page("journey_map", query={"journey": str(binned["spring"])})
    assert not at.exception
    assert f"The link asks for journey {binned['spring']}, which does not exist" in texts(at)
    assert "Spring" not in [o for s in at.selectbox for o in s.options]


def test_an_editor_sees_how_many_journeys_the_bin_holds_but_cannot_restore(binned):
    at = open_page("journeys", actor=Actor(email="e@team.example", role=Role.editor))
    assert not at.exception
    assert "1 journey in the bin: an owner of the workspace can restore them." in texts(at)
    assert not [b for b in at.button if b.key and b.key.startswith("bin_")]


def test_the_app_purges_the_bin_when_it_starts(app_db, monkeypatch):
    """ui.db opens a database (once per URL per process) and deletes what has been 30 days in the bin."""
    monkeypatch.setattr(weeks, "utc_now", lambda: DELETED)
    with in_db(app_db) as session:
        old = make_journey(session, "Old", stages=["Awareness"]).id
        recent = make_journey(session, "Recent", stages=["Awareness"]).id
        journeys.delete_journey(session, old)
    monkeypatch.setattr(weeks, "utc_now", lambda: DELETED + timedelta(days=25))
    with in_db(app_db) as session:
        journeys.delete_journey(session, recent)
    monkeypatch.setattr(weeks, "utc_now", lambda: DELETED + timedelta(days=31))
    at = open_page("journeys")
    assert not at.exception
    with in_db(app_db) as session:
        assert [item.name for item in journey_bin.list_bin(session)] == ["Recent"]
    assert "Bin (1)" in [e.label for e in at.expander][-2]
