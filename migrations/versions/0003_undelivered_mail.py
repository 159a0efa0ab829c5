"""undelivered mail, kept for `ovote mail retry`

Revision ID: 0003_undelivered_mail
Revises: 0002_registration
Create Date: 2026-11-28 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_undelivered_mail'
down_revision = '0002_registration'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('undelivered_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('leased_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=False),
    sa.Column('message_enc', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_undelivered_mail'))
    )
    with op.batch_alter_table('undelivered_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_undelivered_mail_next_attempt_at'), ['next_attempt_at'], unique=False)


def downgrade():
    op.drop_table('undelivered_mail')
