"""the document list sorted by type: the type's index carries the id

The list sorted by type pages by (doc_type, id). SQLite's index on doc_type holds each row's id already (the
rowid), but PostgreSQL's does not: for each page it read and sorted by id every document of the first type
in the page (a seventh of the archive; 76–103 ms at 1,000,000 documents). (doc_type, id) replaces the index
on doc_type alone, which it also answers for every equality on the type.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 14:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_document_type_id", "document", ["doc_type", "id"], unique=False)
    op.drop_index("ix_document_doc_type", table_name="document")
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and bind.execute(
            sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        # an analysed archive: without its figures the planner takes the new index for a selective one and
        # reads a whole type through it instead of (type, outlet, date) for an outlet's Z-reports (117 ms a
        # page at 1M instead of 25)
        op.execute("ANALYZE ix_document_type_id")


def downgrade() -> None:
    op.create_index("ix_document_doc_type", "document", ["doc_type"], unique=False)
    op.drop_index("ix_document_type_id", table_name="document")
