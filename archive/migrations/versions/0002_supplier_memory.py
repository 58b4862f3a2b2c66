"""supplier memory: a lesson per verified document, a note on learned fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 13:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supplier_lesson',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('supplier_key', sa.String(length=128), nullable=False),
    sa.Column('supplier_name', sa.String(length=512), nullable=True),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('lesson', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_supplier_lesson_document_id_document'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier_lesson')),
    sa.UniqueConstraint('document_id', name=op.f('uq_supplier_lesson_document_id'))
    )
    with op.batch_alter_table('supplier_lesson', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_lesson_supplier_key'), ['supplier_key'], unique=False)
    with op.batch_alter_table('field', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('field', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('supplier_lesson', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_lesson_supplier_key'))
    op.drop_table('supplier_lesson')
