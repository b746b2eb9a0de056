"""Covering index for metric aggregation

The weekly report and the charts join stage -> email -> metric_daily by email_id and a
day range and SUM every count. With (email_id, day) first and every summed column in the
index, SQLite and PostgreSQL answer from the index alone instead of looking each row up in
the table. ix_metric_day_email stays for scans by date across emails (PostgreSQL's
planner prefers it for one week over many emails).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COVERED = [
    "email_id",
    "day",
    "variant",
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


def upgrade() -> None:
    with op.batch_alter_table("metric_daily") as batch_op:
        batch_op.create_index("ix_metric_email_day_covering", COVERED)


def downgrade() -> None:
    with op.batch_alter_table("metric_daily") as batch_op:
        batch_op.drop_index("ix_metric_email_day_covering")
