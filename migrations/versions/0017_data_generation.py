"""the generation of all data: one row that every transaction that wrote anything moves (a
logged-in person's pages kept per process under it)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-27 13:10:00

"""
import time

import sqlalchemy as sa
from alembic import op

import leernetwerk.database

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    state = op.create_table('data_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('generation', sa.BigInteger(), nullable=False),
    sa.Column('changed_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_state'))
    )
    op.bulk_insert(state, [{'id': 1, 'generation': time.time_ns() // 1000}])


def downgrade():
    op.drop_table('data_state')
