"""own content: removed milestones, edited and withdrawn updates and support requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 19:10:00

"""
from alembic import op
import sqlalchemy as sa
import leernetwerk.database


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_milestones_removed_by_id_users'), 'users', ['removed_by_id'], ['id'])

    for table in ('progress_updates', 'support_requests'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('edited_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column('withdrawn_at', leernetwerk.database.UTCDateTime(timezone=True),
                                          nullable=True))
            batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), 'users',
                                        ['withdrawn_by_id'], ['id'])


def downgrade():
    for table in ('support_requests', 'progress_updates'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_withdrawn_by_id_users'), type_='foreignkey')
            batch_op.drop_column('withdrawn_by_id')
            batch_op.drop_column('withdrawn_at')
            batch_op.drop_column('edited_at')

    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_milestones_removed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_at')
