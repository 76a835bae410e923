"""a partial index on the roll-up's uncertified rows, for the warning about events

Revision ID: 7c2d4e6f8a10
Revises: 5b7e0c3d9a21
Create Date: 2026-11-29 09:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c2d4e6f8a10'
down_revision = '5b7e0c3d9a21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_ledger_days_uncertified', 'ledger_days', ['event_id', 'product_id', 'day', 'amount_fen'],
                    unique=False, postgresql_where=sa.text('certified IS false'),
                    sqlite_where=sa.text('certified IS 0'))


def downgrade():
    op.drop_index('ix_ledger_days_uncertified', table_name='ledger_days')
