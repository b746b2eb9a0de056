"""The test databases are what the migrations make: a copied SQLite template, an emptied PostgreSQL schema."""

from __future__ import annotations

import pytest
from conftest import BACKENDS
from sqlalchemy import inspect

from db.engine import make_engine
from db.migrate import is_current


def schema_of(url: str) -> dict[str, dict]:
    """Every table with its columns, keys, indexes and constraints, as plain data to compare."""
    engine = make_engine(url)
    try:
        inspector = inspect(engine)
        tables = {}
        for table in sorted(inspector.get_table_names()):
            tables[table] = {
                "columns": [
                    (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                    for c in inspector.get_columns(table)
                ],
                "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                "foreign_keys": sorted(
                    (
                        tuple(fk["constrained_columns"]),
                        fk["referred_table"],
                        tuple(fk["referred_columns"]),
                        str(fk.get("options")),
                    )
                    for fk in inspector.get_foreign_keys(table)
                ),
                "indexes": sorted(
                    (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                    for i in inspector.get_indexes(table)
                ),
                "unique": sorted(
                    (u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)
                ),
                "checks": sorted((c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table)),
            }
        with engine.connect() as connection:
            tables["alembic_version"]["rows"] = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).all()
        return tables
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("db_url", "migrated_db_url"),
    [pytest.param(backend, backend, id=backend) for backend in (p.values[0] for p in BACKENDS)],
    indirect=True,
)
def test_the_fast_test_database_is_the_migrated_one(db_url, migrated_db_url):
    assert schema_of(db_url) == schema_of(migrated_db_url)
    assert len(schema_of(db_url)) >= 8  # the tables are there, not two empty databases
    engine = make_engine(db_url)
    try:
        assert is_current(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("db_url", [p for p in BACKENDS], indirect=True)
@pytest.mark.parametrize("turn", ["writes", "finds-it-empty"])
def test_each_test_starts_on_empty_tables_with_ids_from_one(db_url, turn):
    """Two tests on the same worker: whatever the first wrote, the second starts from nothing (ids too)."""
    from sqlmodel import Session, select

    from db.models import Persona

    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            assert session.exec(select(Persona)).all() == []
            session.add(Persona(name=f"Olivia {turn}"))
            session.commit()
            assert session.exec(select(Persona.id)).one() == 1
    finally:
        engine.dispose()
