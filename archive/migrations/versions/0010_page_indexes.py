"""indexes for the pages at a million documents: each list's equality filters, then its sort key and id

The review queue (status, then outlet or type, by arrival), an outlet's page (its documents newest first,
its counts by status, its rejected and its intake problems), the originals desk (what is owed, by outlet
and due date) and the document list's date and amount filters and sorts. Each page is then one index seek
however large the archive (archive/paging.py pages by these keys). ``ix_document_status_created`` gives
way to the same index with the id, which PostgreSQL needs to page by (created_at, id) without sorting.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 20:10:00
"""

from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# (table, name, columns): the same as the models' Index(...) entries
INDEXES = [
    ("document", "ix_document_queue", ["status", "created_at", "id"]),
    ("document", "ix_document_queue_outlet", ["status", "outlet_id", "created_at", "id"]),
    ("document", "ix_document_queue_type", ["status", "doc_type", "created_at", "id"]),
    ("document", "ix_document_outlet_created", ["outlet_id", "created_at", "id"]),
    ("document", "ix_document_outlet_status", ["outlet_id", "status"]),
    ("document", "ix_document_doc_date", ["doc_date"]),
    ("document", "ix_document_total", ["total"]),
    ("original", "ix_original_owed", ["state", "outlet_id", "due_date", "id"]),
    ("intake_record", "ix_intake_outlet_outcome", ["outlet_code", "outcome", "id"]),
]


def upgrade() -> None:
    op.drop_index("ix_document_status_created", table_name="document")
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.create_index("ix_document_status_created", "document", ["status", "created_at"], unique=False)
