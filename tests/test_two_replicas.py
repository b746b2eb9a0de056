"""Several app replicas against one PostgreSQL (issue 12, point 6): what compose.yaml runs.

- Two `streamlit run serve.py` processes on one fresh schema: the first page of each migrates and seeds
  it (one of them, under db.migrate.migration_lock); a persona created through one replica's page shows on
  the other's, whose page had been drawn (and its loaders cached) before the edit.
- The migration lock itself: an upgrade waits while another process holds it, and upgrades started at
  once on an empty schema all succeed with one schema and one demo.

PostgreSQL only (TEST_DATABASE_URL): on SQLite replicas on one file are not a deployment we offer.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest
from browser_support import ROOT, start_streamlit, stop_streamlit, wait_for_app
from conftest import PG_URL, pg_schema
from sqlmodel import select

from db.engine import make_engine, session_scope
from db.migrate import is_current, migration_lock, upgrade
from db.models import Journey

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (a PostgreSQL to share)")

COOKIE_SECRET = "two-replicas-test-secret-0123456789abcdef"


def _waiting_for_advisory_lock(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).scalar_one()


def test_an_upgrade_waits_while_another_process_holds_the_migration_lock():
    with pg_schema() as url:
        holder, upgrader = make_engine(url), make_engine(url)
        done = threading.Event()
        worker = threading.Thread(target=lambda: (upgrade(upgrader), done.set()))
        try:
            with migration_lock(holder):
                worker.start()
                # the upgrade is seen queued on the lock (polled: no fixed sleep), and has not run
                while not _waiting_for_advisory_lock(holder):
                    assert worker.is_alive(), "the upgrade ended without waiting for the lock"
                    time.sleep(0.05)
                assert not done.is_set()
                assert not is_current(holder)
            worker.join(timeout=120)
            assert done.is_set()
            assert is_current(holder)
        finally:
            worker.join(timeout=120)
            holder.dispose()
            upgrader.dispose()


# One replica's start as ui/db.py does it on its first page (migrate, then seed a first start, under the
# lock), in a process of its own (Alembic's context is per process), begun when the test says "go".
REPLICA_START = """
import sys
from db.engine import make_engine, session_scope
from db.migrate import migration_lock, upgrade
from journey.plan import demo

engine = make_engine(sys.argv[1])
sys.stdin.readline()
with migration_lock(engine):
    upgrade(engine)
    with session_scope(engine) as session:
        print(demo.seed_on_first_start(session))
"""


def test_replicas_starting_at_once_migrate_and_seed_one_schema_once():
    with pg_schema() as url:
        replicas = [
            subprocess.Popen(
                [sys.executable, "-c", REPLICA_START, url],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(3)
        ]
        for replica in replicas:  # all imported and connected; now all at once
            replica.stdin.write("go\n")
            replica.stdin.flush()
        outputs = [replica.communicate(timeout=120)[0] for replica in replicas]
        assert [replica.returncode for replica in replicas] == [0, 0, 0], outputs
        assert sorted(output.strip() for output in outputs) == ["False", "False", "True"]  # one seeded
        engine = make_engine(url)
        try:
            assert is_current(engine)
            with session_scope(engine) as session:
                names = session.exec(select(Journey.name)).all()
            assert names == ["Office coffee subscription"]
        finally:
            engine.dispose()


@pytest.mark.browser
def test_an_edit_made_through_one_replica_shows_in_the_other(tmp_path, page):
    with pg_schema() as url:
        env = {"DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET}
        for folder in ("one", "two"):  # each replica's log; the database is the shared schema
            (tmp_path / folder).mkdir()
        first_url, first = start_streamlit(tmp_path / "one", **env)
        try:
            second_url, second = start_streamlit(tmp_path / "two", **env)
        except BaseException:
            stop_streamlit(first)
            raise
        try:
            page.goto(f"{second_url}/personas")  # the second replica draws (and caches) the personas first
            wait_for_app(page)
            page.get_by_role("heading", name="Personas", exact=True).wait_for()
            assert page.get_by_text("Rosa the retailer").count() == 0

            page.goto(f"{first_url}/personas")
            wait_for_app(page)
            page.get_by_label("Name", exact=True).fill("Rosa the retailer")
            page.get_by_role("button", name="Create persona").click()
            page.get_by_text("Rosa the retailer").first.wait_for()

            page.goto(f"{second_url}/personas")
            wait_for_app(page)
            page.get_by_text("Rosa the retailer").first.wait_for()
        finally:
            stop_streamlit(first)
            stop_streamlit(second)
