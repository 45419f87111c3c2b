"""places: the organisation directory (real kinds, contact, action lines), "gebruikt in" marks,
and the moment a person last looked at /mijn

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 19:40:46.191570

"""
from alembic import op
import sqlalchemy as sa
import leernetwerk.database


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

OLD_KINDS = ('verloskunde', 'kraamzorg', 'jgz', 'huisartsen', 'ziekenhuis', 'vsv', 'gemeente', 'sociaal_wijkteam',
             'welzijn', 'specialistische_hulp', 'ervaringsdeskundigen', 'ros', 'overig')
NEW_KINDS = ('verloskunde', 'kraamzorg', 'jgz', 'huisartsen', 'ziekenhuis', 'vsv', 'gemeente', 'veilig_thuis',
             'fier', 'mee', 'welzijn', 'informele_zorg', 'kinderopvang', 'ervaringsdeskundigen', 'ros', 'overig')


def _kinds(values):
    return "kind IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table('organisation_action_lines',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('action_line', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_action_lines_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'action_line', name=op.f('pk_organisation_action_lines'))
    )
    with op.batch_alter_table('organisation_action_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_action_lines_action_line'), ['action_line'], unique=False)

    op.create_table('deliverable_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliverable_id', sa.Integer(), nullable=False),
    sa.Column('coalition_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coalition_id'], ['coalitions.id'], name=op.f('fk_deliverable_uses_coalition_id_coalitions')),
    sa.ForeignKeyConstraint(['deliverable_id'], ['deliverables.id'], name=op.f('fk_deliverable_uses_deliverable_id_deliverables')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deliverable_uses_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliverable_uses')),
    sa.UniqueConstraint('deliverable_id', 'coalition_id', name=op.f('uq_deliverable_uses_deliverable_id_coalition_id'))
    )
    with op.batch_alter_table('deliverable_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliverable_uses_coalition_id'), ['coalition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliverable_uses_deliverable_id'), ['deliverable_id'], unique=False)

    with op.batch_alter_table('organisation_municipalities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_municipalities_municipality_id'), ['municipality_id'], unique=False)

    # Kinds: a social team is filed with its municipality ("gemeente / sociaal wijkteam"); the old
    # "specialistische hulp" becomes Veilig Thuis, Fier or MEE by name, otherwise "overig".
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_organisations_kind_valid'), type_='check')
    organisations = sa.table('organisations', sa.column('kind', sa.String), sa.column('name', sa.String))
    op.execute(organisations.update().where(organisations.c.kind == 'sociaal_wijkteam').values(kind='gemeente'))
    for kind, word in (('veilig_thuis', '%veilig thuis%'), ('fier', 'fier%'), ('mee', 'mee %')):
        op.execute(organisations.update().where(organisations.c.kind == 'specialistische_hulp',
                                                sa.func.lower(organisations.c.name).like(word)).values(kind=kind))
    op.execute(organisations.update().where(organisations.c.kind == 'specialistische_hulp').values(kind='overig'))

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_organisations_kind_valid'), _kinds(NEW_KINDS))
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('when_to_engage', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('website', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('referral', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', leernetwerk.database.UTCDateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_seen_at')

    organisations = sa.table('organisations', sa.column('kind', sa.String))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_organisations_kind_valid'), type_='check')
    op.execute(organisations.update().where(organisations.c.kind.in_(('veilig_thuis', 'fier', 'mee')))
               .values(kind='specialistische_hulp'))
    op.execute(organisations.update().where(organisations.c.kind.in_(('informele_zorg', 'kinderopvang')))
               .values(kind='overig'))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_check_constraint(batch_op.f('ck_organisations_kind_valid'), _kinds(OLD_KINDS))
        batch_op.drop_column('lock_version')
        batch_op.drop_column('referral')
        batch_op.drop_column('website')
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('when_to_engage')
        batch_op.drop_column('description')

    with op.batch_alter_table('organisation_municipalities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_municipalities_municipality_id'))

    with op.batch_alter_table('deliverable_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliverable_uses_deliverable_id'))
        batch_op.drop_index(batch_op.f('ix_deliverable_uses_coalition_id'))

    op.drop_table('deliverable_uses')
    with op.batch_alter_table('organisation_action_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_action_lines_action_line'))

    op.drop_table('organisation_action_lines')
