"""progress updates: an index on (work package, moment), for each package's latest update

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 22:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.create_index('ix_progress_updates_wp_created', ['work_package_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('progress_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_updates_wp_created')
