"""retention: when an application was withdrawn, and when its personal data was deleted

Revision ID: 0009_retention
Revises: 0008_voting
Create Date: 2026-12-01 12:00:00.000000

`withdrawn_at` starts the retention period of a withdrawn application (a rejected
one starts at `decided_at`); applications withdrawn before this revision take the
time of their last change, which the withdrawal was. `purged_at` marks the
anonymous record left once `ovote registration purge` has deleted the personal
data; such a row holds no sealed value, blind index or document.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_retention'
down_revision = '0008_voting'
branch_labels = None
depends_on = None

SEALED = ('surname_enc', 'given_names_enc', 'birth_place_enc', 'national_id_enc',
          'passport_number_enc', 'mrz_enc', 'address_enc', 'phone_enc')
PURGED_IS_EMPTY = ('purged_at IS NULL OR (' + ' AND '.join(
    f'{column} IS NULL' for column in SEALED + (
        'person_index', 'national_id_index', 'passport_index', 'birth_date', 'document_file',
        'decision_note')) + ')')


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(), nullable=True))
    applications = sa.table('applications', sa.column('state', sa.String),
                            sa.column('updated_at', sa.DateTime), sa.column('withdrawn_at', sa.DateTime))
    op.execute(applications.update().where(applications.c.state == 'withdrawn')
               .values(withdrawn_at=applications.c.updated_at))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_check_constraint(
            batch_op.f('ck_applications_withdrawn_has_time'),
            "state != 'withdrawn' OR withdrawn_at IS NOT NULL")
        batch_op.create_check_constraint(
            batch_op.f('ck_applications_purged_only_when_ended'),
            "purged_at IS NULL OR state IN ('rejected', 'withdrawn')")
        batch_op.create_check_constraint(batch_op.f('ck_applications_purged_is_empty'), PURGED_IS_EMPTY)
        batch_op.create_index(batch_op.f('ix_applications_purged_at'), ['purged_at'], unique=False)


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_purged_at'))
        batch_op.drop_constraint(batch_op.f('ck_applications_purged_is_empty'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_applications_purged_only_when_ended'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_applications_withdrawn_has_time'), type_='check')
        batch_op.drop_column('purged_at')
        batch_op.drop_column('withdrawn_at')
