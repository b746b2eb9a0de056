"""Who changed what: `updated_by` on every editable row, and the activity log

Every editable table (persona, journey, stage, email, email_variant, snippet, weekly_note, setting,
and user_account, versioned like them) gets `updated_by`, the label of whoever last wrote the row ("" for the rows written before this
revision: nobody recorded it). The `activity` table keeps one row per change (db.audit writes it in
the change's own transaction).

Revision ID: 0009
Revises: 0008 (written on 0007; on 0008 once merged with the accounts)
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

EDITABLE = (
    "persona",
    "journey",
    "stage",
    "email",
    "email_variant",
    "snippet",
    "weekly_note",
    "setting",
    "user_account",
)


def upgrade() -> None:
    for table in EDITABLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "updated_by",
                    sqlmodel.sql.sqltypes.AutoString(length=200),
                    nullable=False,
                    server_default="",
                )
            )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("actor_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("object_id", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("object_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("journey_id", sa.Integer(), nullable=True),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_activity_at", "activity", ["at"])
    op.create_index("ix_activity_journey_id", "activity", ["journey_id"])


def downgrade() -> None:
    op.drop_index("ix_activity_journey_id", table_name="activity")
    op.drop_index("ix_activity_at", table_name="activity")
    op.drop_table("activity")
    for table in EDITABLE:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("updated_by")
