"""the overseas register: constituencies, civil registry, applications, checks, decisions

Revision ID: 0002_registration
Revises: 0001_foundation
Create Date: 2026-11-28 01:10:49.426606

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_registration'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('constituencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.CheckConstraint('length(code) BETWEEN 1 AND 16', name=op.f('ck_constituencies_code_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_constituencies')),
    sa.UniqueConstraint('code', name=op.f('uq_constituencies_code'))
    )
    op.create_table('registry_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_index', sa.String(length=64), nullable=False),
    sa.Column('document_number_enc', sa.Text(), nullable=False),
    sa.Column('surname_enc', sa.Text(), nullable=False),
    sa.Column('given_names_enc', sa.Text(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('citizenship', sa.Enum('citizen', 'not_citizen', name='citizenship', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('disqualified', sa.Boolean(), nullable=False),
    sa.Column('constituency_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_registry_entries_constituency_id_constituencies'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_entries')),
    sa.UniqueConstraint('document_index', name=op.f('uq_registry_entries_document_index'))
    )
    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'more_info', 'verified', 'rejected', 'withdrawn', name='application_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('surname_enc', sa.Text(), nullable=True),
    sa.Column('given_names_enc', sa.Text(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('birth_place_enc', sa.Text(), nullable=True),
    sa.Column('person_index', sa.String(length=64), nullable=True),
    sa.Column('national_id_enc', sa.Text(), nullable=True),
    sa.Column('national_id_index', sa.String(length=64), nullable=True),
    sa.Column('passport_number_enc', sa.Text(), nullable=True),
    sa.Column('passport_index', sa.String(length=64), nullable=True),
    sa.Column('passport_state', sa.String(length=2), nullable=True),
    sa.Column('passport_expiry', sa.Date(), nullable=True),
    sa.Column('mrz_enc', sa.Text(), nullable=True),
    sa.Column('residence_country', sa.String(length=2), nullable=True),
    sa.Column('address_enc', sa.Text(), nullable=True),
    sa.Column('phone_enc', sa.Text(), nullable=True),
    sa.Column('consulate_id', sa.Integer(), nullable=True),
    sa.Column('constituency_id', sa.Integer(), nullable=True),
    sa.Column('voting_channel', sa.Enum('online', 'in_person', 'postal', name='voting_channel', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('document_file', sa.String(length=64), nullable=True),
    sa.Column('document_type', sa.String(length=40), nullable=True),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('checks_outcome', sa.Enum('pass', 'review', 'fail', name='check_outcome', native_enum=False, create_constraint=True, length=20), nullable=True),
    sa.Column('verify_proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('verify_proposed_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=40), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('first_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state != 'verified' OR (consulate_id IS NOT NULL AND constituency_id IS NOT NULL AND birth_date IS NOT NULL)", name=op.f('ck_applications_verified_is_complete')),
    sa.CheckConstraint("state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL", name=op.f('ck_applications_submitted_has_time')),
    sa.CheckConstraint("state NOT IN ('verified', 'rejected') OR decided_at IS NOT NULL", name=op.f('ck_applications_decided_has_time')),
    sa.CheckConstraint("verify_proposed_by_id IS NULL OR state = 'submitted'", name=op.f('ck_applications_proposal_only_while_submitted')),
    sa.CheckConstraint('confirmed_by_id IS NULL OR confirmed_by_id != decided_by_id', name=op.f('ck_applications_four_eyes_are_two_people')),
    sa.CheckConstraint('document_size IS NULL OR document_size > 0', name=op.f('ck_applications_document_not_empty')),
    sa.CheckConstraint('length(passport_state) = 2', name=op.f('ck_applications_passport_state_alpha2')),
    sa.CheckConstraint('length(residence_country) = 2', name=op.f('ck_applications_residence_alpha2')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_applications_confirmed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['constituency_id'], ['constituencies.id'], name=op.f('fk_applications_constituency_id_constituencies'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_applications_consulate_id_consulates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_applications_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['verify_proposed_by_id'], ['users.id'], name=op.f('fk_applications_verify_proposed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voter_id'], ['users.id'], name=op.f('fk_applications_voter_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('document_file', name=op.f('uq_applications_document_file'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_checks_outcome'), ['checks_outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_consulate_id'), ['consulate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_national_id_index'), ['national_id_index'], unique=False)
        batch_op.create_index('ix_applications_one_active_per_voter', ['voter_id'], unique=True, sqlite_where=sa.text("state IN ('draft', 'submitted', 'more_info', 'verified')"), postgresql_where=sa.text("state IN ('draft', 'submitted', 'more_info', 'verified')"))
        batch_op.create_index(batch_op.f('ix_applications_passport_index'), ['passport_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_person_index'), ['person_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_residence_country'), ['residence_country'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_submitted_at'), ['submitted_at'], unique=False)
        batch_op.create_index('ix_applications_verified_national_id', ['national_id_index'], unique=True, sqlite_where=sa.text("state = 'verified'"), postgresql_where=sa.text("state = 'verified'"))
        batch_op.create_index('ix_applications_verified_passport', ['passport_index'], unique=True, sqlite_where=sa.text("state = 'verified'"), postgresql_where=sa.text("state = 'verified'"))
        batch_op.create_index(batch_op.f('ix_applications_voter_id'), ['voter_id'], unique=False)

    op.create_table('application_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('outcome', sa.Enum('pass', 'review', 'fail', name='check_outcome', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=60), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_checks_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_checks')),
    sa.UniqueConstraint('application_id', 'rule', name=op.f('uq_application_checks_application_id_rule'))
    )
    op.create_table('application_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('verify', 'propose_verify', 'confirm_verify', 'reject', 'request_info', name='decision_action', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_application_decisions_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['official_id'], ['users.id'], name=op.f('fk_application_decisions_official_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_decisions'))
    )
    with op.batch_alter_table('application_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_decisions_application_id'), ['application_id'], unique=False)


def downgrade():
    # Dropping a table drops its indexes too, on SQLite and PostgreSQL alike.
    op.drop_table('application_decisions')
    op.drop_table('application_checks')
    op.drop_table('applications')
    op.drop_table('registry_entries')
    op.drop_table('constituencies')
