"""an index for the document list filtered by type, newest first

The list's default order is by arrival (created_at, id); filtered by type, the database read every document
of the type (a seventh of the archive) and sorted them for each page. With (type, arrival, id) a page is one
index range, as the outlet filter's ``ix_document_outlet_created`` and the status filter's
``ix_document_queue`` already are.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:45:00
"""

from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_document_type_created", "document", ["doc_type", "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_document_type_created", table_name="document")
