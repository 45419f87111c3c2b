"""the library's generation: one row that every visible change moves (HTTP caching, page cache);
an index for the library newest first without a visibility filter

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 22:10:00

"""
import time
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import leernetwerk.database

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table('library_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_state'))
    )
    op.bulk_insert(state, [{'id': 1, 'generation': time.time_ns() // 1000,
                            'changed_at': datetime.now(timezone.utc)}])
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index('ix_library_entries_published', ['published_at', 'deliverable_id'], unique=False)


def downgrade():
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_library_entries_published')
    op.drop_table('library_state')
