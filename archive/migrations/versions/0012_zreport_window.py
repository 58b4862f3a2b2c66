"""an index for an outlet's Z-reports by day: the outlet page reads its last weeks of them

``ix_document_type_date`` (type, day) made the outlet page walk every outlet's Z-reports of the window, or
``ix_document_outlet_status`` every document of the outlet; with the outlet between type and day the page's
window of Z-reports, and its latest day, are one index range.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 23:50:00
"""

from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_document_type_outlet_date", "document", ["doc_type", "outlet_id", "doc_date"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_document_type_outlet_date", table_name="document")
