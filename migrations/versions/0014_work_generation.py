"""the generation of the rounds' work: one row that every change to round work moves (round
totals kept per process); an index for the oldest end products waiting for review

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 01:20:00

"""
import time
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import leernetwerk.database

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table('work_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_state'))
    )
    op.bulk_insert(state, [{'id': 1, 'generation': time.time_ns() // 1000,
                            'changed_at': datetime.now(timezone.utc)}])
    with op.batch_alter_table('deliverable_versions', schema=None) as batch_op:
        batch_op.create_index('ix_deliverable_versions_status_submitted', ['status', 'submitted_at', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('deliverable_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_deliverable_versions_status_submitted')
    op.drop_table('work_state')
