"""the archive's counts kept by its commits: `finarchive stats` reads them instead of counting the tables

Each count (documents by status, type and outlet, pages, originals by state, intake by source and outcome)
is the sum of its rows in ``archive_count``, which triggers on the counted tables write in the transaction
of each change (archive/counts.py). The counts are taken from the tables once here.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 06:30:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from archive.counts import create_triggers, recount

    columns: dict[str, sa.types.TypeEngine[Any]] = {
        "id": sa.Integer(), "kind": sa.String(length=16), "key": sa.String(length=64),
        "sub": sa.String(length=32), "n": sa.Integer()}
    op.create_table("archive_count", *(sa.Column(name, kind, nullable=False) for name, kind in columns.items()),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_count")))
    op.create_index("ix_archive_count_kind_key", "archive_count", ["kind", "key"], unique=False)
    conn = op.get_bind()
    create_triggers(conn)
    recount(Session(bind=conn))


def downgrade() -> None:
    from archive.counts import drop_triggers

    drop_triggers(op.get_bind())
    op.drop_table("archive_count")
