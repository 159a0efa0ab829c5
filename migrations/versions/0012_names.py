"""names: consulates and constituencies named in each language offered

Revision ID: 0012_names
Revises: 0011_no_document
Create Date: 2026-12-01 12:00:00.000000

A JSON map language -> name beside the default-language name; existing rows get an
empty map (their one name is shown in every language).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_names'
down_revision = '0011_no_document'
branch_labels = None
depends_on = None


# Plain ALTER TABLE ADD/DROP COLUMN (SQLite has both since 3.35): a batch operation would
# copy and drop the tables, which the foreign keys of applications and the civil
# registry forbid once they hold rows.
def upgrade():
    for table in ('consulates', 'constituencies'):
        op.add_column(table, sa.Column('names', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    for table in ('constituencies', 'consulates'):
        op.drop_column(table, 'names')
