"""the monthly roll-up is indexed by township and by village

A township's or a village's report (and the village notices) read that place's own monthly
rows instead of scanning the whole roll-up: at the province scale, 1.65 million rows.

Revision ID: be8f31983ffd
Revises: 1b7098cafa8a
Create Date: 2026-12-02 17:34:51.664516

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'be8f31983ffd'
down_revision = '1b7098cafa8a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_months', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_months_township', ['township_id', 'month'], unique=False)
        batch_op.create_index('ix_ledger_months_village', ['village_id', 'month'], unique=False)


def downgrade():
    with op.batch_alter_table('ledger_months', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_months_village')
        batch_op.drop_index('ix_ledger_months_township')
