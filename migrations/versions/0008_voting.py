"""voting: token issuances, the bulletin board and its head

Revision ID: 0008_voting
Revises: 0007_key_ceremony
Create Date: 2026-12-01 08:56:24.914172

One token per voter and election (a unique constraint); board entries with a
gap-free seq and a unique tracking code per election, and at most one counted
(not superseded) entry per voting key (a partial unique index); one head row
per election, locked while a ballot is appended.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_voting'
down_revision = '0007_key_ceremony'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('board_heads',
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('head', sa.String(length=64), nullable=False),
    sa.CheckConstraint('length(head) = 64', name=op.f('ck_board_heads_head_length')),
    sa.CheckConstraint('seq >= 0', name=op.f('ck_board_heads_seq_not_negative')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_board_heads_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('election_id', name=op.f('pk_board_heads'))
    )
    op.create_table('token_issuances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('blinded_msg_sha256', sa.String(length=64), nullable=False),
    sa.CheckConstraint('length(blinded_msg_sha256) = 64', name=op.f('ck_token_issuances_digest_length')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_token_issuances_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['users.id'], name=op.f('fk_token_issuances_voter_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_token_issuances')),
    sa.UniqueConstraint('election_id', 'voter_id', name=op.f('uq_token_issuances_election_id_voter_id'))
    )
    with op.batch_alter_table('token_issuances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_token_issuances_voter_id'), ['voter_id'], unique=False)

    op.create_table('board_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=64), nullable=False),
    sa.Column('chain', sa.String(length=64), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('voting_key', sa.String(length=64), nullable=False),
    sa.Column('ballot', sa.LargeBinary(), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_board_entries_seq_positive')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_board_entries_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['reporting_units.id'], name=op.f('fk_board_entries_unit_id_reporting_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_board_entries')),
    sa.UniqueConstraint('election_id', 'seq', name=op.f('uq_board_entries_election_id_seq')),
    sa.UniqueConstraint('election_id', 'tracking_code', name=op.f('uq_board_entries_election_id_tracking_code'))
    )
    with op.batch_alter_table('board_entries', schema=None) as batch_op:
        batch_op.create_index('ix_board_entries_election_key', ['election_id', 'voting_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_board_entries_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index('uq_board_entries_counted_key', ['election_id', 'voting_key'], unique=True, sqlite_where=sa.text('NOT superseded'), postgresql_where=sa.text('NOT superseded'))



def downgrade():
    with op.batch_alter_table('board_entries', schema=None) as batch_op:
        batch_op.drop_index('uq_board_entries_counted_key', sqlite_where=sa.text('NOT superseded'), postgresql_where=sa.text('NOT superseded'))
        batch_op.drop_index(batch_op.f('ix_board_entries_unit_id'))
        batch_op.drop_index('ix_board_entries_election_key')

    op.drop_table('board_entries')
    with op.batch_alter_table('token_issuances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_token_issuances_voter_id'))

    op.drop_table('token_issuances')
    op.drop_table('board_heads')
