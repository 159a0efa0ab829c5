"""elections: definition, ballot styles, trustees, reporting units, outreach notices

Revision ID: 0006_elections
Revises: 0005_verified_documents
Create Date: 2026-12-01 08:48:28.593125

A frozen election (one whose `definition` is set) must never change what the
fingerprint binds, whoever writes to the database: triggers on both SQLite and
PostgreSQL refuse any change to its fingerprinted columns, and any insert,
update or delete of its contests, options, ballot styles (and their contests
and constituencies), trustees and reporting units. The one column they let
change is a unit's sealed private key (and the election's sealed receipt key),
which the data-key rotation re-seals.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_elections'
down_revision = '0005_verified_documents'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('elections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'ceremony', 'frozen', 'open', 'closed', 'tallying', 'tallied', 'published', name='election_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('registration_deadline', sa.DateTime(), nullable=True),
    sa.Column('tokens_open', sa.DateTime(), nullable=True),
    sa.Column('voting_opens', sa.DateTime(), nullable=True),
    sa.Column('voting_closes', sa.DateTime(), nullable=True),
    sa.Column('election_day', sa.Date(), nullable=True),
    sa.Column('min_unit_ballots', sa.Integer(), nullable=False),
    sa.Column('max_revotes', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=True),
    sa.Column('definition', sa.LargeBinary(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('ceremony_proofs', sa.JSON(), nullable=True),
    sa.Column('receipt_key_enc', sa.Text(), nullable=True),
    sa.Column('close_statement', sa.JSON(), nullable=True),
    sa.Column('freeze_requested_at', sa.DateTime(), nullable=True),
    sa.Column('freeze_lease_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('frozen_at', sa.DateTime(), nullable=True),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(state IN ('frozen', 'open', 'closed', 'tallying', 'tallied', 'published')) = (definition IS NOT NULL)", name=op.f('ck_elections_frozen_has_definition')),
    sa.CheckConstraint('definition IS NULL OR (fingerprint IS NOT NULL AND length(fingerprint) = 64 AND receipt_key_enc IS NOT NULL AND ceremony_proofs IS NOT NULL AND threshold IS NOT NULL AND voting_opens IS NOT NULL AND voting_closes IS NOT NULL AND election_day IS NOT NULL)', name=op.f('ck_elections_frozen_is_complete')),
    sa.CheckConstraint('length(slug) BETWEEN 1 AND 64 AND slug = lower(slug)', name=op.f('ck_elections_slug_form')),
    sa.CheckConstraint('max_revotes >= 0', name=op.f('ck_elections_max_revotes_not_negative')),
    sa.CheckConstraint('min_unit_ballots >= 1', name=op.f('ck_elections_min_unit_ballots_positive')),
    sa.CheckConstraint('registration_deadline IS NULL OR tokens_open IS NULL OR registration_deadline <= tokens_open', name=op.f('ck_elections_deadline_before_tokens')),
    sa.CheckConstraint('threshold IS NULL OR threshold >= 1', name=op.f('ck_elections_threshold_positive')),
    sa.CheckConstraint('tokens_open IS NULL OR voting_opens IS NULL OR tokens_open <= voting_opens', name=op.f('ck_elections_tokens_before_voting')),
    sa.CheckConstraint('voting_opens IS NULL OR voting_closes IS NULL OR voting_opens < voting_closes', name=op.f('ck_elections_opens_before_closes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_elections')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_elections_fingerprint')),
    sa.UniqueConstraint('slug', name=op.f('uq_elections_slug'))
    )
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_elections_state'), ['state'], unique=False)

    op.create_table('ballot_styles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_ballot_styles_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_styles')),
    sa.UniqueConstraint('election_id', 'code', name=op.f('uq_ballot_styles_election_id_code'))
    )
    op.create_table('contests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('min_selections', sa.Integer(), nullable=False),
    sa.Column('max_selections', sa.Integer(), nullable=False),
    sa.CheckConstraint('0 <= min_selections AND min_selections <= max_selections', name=op.f('ck_contests_min_le_max')),
    sa.CheckConstraint('position >= 0', name=op.f('ck_contests_position_not_negative')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_contests_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    sa.UniqueConstraint('election_id', 'code', name=op.f('uq_contests_election_id_code')),
    sa.UniqueConstraint('election_id', 'position', name=op.f('uq_contests_election_id_position'))
    )
    op.create_table('ballot_style_constituencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('ballot_style_id', sa.Integer(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_style_id'], ['ballot_styles.id'], name=op.f('fk_ballot_style_constituencies_ballot_style_id_ballot_styles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_ballot_style_constituencies_constituency_id_constituencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_ballot_style_constituencies_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballot_style_constituencies')),
    sa.UniqueConstraint('election_id', 'constituency_id', name=op.f('uq_ballot_style_constituencies_election_id_constituency_id'))
    )
    with op.batch_alter_table('ballot_style_constituencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_style_constituencies_ballot_style_id'), ['ballot_style_id'], unique=False)

    op.create_table('ballot_style_contests',
    sa.Column('ballot_style_id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_style_id'], ['ballot_styles.id'], name=op.f('fk_ballot_style_contests_ballot_style_id_ballot_styles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_ballot_style_contests_contest_id_contests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_style_id', 'contest_id', name=op.f('pk_ballot_style_contests'))
    )
    with op.batch_alter_table('ballot_style_contests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballot_style_contests_contest_id'), ['contest_id'], unique=False)

    op.create_table('contest_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.CheckConstraint('position >= 0', name=op.f('ck_contest_options_position_not_negative')),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_contest_options_contest_id_contests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_options')),
    sa.UniqueConstraint('contest_id', 'code', name=op.f('uq_contest_options_contest_id_code')),
    sa.UniqueConstraint('contest_id', 'position', name=op.f('uq_contest_options_contest_id_position'))
    )
    op.create_table('election_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notice', sa.Enum('opening', 'reminder', name='election_notice', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_election_notices_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_election_notices_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_notices')),
    sa.UniqueConstraint('election_id', 'user_id', 'notice', name=op.f('uq_election_notices_election_id_user_id_notice'))
    )
    with op.batch_alter_table('election_notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_notices_user_id'), ['user_id'], unique=False)

    op.create_table('election_trustees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('"index" >= 1', name=op.f('ck_election_trustees_index_positive')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_election_trustees_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_election_trustees_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_trustees')),
    sa.UniqueConstraint('election_id', 'index', name=op.f('uq_election_trustees_election_id_index')),
    sa.UniqueConstraint('election_id', 'user_id', name=op.f('uq_election_trustees_election_id_user_id'))
    )
    with op.batch_alter_table('election_trustees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_election_trustees_user_id'), ['user_id'], unique=False)

    op.create_table('reporting_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.Column('consulate_id', sa.Integer(), nullable=False),
    sa.Column('ballot_style_id', sa.Integer(), nullable=False),
    sa.Column('rsa_n', sa.Text(), nullable=False),
    sa.Column('rsa_e', sa.String(length=16), nullable=False),
    sa.Column('private_key_enc', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['ballot_style_id'], ['ballot_styles.id'], name=op.f('fk_reporting_units_ballot_style_id_ballot_styles'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_reporting_units_consulate_id_consulates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_reporting_units_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_units')),
    sa.UniqueConstraint('election_id', 'code', name=op.f('uq_reporting_units_election_id_code')),
    sa.UniqueConstraint('election_id', 'consulate_id', 'ballot_style_id', name=op.f('uq_reporting_units_election_id_consulate_id_ballot_style_id'))
    )
    with op.batch_alter_table('reporting_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporting_units_ballot_style_id'), ['ballot_style_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reporting_units_consulate_id'), ['consulate_id'], unique=False)

    # In place, not as a batch (which on SQLite copies `users`: see downgrade).
    op.add_column('users', sa.Column('election_reminders', sa.Boolean(), server_default=sa.true(),
                                     nullable=False))
    _create_guards()



def downgrade():
    _drop_guards()

    with op.batch_alter_table('reporting_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_units_consulate_id'))
        batch_op.drop_index(batch_op.f('ix_reporting_units_ballot_style_id'))

    op.drop_table('reporting_units')
    with op.batch_alter_table('election_trustees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_trustees_user_id'))

    op.drop_table('election_trustees')
    with op.batch_alter_table('election_notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_election_notices_user_id'))

    op.drop_table('election_notices')
    op.drop_table('contest_options')
    with op.batch_alter_table('ballot_style_contests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_style_contests_contest_id'))

    op.drop_table('ballot_style_contests')
    with op.batch_alter_table('ballot_style_constituencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballot_style_constituencies_ballot_style_id'))

    op.drop_table('ballot_style_constituencies')
    op.drop_table('contests')
    op.drop_table('ballot_styles')
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_elections_state'))

    op.drop_table('elections')
    # Not a batch operation: on SQLite that copies `users`, and dropping the old copy
    # fails while other tables' rows refer to it (SQLite 3.35 drops columns in place).
    op.execute('ALTER TABLE users DROP COLUMN election_reminders')


# -- the frozen election's guard ------------------------------------------------------
# Each guarded table: how to find a row's election from the row (NEW or OLD), and the
# columns an update may not change (every column but a sealed key, which rotation re-seals).
_ELECTION_OF = {
    'contests': '{row}.election_id',
    'ballot_styles': '{row}.election_id',
    'ballot_style_constituencies': '{row}.election_id',
    'election_trustees': '{row}.election_id',
    'reporting_units': '{row}.election_id',
    'contest_options': '(SELECT election_id FROM contests WHERE id = {row}.contest_id)',
    'ballot_style_contests': '(SELECT election_id FROM ballot_styles WHERE id = {row}.ballot_style_id)',
}
_FIXED_COLUMNS = {
    'contests': ('id', 'election_id', 'position', 'code', 'labels', 'min_selections', 'max_selections'),
    'ballot_styles': ('id', 'election_id', 'code'),
    'ballot_style_constituencies': ('id', 'election_id', 'ballot_style_id', 'constituency_id'),
    'election_trustees': ('id', 'election_id', '"index"', 'user_id'),
    'reporting_units': ('id', 'election_id', 'code', 'consulate_id', 'ballot_style_id', 'rsa_n', 'rsa_e'),
    'contest_options': ('id', 'contest_id', 'position', 'code', 'labels'),
    'ballot_style_contests': ('ballot_style_id', 'contest_id'),
}
#: what the fingerprint binds, or says how the election is counted
_FIXED_ELECTION_COLUMNS = ('id', 'slug', 'title', 'threshold', 'min_unit_ballots', 'max_revotes',
                           'election_day', 'definition', 'fingerprint', 'ceremony_proofs')
_MESSAGE = 'election_frozen: the definition of a frozen election cannot change'


def _frozen(election_id):
    return f'EXISTS (SELECT 1 FROM elections WHERE id = {election_id} AND definition IS NOT NULL)'


def _changed(columns, same):
    return ' OR '.join(f'NOT (NEW.{c} {same} OLD.{c})' for c in columns)


def _create_guards():
    if op.get_bind().dialect.name == 'postgresql':
        _create_postgresql_guards()
    else:
        _create_sqlite_guards()


def _create_sqlite_guards():
    # JSON columns are TEXT on SQLite and compare as text: IS compares NULLs too.
    refuse = f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
    for table, election_of in _ELECTION_OF.items():
        new, old = election_of.format(row='NEW'), election_of.format(row='OLD')
        op.execute(f'CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} '
                   f'WHEN {_frozen(new)} {refuse}')
        op.execute(f'CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} '
                   f'WHEN ({_frozen(old)} OR {_frozen(new)}) '
                   f'AND ({_changed(_FIXED_COLUMNS[table], "IS")}) {refuse}')
        op.execute(f'CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} '
                   f'WHEN {_frozen(old)} {refuse}')
    op.execute('CREATE TRIGGER elections_frozen_update BEFORE UPDATE ON elections '
               'WHEN OLD.definition IS NOT NULL '
               f'AND ({_changed(_FIXED_ELECTION_COLUMNS, "IS")}) {refuse}')
    op.execute('CREATE TRIGGER elections_frozen_delete BEFORE DELETE ON elections '
               f'WHEN OLD.definition IS NOT NULL {refuse}')


def _create_postgresql_guards():
    raise_ = f"RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'check_violation';"
    # JSON has no equality operator on PostgreSQL: compare its text.
    def same(columns):
        return ' OR '.join(
            f'(NEW.{c})::text IS DISTINCT FROM (OLD.{c})::text' for c in columns)
    for table, election_of in _ELECTION_OF.items():
        new, old = election_of.format(row='NEW'), election_of.format(row='OLD')
        op.execute(f"""
CREATE FUNCTION {table}_frozen_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF {_frozen(new)} THEN {raise_} END IF;
    RETURN NEW;
  ELSIF TG_OP = 'DELETE' THEN
    IF {_frozen(old)} THEN {raise_} END IF;
    RETURN OLD;
  END IF;
  IF ({_frozen(old)} OR {_frozen(new)}) AND ({same(_FIXED_COLUMNS[table])}) THEN {raise_} END IF;
  RETURN NEW;
END $$""")
        op.execute(f'CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} '
                   f'FOR EACH ROW EXECUTE FUNCTION {table}_frozen_guard()')
    op.execute(f"""
CREATE FUNCTION elections_frozen_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.definition IS NULL THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_OP = 'DELETE' THEN {raise_} END IF;
  IF {same(_FIXED_ELECTION_COLUMNS)} THEN {raise_} END IF;
  RETURN NEW;
END $$""")
    op.execute('CREATE TRIGGER elections_frozen BEFORE UPDATE OR DELETE ON elections '
               'FOR EACH ROW EXECUTE FUNCTION elections_frozen_guard()')


def _drop_guards():
    # Dropping a table drops its triggers; PostgreSQL's functions go separately.
    if op.get_bind().dialect.name == 'postgresql':
        for table in (*_ELECTION_OF, 'elections'):
            op.execute(f'DROP TRIGGER IF EXISTS {table}_frozen ON {table}')
            op.execute(f'DROP FUNCTION IF EXISTS {table}_frozen_guard()')
