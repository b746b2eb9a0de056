"""Hostile concurrency: the pages while another session holds SQLite's write lock (issue 13, point 4).

A teammate's long import or save holds the one write lock of the SQLite file. Pages only read
(ui.db.db_session begins deferred), so each still renders from the last committed snapshot; a save
(ui.writes.run_write) that waits out the busy timeout is refused with a clear message, the input kept.
The busy timeout is cut to 200 ms here: a page that took the lock would fail at once, not after 10 s.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from concurrency_support import UNCOMMITTED, import_holding_the_lock, write_lock_held
from sqlalchemy import Engine, event
from support import click, in_db, open_page, texts

from db import engine as db_engine
from journey.core.errors import DatabaseBusy
from journey.plan import demo, journeys, personas
from ui.navigation import PAGES

READ_PAGES = [spec.key for spec in PAGES]


@pytest.fixture
def workspace(app_db, monkeypatch) -> Path:
    """The demo workspace in the page tests' SQLite file, with a 200 ms busy timeout; the file's path."""
    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 200)
    with in_db(app_db) as session:
        demo.load_demo(session)
    open_page("journeys")  # opens (migrates, caches) the app's engine before any lock is taken
    return Path(app_db.removeprefix("sqlite:///"))


@contextmanager
def statements_sent() -> Iterator[list[str]]:
    """Every SQL statement any engine sends while the block runs."""
    sent: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@pytest.mark.parametrize("page", READ_PAGES)
def test_every_page_renders_while_another_session_holds_the_write_lock(workspace, page):
    with write_lock_held(workspace):
        at = open_page(page)
        assert not at.exception, at.exception
        assert DatabaseBusy.MESSAGE not in texts(at)
        assert UNCOMMITTED not in texts(at)  # the last committed snapshot, not the writer's rows


@pytest.mark.parametrize("page", READ_PAGES)
def test_a_rerun_that_only_reads_begins_no_immediate_transaction(workspace, page):
    at = open_page(page)
    with statements_sent() as sent:
        at.run()
    assert not at.exception
    begins = [s for s in sent if s.startswith("BEGIN")]
    assert begins
    assert set(begins) == {"BEGIN"}


def test_a_save_while_the_database_is_busy_says_so_and_keeps_the_input(workspace):
    at = open_page("personas")
    at.text_input(key="personas_name").input("Maya the maker")
    with write_lock_held(workspace):
        click(at, "Create persona")
        assert not at.exception
        assert DatabaseBusy.MESSAGE in texts(at)
        assert at.text_input(key="personas_name").value == "Maya the maker"
    click(at, "Create persona")  # the lock is gone: the same click saves
    assert not at.exception
    with in_db(f"sqlite:///{workspace}") as session:
        assert "Maya the maker" in [p.name for p in personas.list_personas(session)]


def test_the_journeys_page_renders_under_a_long_journey_import(workspace):
    with in_db(f"sqlite:///{workspace}") as session:
        (the_demo,) = [j.name for j in journeys.list_journeys(session)]
    with import_holding_the_lock(workspace):
        at = open_page("journeys")
        assert not at.exception
        assert list(at.dataframe[0].value["Journey"]) == [the_demo]
    at = open_page("journeys")
    table = at.dataframe[0].value
    assert sorted(table["Journey"]) == sorted(["Long import", the_demo])
    assert dict(zip(table["Journey"], table["Stages"], strict=True))["Long import"] == 5_000


@pytest.mark.parametrize("command", ["import-journey", "init"])
def test_a_cli_write_while_the_database_is_busy_is_one_line_not_a_traceback(
    workspace, cli, tmp_path, command
):
    url = f"sqlite:///{workspace}"
    exported = tmp_path / "journey.json"
    cli("export", "--journey", "Office coffee subscription", "-o", str(exported), db=url, check=True)
    args = {"import-journey": ["import-journey", str(exported), "--name", "Copy"], "init": ["init"]}[command]
    with write_lock_held(workspace):
        done = cli(*args, db=url)
    assert done.returncode == 1
    assert done.stderr == f"error: {DatabaseBusy.MESSAGE}\n"
    with in_db(f"sqlite:///{workspace}") as session:
        assert [j.name for j in journeys.list_journeys(session)] == ["Office coffee subscription"]
