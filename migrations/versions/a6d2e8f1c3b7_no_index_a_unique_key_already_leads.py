"""no index on a column a unique key already leads

Eight columns had an index of their own and were also the first column of a unique key on
the same table (a payment's order and its attempt, say). The unique key's index answers every
lookup by that column alone, so the second index only cost upkeep on every row written (a
booth batch writes a hundred payments) and disk.

Revision ID: a6d2e8f1c3b7
Revises: f3a8c1d2e4b6
Create Date: 2026-12-06 12:20:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "a6d2e8f1c3b7"
down_revision = "f3a8c1d2e4b6"
branch_labels = None
depends_on = None

LED_BY_A_UNIQUE_KEY = [
    ("payments", "order_id"),
    ("villages", "township_id"),
    ("village_assignments", "user_id"),
    ("booth_allocations", "booth_id"),
    ("intent_lines", "intent_id"),
    ("statements", "producer_id"),
    ("statement_lines", "statement_id"),
    ("delivery_rules", "producer_id"),
]


def upgrade():
    for table, column in LED_BY_A_UNIQUE_KEY:
        op.drop_index(f"ix_{table}_{column}", table_name=table)


def downgrade():
    for table, column in LED_BY_A_UNIQUE_KEY:
        op.create_index(f"ix_{table}_{column}", table, [column])
