"""an index on the open support requests, oldest first (staff's /mijn walks it and stops after a few)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

OPEN = sa.text("answered_at IS NULL AND withdrawn_at IS NULL")


def upgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.create_index('ix_support_requests_open_created', ['created_at', 'id'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_support_requests_open_created')
