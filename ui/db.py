"""The workspace's database for the app: one cached engine, one session (one transaction) per use.

`db_session()` is a read (db.engine.read_scope): on SQLite it begins a deferred transaction, which in
WAL mode takes no lock, so a rerun that only reads never waits for a teammate's save or import, and
never holds one up; its session refuses to write. `write_session()` is the write (BEGIN IMMEDIATE on
SQLite), used by ui.writes.run_write only: pages write through run_write, never here. It acts as the
signed-in user (ui.auth.current_actor()), so a viewer's write is refused by the services' guard.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session

from db.engine import database_url, make_engine, read_scope, session_scope
from db.migrate import migration_lock, upgrade
from journey.core.access import act_as
from journey.plan import bin as journey_bin
from journey.plan import demo


@st.cache_resource(show_spinner="Opening the workspace…")
def _engine_for(url: str) -> Engine:
    """One engine per database URL: migrated, and seeded with the demo on a first start.

    Under the migration lock: replicas starting at once against one PostgreSQL take turns, so only the
    first migrates and seeds (db/migrate.py). Then the bin's expired journeys are purged."""
    engine = make_engine(url)
    with migration_lock(engine):
        upgrade(engine)
        with session_scope(engine) as session:
            demo.seed_on_first_start(session, with_demo=os.environ.get("JOURNEY_SEED_DEMO", "1") != "0")
            journey_bin.purge_bin(session)  # journeys 30 days in the bin are deleted for good
    return engine


def get_engine() -> Engine:
    return _engine_for(database_url())


@contextmanager
def db_session() -> Iterator[Session]:
    """A read-only session for this rerun: one snapshot of the database, no lock taken."""
    with read_scope(get_engine()) as session:
        yield session


@contextmanager
def write_session() -> Iterator[Session]:
    """A session for one write, as the signed-in user: one transaction, committed when the block ends
    without error."""
    with session_scope(get_engine()) as session:
        from ui.auth import current_actor  # here, not at the top: ui.auth reads through this module

        act_as(session, current_actor())
        yield session
