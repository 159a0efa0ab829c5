"""retention: when an application was withdrawn, and when its personal data was deleted

Revision ID: 0013_retention
Revises: 0012_names
Create Date: 2026-12-01 12:00:00.000000

`withdrawn_at` starts the retention period of a withdrawn application (a rejected
one starts at `decided_at`); applications withdrawn before this revision take the
time of their last change, which the withdrawal was. `purged_at` marks the
anonymous record left once `ovote registration purge` has deleted the personal
data; such a row holds no sealed value, blind index or document.

"""
import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_retention'
down_revision = '0012_names'
branch_labels = None
depends_on = None

SEALED = ('surname_enc', 'given_names_enc', 'birth_place_enc', 'national_id_enc',
          'passport_number_enc', 'mrz_enc', 'address_enc', 'phone_enc')
PURGED_IS_EMPTY = ('purged_at IS NULL OR (' + ' AND '.join(
    f'{column} IS NULL' for column in SEALED + (
        'person_index', 'national_id_index', 'passport_index', 'birth_date', 'document_file',
        'decision_note')) + ')')


#: name -> condition every application row must meet (the model's CheckConstraints)
CHECKS = {
    'ck_applications_withdrawn_has_time': "state != 'withdrawn' OR withdrawn_at IS NOT NULL",
    'ck_applications_purged_only_when_ended': "purged_at IS NULL OR state IN ('rejected', 'withdrawn')",
    'ck_applications_purged_is_empty': PURGED_IS_EMPTY,
}


def upgrade():
    # Plain ALTER TABLE ... ADD COLUMN on both databases: rebuilding `applications` on
    # SQLite (batch mode) would drop it, and with foreign keys on, the drop deletes the
    # rows of every table that cascades from it (checks, decisions, verified documents).
    op.add_column('applications', sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
    op.add_column('applications', sa.Column('purged_at', sa.DateTime(), nullable=True))
    op.create_index(op.f('ix_applications_purged_at'), 'applications', ['purged_at'], unique=False)
    applications = sa.table('applications', sa.column('state', sa.String),
                            sa.column('updated_at', sa.DateTime), sa.column('withdrawn_at', sa.DateTime))
    op.execute(applications.update().where(applications.c.state == 'withdrawn')
               .values(withdrawn_at=applications.c.updated_at))
    if op.get_bind().dialect.name == 'postgresql':
        for name, condition in CHECKS.items():
            op.create_check_constraint(op.f(name), 'applications', condition)
        return
    # SQLite cannot add a CHECK to a table: triggers refuse the same rows, with the same
    # error (a constraint failure naming the check).
    for name, condition in CHECKS.items():
        for event in ('INSERT', 'UPDATE'):
            op.execute(f'CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON applications '
                       f'WHEN NOT ({_new(condition)}) '
                       f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END")


def _new(condition):
    """`condition` on the row being written (NEW.column)."""
    return re.sub(r"\b(state|withdrawn_at|purged_at|[a-z_]+_enc|[a-z_]+_index|birth_date|"
                  r"document_file|decision_note)\b", r"NEW.\1", condition)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in CHECKS:
            op.drop_constraint(op.f(name), 'applications', type_='check')
    else:
        for name in CHECKS:
            for event in ('insert', 'update'):
                op.execute(f'DROP TRIGGER IF EXISTS {name}_{event}')
    op.drop_index(op.f('ix_applications_purged_at'), table_name='applications')
    # ALTER TABLE ... DROP COLUMN on SQLite too (3.35 and later), not a rebuild (see upgrade)
    op.execute('ALTER TABLE applications DROP COLUMN purged_at')
    op.execute('ALTER TABLE applications DROP COLUMN withdrawn_at')
