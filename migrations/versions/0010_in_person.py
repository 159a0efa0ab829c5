"""in person: the poll book and in-person returns

Revision ID: 0010_in_person
Revises: 0009_tally
Create Date: 2026-12-01 11:35:29.330214

The poll book of a consular polling station: one entry per voter and election (a
unique constraint), naming the official who marked the voter. In-person returns:
the paper counts of a contest at a consulate, one in play per election, consulate
and contest (a partial unique index: a rejected return may be entered again),
confirmed or rejected by an official other than the one who entered them (check
constraints), with one non-negative count per option.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_in_person'
down_revision = '0009_tally'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('in_person_returns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('consulate_id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('entered', 'confirmed', 'rejected', name='return_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('rejected_by_id', sa.Integer(), nullable=True),
    sa.Column('rejected_at', sa.DateTime(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("(state = 'confirmed') = (confirmed_by_id IS NOT NULL AND confirmed_at IS NOT NULL)", name=op.f('ck_in_person_returns_confirmed_has_official')),
    sa.CheckConstraint("(state = 'rejected') = (rejected_by_id IS NOT NULL AND rejected_at IS NOT NULL AND rejection_reason IS NOT NULL)", name=op.f('ck_in_person_returns_rejected_has_reason')),
    sa.CheckConstraint('confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id', name=op.f('ck_in_person_returns_four_eyes_confirm')),
    sa.CheckConstraint('rejected_by_id IS NULL OR rejected_by_id <> entered_by_id', name=op.f('ck_in_person_returns_four_eyes_reject')),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_in_person_returns_confirmed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_in_person_returns_consulate_id_consulates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_in_person_returns_contest_id_contests'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_in_person_returns_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_in_person_returns_entered_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rejected_by_id'], ['users.id'], name=op.f('fk_in_person_returns_rejected_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_in_person_returns'))
    )
    with op.batch_alter_table('in_person_returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_in_person_returns_consulate_id'), ['consulate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_in_person_returns_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index('uq_in_person_returns_in_play', ['election_id', 'consulate_id', 'contest_id'], unique=True, sqlite_where=sa.text("state <> 'rejected'"), postgresql_where=sa.text("state <> 'rejected'"))

    op.create_table('in_person_counts',
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.CheckConstraint('votes >= 0', name=op.f('ck_in_person_counts_votes_not_negative')),
    sa.ForeignKeyConstraint(['option_id'], ['contest_options.id'], name=op.f('fk_in_person_counts_option_id_contest_options'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['return_id'], ['in_person_returns.id'], name=op.f('fk_in_person_counts_return_id_in_person_returns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('return_id', 'option_id', name=op.f('pk_in_person_counts'))
    )
    op.create_table('poll_book_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('election_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('consulate_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_poll_book_entries_application_id_applications'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['consulate_id'], ['consulates.id'], name=op.f('fk_poll_book_entries_consulate_id_consulates'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['election_id'], ['elections.id'], name=op.f('fk_poll_book_entries_election_id_elections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_poll_book_entries_marked_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['reporting_units.id'], name=op.f('fk_poll_book_entries_unit_id_reporting_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voter_id'], ['users.id'], name=op.f('fk_poll_book_entries_voter_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_book_entries')),
    sa.UniqueConstraint('election_id', 'voter_id', name=op.f('uq_poll_book_entries_election_id_voter_id'))
    )
    with op.batch_alter_table('poll_book_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_poll_book_entries_application_id'), ['application_id'], unique=False)
        batch_op.create_index('ix_poll_book_entries_count', ['election_id', 'consulate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_book_entries_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_poll_book_entries_voter_id'), ['voter_id'], unique=False)



def downgrade():
    with op.batch_alter_table('poll_book_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_poll_book_entries_voter_id'))
        batch_op.drop_index(batch_op.f('ix_poll_book_entries_unit_id'))
        batch_op.drop_index('ix_poll_book_entries_count')
        batch_op.drop_index(batch_op.f('ix_poll_book_entries_application_id'))

    op.drop_table('poll_book_entries')
    op.drop_table('in_person_counts')
    with op.batch_alter_table('in_person_returns', schema=None) as batch_op:
        batch_op.drop_index('uq_in_person_returns_in_play', sqlite_where=sa.text("state <> 'rejected'"), postgresql_where=sa.text("state <> 'rejected'"))
        batch_op.drop_index(batch_op.f('ix_in_person_returns_contest_id'))
        batch_op.drop_index(batch_op.f('ix_in_person_returns_consulate_id'))

    op.drop_table('in_person_returns')
