"""Shared fixtures: a migrated database on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

- `db_url`: a fresh, migrated database per test (a copy of a SQLite file migrated once per
  test process, or a PostgreSQL schema migrated once per test process whose tables are emptied,
  ids restarted, before each test).
- `migrated_db_url`: the same, migrated by Alembic in the test itself (for tests of the migrations).
- `engine`, `session`: on `db_url`'s database.
- `app_db`: the same for AppTest: DATABASE_URL points at a fresh SQLite file and
  the demo is not seeded unless a test asks for it.
- `cli` (from support.py): run `python -m journey …` in this process.
- `inbox` (from support.py): a real SMTP server on loopback that keeps what it receives.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from db.engine import make_engine
from db.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
APP_PATH = str(ROOT / "app.py")
PG_URL = os.environ.get("TEST_DATABASE_URL")

BACKENDS = [pytest.param("sqlite", id="sqlite")]
if PG_URL:
    BACKENDS.append(pytest.param("postgresql", id="postgresql"))


def _pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    # Test connections skip the WAL flush at commit (synchronous_commit=off): same results, less I/O.
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"


@contextmanager
def pg_schema() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema (its URL), dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield _pg_schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file migrated to the latest revision once per test process; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    assert not Path(f"{path}-wal").exists()  # checkpointed on close: the .db file is the whole database
    return path


@pytest.fixture(scope="session")
def pg_worker_schema() -> Iterator[tuple[str, Engine]]:
    """A PostgreSQL schema migrated by Alembic once per test process: its URL and an engine on it."""
    with pg_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        yield url, engine
        engine.dispose()


def empty_tables(engine: Engine) -> None:
    """Delete every row (children first) and restart the id sequences: a freshly migrated database.

    Each test's rows are few, so plain DELETEs take a few milliseconds, where TRUNCATE (new files for
    every table) or a new schema with its migrations take tens to hundreds. alembic_version is not a
    model table, so it keeps the revision. A lock timeout makes a test that left a transaction open
    fail here, loudly, instead of hanging.
    """
    from sqlmodel import SQLModel

    import db.models  # noqa: F401  (registers the tables)

    with engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
        sequences = connection.exec_driver_sql(
            "SELECT quote_ident(sequence_name) FROM information_schema.sequences "
            "WHERE sequence_schema = current_schema()"
        ).scalars()
        for sequence in sequences.all():
            connection.exec_driver_sql(f"ALTER SEQUENCE {sequence} RESTART")


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh database at the latest migration, on each backend under test.

    SQLite: a copy of the once-migrated template file. PostgreSQL: this test process's migrated
    schema with every table emptied and every id sequence restarted before the test.
    """
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url, worker_engine = request.getfixturevalue("pg_worker_schema")
    empty_tables(worker_engine)
    yield url


@pytest.fixture(params=BACKENDS)
def migrated_db_url(request, tmp_path) -> Iterator[str]:
    """A fresh database that Alembic migrated right here (for the tests of the migrations themselves)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    with pg_schema() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture
def app_db(tmp_path, monkeypatch, sqlite_template) -> str:
    """DATABASE_URL for an AppTest: a fresh (migrated) SQLite file, demo not seeded on first start."""
    shutil.copyfile(sqlite_template, tmp_path / "app.db")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JOURNEY_SEED_DEMO", "0")
    return url


# Real-browser fixtures (tests marked `browser`) and the in-process CLI runner, for every test module.
from browser_support import app_url, browser, browser_context, page, start_app  # noqa: E402, F401
from support import cli, inbox, smtp_env  # noqa: E402, F401


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` can screenshot failures."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# Hypothesis: the "ci" profile (the default) runs a fixed, bounded set of examples, the same on every run
# (derandomize), so a failure reproduces and `make test` stays steady; "thorough" runs many more, new ones
# each time, by hand: HYPOTHESIS_PROFILE=thorough .venv/bin/python -m pytest tests/test_fuzz_*.py -q.
# `deadline` bounds each example (a time bound with a wide margin: examples take milliseconds); tests
# that set their own settings (test_hostile_liquid.py) keep them.
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=5_000,  # ms
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
hypothesis_settings.register_profile(
    "thorough",
    max_examples=2_000,
    deadline=5_000,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
