"""Join the two branches of 0004: the weekly rollup (0005) and the segment metrics (0006)

Both were written beside each other on top of 0004; this revision makes them one line again, so a
database at either (or neither) upgrades to the same head. It changes nothing itself.

Revision ID: 0007
Revises: 0005, 0006
Create Date: 2026-12-01
"""

revision = "0007"
down_revision = ("0005", "0006")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
