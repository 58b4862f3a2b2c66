"""an index that `finarchive stats` counts the intake ledger in (by source and outcome), not the table

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 21:00:00
"""

from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_intake_source_outcome", "intake_record", ["source", "outcome"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_intake_source_outcome", table_name="intake_record")
