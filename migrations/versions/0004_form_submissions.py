"""form submissions: each create form is saved at most once

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 20:20:00

"""
from alembic import op
import sqlalchemy as sa
import leernetwerk.database


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_submissions',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users')),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_form_submissions')),
    )


def downgrade():
    op.drop_table('form_submissions')
