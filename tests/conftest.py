"""Shared fixtures: a migrated database on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.

- `db_url`: a fresh, migrated database per test (a temp SQLite file, or a fresh
  PostgreSQL schema that is dropped afterwards).
- `engine`, `session`: on that database.
- `app_db`: the same for AppTest: DATABASE_URL points at a fresh SQLite file and
  the demo is not seeded unless a test asks for it.
- `cli` (from support.py): run `python -m journey …` in this process.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A fresh database at the latest migration, on each backend under test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = _pg_schema_url(schema)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


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
def app_db(tmp_path, monkeypatch) -> str:
    """DATABASE_URL for an AppTest: a fresh SQLite file, demo not seeded on first start."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("JOURNEY_SEED_DEMO", "0")
    return url


# Real-browser fixtures (tests marked `browser`) and the in-process CLI runner, for every test module.
from browser_support import app_url, browser, page, start_app  # noqa: E402, F401
from support import cli  # noqa: E402, F401


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so `page` can screenshot failures."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
