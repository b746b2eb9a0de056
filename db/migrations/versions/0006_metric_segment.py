"""Per-segment metrics: metric_segment_daily

Where an import carries a segment (the generic CSV's `segment` column, a mapped column, Klaviyo's
list or audiences column), each email, variant and day is also kept per segment, with the same counts
as metric_daily; metric_daily keeps their sum, as before. The weekly review's "By segment" table reads it.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

COUNTS = (
    "sent",
    "delivered",
    "opens",
    "machine_opens",
    "clicks",
    "conversions",
    "unsubscribes",
    "bounces",
    "complaints",
)


def upgrade() -> None:
    op.create_table(
        "metric_segment_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("variant", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("segment", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["email_id"], ["email.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_id", "day", "variant", "segment", name="uq_metric_segment_email_day"),
    )
    with op.batch_alter_table("metric_segment_daily") as batch_op:
        batch_op.create_index("ix_metric_segment_day_email", ["day", "email_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("metric_segment_daily") as batch_op:
        batch_op.drop_index("ix_metric_segment_day_email")
    op.drop_table("metric_segment_daily")
