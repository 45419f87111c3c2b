"""the queue of attachments whose text is read outside the request

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 22:00:00

"""
from alembic import op
import sqlalchemy as sa
import leernetwerk.database


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Attachments stored before this revision had their text read in the request already.
    op.create_table('text_extractions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'running', 'done', 'failed')",
                       name=op.f('ck_text_extractions_status_valid')),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'],
                            name=op.f('fk_text_extractions_attachment_id_attachments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_text_extractions')),
    sa.UniqueConstraint('attachment_id', name=op.f('uq_text_extractions_attachment_id'))
    )
    with op.batch_alter_table('text_extractions', schema=None) as batch_op:
        batch_op.create_index('ix_text_extractions_status_next', ['status', 'next_attempt_at'], unique=False)


def downgrade():
    with op.batch_alter_table('text_extractions', schema=None) as batch_op:
        batch_op.drop_index('ix_text_extractions_status_next')
    op.drop_table('text_extractions')
