"""counterparty dossiers: documents filed into a counterparty's dossier by hand

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 19:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('counterparty_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                            name=op.f('fk_counterparty_document_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_counterparty_document')),
    sa.UniqueConstraint('inn', 'document_id', name=op.f('uq_counterparty_document_inn'))
    )
    with op.batch_alter_table('counterparty_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_counterparty_document_inn'), ['inn'], unique=False)
        batch_op.create_index(batch_op.f('ix_counterparty_document_document_id'), ['document_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('counterparty_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_counterparty_document_document_id'))
        batch_op.drop_index(batch_op.f('ix_counterparty_document_inn'))
    op.drop_table('counterparty_document')
