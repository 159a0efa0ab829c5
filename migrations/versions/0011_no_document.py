"""voters without a valid document: their reason, the documents they hold, the appointment
and the identity check in person

Revision ID: 0011_no_document
Revises: 0010_in_person
Create Date: 2026-12-01 11:34:15.595553

An application may say that the applicant has no valid identity document; the
consulate then books an appointment and records what it saw. Two CHECK
constraints keep the rules the services follow: such an application is
verified by two officials (never one alone), and the reason, explanation and
list of documents held exist only on such applications.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_no_document'
down_revision = '0010_in_person'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('identity_appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=False),
    sa.Column('booked_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(place) > 0', name=op.f('ck_identity_appointments_place_given')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_identity_appointments_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_identity_appointments_booked_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_appointments'))
    )
    with op.batch_alter_table('identity_appointments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_appointments_application_id'), ['application_id'], unique=False)

    op.create_table('identity_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('official_id', sa.Integer(), nullable=False),
    sa.Column('documents_seen', sa.String(length=200), nullable=False),
    sa.Column('identity_confirmed', sa.Boolean(), nullable=False),
    sa.Column('notes_enc', sa.Text(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('NOT identity_confirmed OR length(documents_seen) > 0', name=op.f('ck_identity_checks_confirmed_on_documents_seen')),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_identity_checks_application_id_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['appointment_id'], ['identity_appointments.id'], name=op.f('fk_identity_checks_appointment_id_identity_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['official_id'], ['users.id'], name=op.f('fk_identity_checks_official_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_checks'))
    )
    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_checks_application_id'), ['application_id'], unique=False)

    _add_application_columns()


#: the new columns of `applications`, each with the CHECK constraint that goes with it
#: (name, column DDL, constraint name, constraint)
_COLUMNS = (
    ('no_valid_document', 'BOOLEAN DEFAULT false NOT NULL',
     'ck_applications_no_document_verified_by_two',
     "NOT no_valid_document OR state != 'verified' OR confirmed_by_id IS NOT NULL"),
    ('no_document_reason', 'VARCHAR(20)', 'ck_applications_no_document_reason',
     "no_document_reason IN ('lost', 'expired', 'confiscated', 'refugee_document', "
     "'old_national_id', 'other')"),
    ('no_document_explanation_enc', 'TEXT', None, None),
    ('documents_held', 'VARCHAR(200)', 'ck_applications_no_document_details_only_without_document',
     "no_valid_document OR (no_document_reason IS NULL AND no_document_explanation_enc IS NULL "
     "AND documents_held IS NULL)"),
)


def _sqlite():
    return op.get_bind().dialect.name == 'sqlite'


def _add_application_columns():
    """Plain ALTER TABLE, never a copy of the table: on SQLite a batch copy drops the old
    table, and with foreign keys on that deletes (by ON DELETE CASCADE) every row that
    refers to an application: its checks, decisions and verified documents. SQLite takes
    each CHECK constraint as a constraint of the column added with it."""
    for name, ddl, check_name, check in _COLUMNS:
        constraint = f' CONSTRAINT {check_name} CHECK ({check})' if check and _sqlite() else ''
        op.execute(f'ALTER TABLE applications ADD COLUMN {name} {ddl}{constraint}')
        if check and not _sqlite():
            op.execute(f'ALTER TABLE applications ADD CONSTRAINT {check_name} CHECK ({check})')


def downgrade():
    # Last added, first dropped: a column's CHECK constraint goes with it (on SQLite it
    # is the column's own; on PostgreSQL DROP COLUMN drops the constraints that use it).
    for name, _ddl, _check_name, _check in reversed(_COLUMNS):
        op.execute(f'ALTER TABLE applications DROP COLUMN {name}')

    with op.batch_alter_table('identity_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_checks_application_id'))

    op.drop_table('identity_checks')
    with op.batch_alter_table('identity_appointments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_appointments_application_id'))

    op.drop_table('identity_appointments')
