"""The weekly rollup and the data version

metric_weekly holds metric_daily summed per email, variant and ISO week (its Monday); the weekly
queries read it instead of scanning days, and every write to metric_daily recomputes the weekly rows
it touched in the same transaction (db.rollups). data_version is one row that every committed write
bumps: the caches' stamp, read by primary key instead of max(imported_at) and a dozen counts.
This migration fills metric_weekly from metric_daily and starts the version at 1.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FIELDS = [
    "sent",
    "delivered",
    "opens",
    "machine_opens",
    "clicks",
    "conversions",
    "unsubscribes",
    "bounces",
    "complaints",
    "revenue",
]
MONDAY = {
    "sqlite": "date(day, 'weekday 0', '-6 days')",
    "postgresql": "CAST(date_trunc('week', day) AS DATE)",
}


def upgrade() -> None:
    op.create_table(
        "metric_weekly",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("variant", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in FIELDS[:-1]),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["email_id"], ["email.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_id", "variant", "week_start", name="uq_metric_weekly_email_variant_week"),
    )
    with op.batch_alter_table("metric_weekly") as batch_op:
        batch_op.create_index(
            "ix_metric_weekly_email_week_covering", ["email_id", "week_start", "variant", *FIELDS]
        )
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    monday = MONDAY[op.get_bind().dialect.name]
    sums = ", ".join(f"SUM({name})" for name in FIELDS)
    op.execute(
        f"INSERT INTO metric_weekly (email_id, variant, week_start, {', '.join(FIELDS)}) "
        f"SELECT email_id, variant, {monday}, {sums} FROM metric_daily GROUP BY email_id, variant, {monday}"
    )
    op.execute("INSERT INTO data_version (id, counter) VALUES (1, 1)")


def downgrade() -> None:
    op.drop_table("data_version")
    with op.batch_alter_table("metric_weekly") as batch_op:
        batch_op.drop_index("ix_metric_weekly_email_week_covering")
    op.drop_table("metric_weekly")
