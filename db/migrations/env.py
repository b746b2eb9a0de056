"""Alembic environment: runs on the engine handed in by db.migrate (batch mode on SQLite)."""

from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)
from db.engine import make_engine
from db.rollups import UNTRACKED

config = context.config
engine = config.attributes.get("engine") or make_engine()

with engine.begin() as connection:
    # The migrations fill metric_weekly and data_version themselves (0005): no bump, no marks.
    connection.execution_options(**{UNTRACKED: True})
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
