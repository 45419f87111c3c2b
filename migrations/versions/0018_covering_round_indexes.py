"""a round's milestones and this week's updates counted from indexes alone (the round page's
totals and grouped timeline, built again after every change to the round's work)

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 14:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_wp_live', ['work_package_id', 'removed_at', 'due_on', 'done_at'],
                              unique=False)
        batch_op.drop_index('ix_milestones_work_package_id')
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index('ix_progress_updates_wp_created_live', ['work_package_id', 'created_at', 'withdrawn_at'],
                              unique=False)
        batch_op.drop_index('ix_progress_updates_wp_created')


def downgrade():
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index('ix_progress_updates_wp_created', ['work_package_id', 'created_at'], unique=False)
        batch_op.drop_index('ix_progress_updates_wp_created_live')
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.create_index('ix_milestones_work_package_id', ['work_package_id'], unique=False)
        batch_op.drop_index('ix_milestones_wp_live')
