"""tally: group aggregates, decryption shares, results

Revision ID: 0009_tally
Revises: 0008_voting
Create Date: 2026-12-01 11:45:00.000000

One row per (election, contest, group) with its units, counted ballots and
ciphertext sums (and the decoded counts once decrypted); one row per group
and trustee with the verified shares; one results document per election.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_tally'
down_revision = '0008_voting'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.LargeBinary(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_election_results_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_results')),
    sa.UniqueConstraint('election_id', name=op.f('uq_election_results_election_id'))
    )
    op.create_table('tally_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('contest', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('decryptable', sa.Boolean(), nullable=False),
    sa.Column('sums', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.CheckConstraint('counted >= 0', name=op.f('ck_tally_groups_counted_not_negative')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_tally_groups_election_id_elections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_groups')),
    sa.UniqueConstraint('election_id', 'contest', 'name', name=op.f('uq_tally_groups_election_id_contest_name'))
    )
    op.create_table('decryption_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('trustee_index', sa.Integer(), nullable=False),
    sa.Column('shares', sa.JSON(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('trustee_index >= 1', name=op.f('ck_decryption_shares_trustee_index_positive')),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_decryption_shares_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['tally_groups.id'], name=op.f('fk_decryption_shares_group_id_tally_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decryption_shares')),
    sa.UniqueConstraint('group_id', 'trustee_index', name=op.f('uq_decryption_shares_group_id_trustee_index'))
    )
    with op.batch_alter_table('decryption_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decryption_shares_election_id'), ['election_id'], unique=False)


def downgrade():
    with op.batch_alter_table('decryption_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decryption_shares_election_id'))

    op.drop_table('decryption_shares')
    op.drop_table('tally_groups')
    op.drop_table('election_results')
