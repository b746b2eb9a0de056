"""Per-email version history (email_version) and the journey bin (journey.deleted_at, deleted_by)

Every email's creation and save is kept as a row of email_version (journey.write.history); a deleted
journey is moved to the bin (journey.plan.bin) for 30 days instead of being deleted. Existing emails get
their current state as their first version, saved by "before history was kept".

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

FIELDS = (
    "name",
    "purpose",
    "trigger",
    "trigger_detail",
    "delay_hours",
    "subject",
    "preheader",
    "mjml",
    "cta_label",
    "cta_url",
    "status",
)


def upgrade() -> None:
    # Added in place (ALTER TABLE … ADD COLUMN): batch mode never copies the journey table here.
    with op.batch_alter_table("journey") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "deleted_by",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
    op.create_table(
        "email_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("saved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("changed", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("trigger", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("trigger_detail", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("delay_hours", sa.Integer(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("preheader", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("mjml", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("cta_label", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("cta_url", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.ForeignKeyConstraint(["email_id"], ["email.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email_id", "number", name="uq_email_version_number"),
    )
    columns = ", ".join(FIELDS)
    op.execute(
        "INSERT INTO email_version (email_id, number, saved_at, saved_by, changed, "
        f"{columns}) SELECT id, version, updated_at, 'before history was kept', 'first version kept', "
        f"{columns} FROM email"
    )


def downgrade() -> None:
    op.drop_table("email_version")
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+): batch mode would copy the journey table and drop
    # the old one, and with foreign keys on that DROP would cascade to every stage and email.
    op.execute("ALTER TABLE journey DROP COLUMN deleted_by")
    op.execute("ALTER TABLE journey DROP COLUMN deleted_at")
