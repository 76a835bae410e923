"""monthly roll-up of the attribution ledger, filled from the daily one

Revision ID: 9d41b7e2c5f3
Revises: 7c2d4e6f8a10
Create Date: 2026-11-29 11:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d41b7e2c5f3'
down_revision = '7c2d4e6f8a10'
branch_labels = None
depends_on = None

KEYS = "township_id, village_id, household_id, producer_id, product_id, channel, event_id, certified"


def upgrade():
    op.create_table('ledger_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('township_id', sa.Integer(), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Boolean(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('pairs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_months')),
    sa.UniqueConstraint('month', 'township_id', 'village_id', 'household_id', 'producer_id', 'product_id', 'channel', 'event_id', 'certified', name='uq_ledger_months_key')
    )
    # Existing databases get their months from the days already rolled up.
    month = "date_trunc('month', day)::date" if op.get_bind().dialect.name == "postgresql" else "date(day, 'start of month')"
    op.execute(f"INSERT INTO ledger_months (month, {KEYS}, amount_fen, pairs) "
               f"SELECT {month}, {KEYS}, sum(amount_fen), sum(pairs) FROM ledger_days GROUP BY {month}, {KEYS}")


def downgrade():
    op.drop_table('ledger_months')
