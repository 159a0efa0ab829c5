"""verified documents: one document number behind one verified application, in either field

Revision ID: 0005_verified_documents
Revises: 0004_login_throttles
Create Date: 2026-11-28 04:00:00.000000

The partial unique indexes on applications.national_id_index and
applications.passport_index each see one column: a number given as a national
identity number on one application and as a passport number on another passed
both. The new table holds every document number of every verified application
under one primary key. The indexes stay as a second guard for each column.

"""
import logging

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_verified_documents'
down_revision = '0004_login_throttles'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')


def upgrade():
    table = op.create_table('verified_documents',
    sa.Column('document_index', sa.String(length=64), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_verified_documents_application_id_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_index', name=op.f('pk_verified_documents'))
    )
    with op.batch_alter_table('verified_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verified_documents_application_id'), ['application_id'], unique=False)
    _fill(table)


def _fill(table):
    """The document numbers of the applications verified so far, each held by the earliest
    verified application that gave it. Applications verified before this revision on a
    number another one already holds (the case the table now refuses) keep their state;
    their ids are logged for the commission to look into."""
    applications = sa.table('applications', sa.column('id', sa.Integer),
                            sa.column('state', sa.String), sa.column('national_id_index', sa.String),
                            sa.column('passport_index', sa.String))
    rows = op.get_bind().execute(
        sa.select(applications.c.id, applications.c.national_id_index, applications.c.passport_index)
        .where(applications.c.state == 'verified').order_by(applications.c.id)).all()
    holders, values, clashes = {}, [], []
    for row in rows:
        for key in sorted({k for k in (row.national_id_index, row.passport_index) if k}):
            if key in holders:
                clashes.append((holders[key], row.id))
                continue
            holders[key] = row.id
            values.append({'document_index': key, 'application_id': row.id})
    if values:
        op.bulk_insert(table, values)
    for holder, other in clashes:
        log.warning('applications %s and %s are both verified on one document number; '
                    'the number is recorded for application %s only', holder, other, holder)


def downgrade():
    # Dropping a table drops its indexes too, on SQLite and PostgreSQL alike.
    op.drop_table('verified_documents')
