"""a covering index for sales per day on the daily roll-up

Revision ID: 5b7e0c3d9a21
Revises: 2c1ec74abf8a
Create Date: 2026-11-29 06:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5b7e0c3d9a21'
down_revision = '2c1ec74abf8a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_days', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_days_day_amount', ['day', 'amount_fen'], unique=False)


def downgrade():
    with op.batch_alter_table('ledger_days', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_days_day_amount')
