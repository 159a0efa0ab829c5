"""key ceremony: attempts, uploads, complaints

Revision ID: 0007_key_ceremony
Revises: 0006_elections
Create Date: 2026-12-01 09:01:40.293401

The server keeps, per start ("attempt") of an election's key ceremony, the
roster it started with and the sealed key that signs the files it issues,
the signed files each trustee uploaded (at most one per trustee and step),
and the complaints with their verdicts. No share in clear is ever stored:
the deal files' shares are encrypted to their recipients.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_key_ceremony'
down_revision = '0006_elections'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ceremony_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('roster', sa.JSON(), nullable=False),
    sa.Column('server_key_enc', sa.Text(), nullable=False),
    sa.Column('server_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('number >= 1', name=op.f('ck_ceremony_attempts_number_positive')),
    sa.CheckConstraint('threshold >= 1', name=op.f('ck_ceremony_attempts_threshold_positive')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_ceremony_attempts_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony_attempts')),
    sa.UniqueConstraint('election_id', 'number', name=op.f('uq_ceremony_attempts_election_id_number'))
    )
    with op.batch_alter_table('ceremony_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ceremony_attempts_election_id'), ['election_id'], unique=False)

    op.create_table('ceremony_complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('accuser', sa.Integer(), nullable=False),
    sa.Column('accused', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('verdict', sa.Enum('pending', 'upheld', 'dismissed', name='ceremony_verdict', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('verdict_reason', sa.String(length=32), nullable=True),
    sa.Column('judged_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('accuser >= 1 AND accused >= 1 AND accuser <> accused', name=op.f('ck_ceremony_complaints_two_trustees')),
    sa.ForeignKeyConstraint(['attempt_id'], ['ceremony_attempts.id'], name=op.f('fk_ceremony_complaints_attempt_id_ceremony_attempts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony_complaints')),
    sa.UniqueConstraint('attempt_id', 'accuser', 'accused', name=op.f('uq_ceremony_complaints_attempt_id_accuser_accused'))
    )
    op.create_table('ceremony_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('trustee_index', sa.Integer(), nullable=False),
    sa.Column('step', sa.Enum('init', 'deal', 'receive', 'answer', 'settle', name='ceremony_step', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('accepted', sa.Boolean(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('trustee_index >= 1', name=op.f('ck_ceremony_uploads_index_positive')),
    sa.ForeignKeyConstraint(['attempt_id'], ['ceremony_attempts.id'], name=op.f('fk_ceremony_uploads_attempt_id_ceremony_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_ceremony_uploads_uploaded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ceremony_uploads')),
    sa.UniqueConstraint('attempt_id', 'trustee_index', 'step', name=op.f('uq_ceremony_uploads_attempt_id_trustee_index_step'))
    )
    with op.batch_alter_table('ceremony_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ceremony_uploads_uploaded_by_id'), ['uploaded_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ceremony_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ceremony_uploads_uploaded_by_id'))

    op.drop_table('ceremony_uploads')
    op.drop_table('ceremony_complaints')
    with op.batch_alter_table('ceremony_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ceremony_attempts_election_id'))

    op.drop_table('ceremony_attempts')
