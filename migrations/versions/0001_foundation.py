"""accounts, consulates and the audit log

Revision ID: 0001_foundation
Revises: 
Create Date: 2026-11-28 00:59:31.657986

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_foundation'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('target', sa.String(length=120), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_target'), ['target'], unique=False)

    op.create_table('consulates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('host_country', sa.String(length=2), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('length(code) BETWEEN 2 AND 8', name=op.f('ck_consulates_code_length')),
    sa.CheckConstraint('length(host_country) = 2', name=op.f('ck_consulates_host_country_alpha2')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consulates')),
    sa.UniqueConstraint('code', name=op.f('uq_consulates_code'))
    )
    op.create_table('consulate_countries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consulate_id', sa.Integer(), nullable=False),
    sa.Column('country_code', sa.String(length=2), nullable=False),
    sa.CheckConstraint('length(country_code) = 2', name=op.f('ck_consulate_countries_country_alpha2')),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_consulate_countries_consulate_id_consulates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consulate_countries')),
    sa.UniqueConstraint('consulate_id', 'country_code', name=op.f('uq_consulate_countries_consulate_id_country_code'))
    )
    with op.batch_alter_table('consulate_countries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consulate_countries_country_code'), ['country_code'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('voter', 'official', 'commissioner', 'auditor', 'trustee', name='role', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('consulate_id', sa.Integer(), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=True),
    sa.Column('email_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('totp_secret_enc', sa.String(length=255), nullable=True),
    sa.Column('totp_last_step', sa.Integer(), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(role = 'official') = (consulate_id IS NOT NULL)", name=op.f('ck_users_official_has_consulate')),
    sa.CheckConstraint('failed_logins >= 0', name=op.f('ck_users_failed_logins_not_negative')),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_users_consulate_id_consulates'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('session_token', name=op.f('uq_users_session_token'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_consulate_id'), ['consulate_id'], unique=False)



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_consulate_id'))

    op.drop_table('users')
    with op.batch_alter_table('consulate_countries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consulate_countries_country_code'))

    op.drop_table('consulate_countries')
    op.drop_table('consulates')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_target'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
        batch_op.drop_index(batch_op.f('ix_audit_events_actor'))
        batch_op.drop_index(batch_op.f('ix_audit_events_action'))

    op.drop_table('audit_events')
