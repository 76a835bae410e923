"""the monthly roll-up is indexed by event

An event's report reads that event's own monthly rows instead of scanning the whole roll-up.

Revision ID: c3a1e5d7f901
Revises: be8f31983ffd
Create Date: 2026-12-03 14:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3a1e5d7f901'
down_revision = 'be8f31983ffd'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_months', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_months_event', ['event_id', 'month'], unique=False)


def downgrade():
    with op.batch_alter_table('ledger_months', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_months_event')
