"""approval routes: a document's approval and its steps, each step a task

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 17:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by', sa.String(length=128), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'],
                            name=op.f('fk_approval_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval'))
    )
    with op.batch_alter_table('approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_state'), ['state'], unique=False)

    op.create_table('approval_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('approval_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('assignee', sa.String(length=128), nullable=True),
    sa.Column('group', sa.String(length=128), nullable=True),
    sa.Column('due_days', sa.Float(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=128), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approval_id'], ['approval.id'],
                            name=op.f('fk_approval_step_approval_id_approval'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['task_id'], ['task.id'], name=op.f('fk_approval_step_task_id_task'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_step'))
    )
    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_step_approval_id'), ['approval_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_step_approval_id'))

    op.drop_table('approval_step')
    with op.batch_alter_table('approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_state'))
        batch_op.drop_index(batch_op.f('ix_approval_document_id'))

    op.drop_table('approval')
