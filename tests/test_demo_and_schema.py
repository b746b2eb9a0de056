"""First start loads the demo once; starting blank empties the workspace; migrations match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from db.migrate import is_current
from journey.plan import demo, journeys, personas


def test_first_start_loads_the_demo_and_never_again(session):
    assert demo.seed_on_first_start(session) is True
    assert len(journeys.list_journeys(session)) == 1
    assert len(personas.list_personas(session)) == 2
    journeys.delete_journey(session, journeys.list_journeys(session)[0].id)
    assert demo.seed_on_first_start(session) is False
    assert journeys.list_journeys(session) == []


def test_first_start_without_demo_leaves_the_workspace_empty(session):
    assert demo.seed_on_first_start(session, with_demo=False) is False
    assert journeys.list_journeys(session) == []
    assert demo.is_first_start(session) is False


def test_start_blank_removes_every_journey_and_persona(session):
    demo.load_demo(session)
    assert demo.start_blank(session) == 1
    assert journeys.list_journeys(session) == []
    assert personas.list_personas(session) == []


def test_the_migrations_create_exactly_the_tables_the_models_describe(migrated_db_url):
    from db.engine import make_engine

    engine = make_engine(migrated_db_url)
    assert is_current(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(tmp_path):
    from db.engine import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_postgres_urls_use_psycopg_3():
    from db.engine import database_url

    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
