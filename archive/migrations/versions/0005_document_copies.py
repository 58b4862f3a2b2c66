"""document copies: a scan and its electronic (ЭДО) copy linked, with the fields they give differently

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 17:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_copy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('paper_id', sa.Integer(), nullable=False),
    sa.Column('electronic_id', sa.Integer(), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['paper_id'], ['document.id'], name=op.f('fk_document_copy_paper_id_document'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['electronic_id'], ['document.id'], name=op.f('fk_document_copy_electronic_id_document'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_copy')),
    sa.UniqueConstraint('paper_id', 'electronic_id', name='uq_document_copy_pair')
    )
    with op.batch_alter_table('document_copy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_copy_paper_id'), ['paper_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_copy_electronic_id'), ['electronic_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('document_copy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_copy_electronic_id'))
        batch_op.drop_index(batch_op.f('ix_document_copy_paper_id'))
    op.drop_table('document_copy')
