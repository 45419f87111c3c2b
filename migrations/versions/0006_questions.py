"""coalition questions: new states, action line, organisation kinds, answers, merging, reason

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OLD_TO_NEW = {'open': 'nieuw', 'gebundeld': 'ondergebracht', 'beantwoord': 'beantwoord', 'gesloten': 'niet_opgepakt'}
NEW_STATES = ('nieuw', 'in_behandeling', 'ondergebracht', 'beantwoord', 'niet_opgepakt')
OLD_STATES = ('open', 'gebundeld', 'beantwoord', 'gesloten')
ACTION_LINES = ('voor_zwangerschap', 'tijdens_zwangerschap', 'na_geboorte')
# The kinds of organisations as migration 0007 makes them (that migration came first in no release).
KINDS = ('verloskunde', 'kraamzorg', 'jgz', 'huisartsen', 'ziekenhuis', 'vsv', 'gemeente', 'veilig_thuis',
             'fier', 'mee', 'welzijn', 'informele_zorg', 'kinderopvang', 'ervaringsdeskundigen', 'ros', 'overig')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _move_states(mapping):
    questions = sa.table('questions', sa.column('status', sa.String))
    for old, new in mapping.items():
        if old != new:
            op.execute(questions.update().where(questions.c.status == old).values(status=new))


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_questions_status_valid'), type_='check')
    _move_states(OLD_TO_NEW)
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('action_line', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_questions_status_valid'), _in('status', NEW_STATES))
        batch_op.create_check_constraint(batch_op.f('ck_questions_action_line_valid'), _in('action_line', ACTION_LINES))
        batch_op.create_foreign_key(batch_op.f('fk_questions_merged_into_id_questions'), 'questions',
                                    ['merged_into_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_questions_merged_into_id'), ['merged_into_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_status'), ['status'], unique=False)
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.alter_column('reason', server_default=None)

    op.create_table('question_organisation_kinds',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_question_organisation_kinds_kind_valid')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                            name=op.f('fk_question_organisation_kinds_question_id_questions')),
    sa.PrimaryKeyConstraint('question_id', 'kind', name=op.f('pk_question_organisation_kinds'))
    )
    with op.batch_alter_table('question_organisation_kinds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_organisation_kinds_kind'), ['kind'], unique=False)

    op.create_table('question_answers',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverables.id'],
                            name=op.f('fk_question_answers_deliverable_id_deliverables')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_answers_question_id_questions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'deliverable_id', name=op.f('pk_question_answers'))
    )
    with op.batch_alter_table('question_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answers_deliverable_id'), ['deliverable_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_answers_deliverable_id'))
    op.drop_table('question_answers')
    with op.batch_alter_table('question_organisation_kinds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_organisation_kinds_kind'))
    op.drop_table('question_organisation_kinds')

    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questions_status'))
        batch_op.drop_index(batch_op.f('ix_questions_merged_into_id'))
        batch_op.drop_constraint(batch_op.f('fk_questions_merged_into_id_questions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_questions_action_line_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_questions_status_valid'), type_='check')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('reason')
        batch_op.drop_column('action_line')
    _move_states({'nieuw': 'open', 'in_behandeling': 'open', 'ondergebracht': 'gebundeld',
                  'beantwoord': 'beantwoord', 'niet_opgepakt': 'gesloten'})
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_questions_status_valid'), _in('status', OLD_STATES))
