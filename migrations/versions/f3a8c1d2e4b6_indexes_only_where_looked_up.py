"""indexes only where they are looked up

An online order names no event, contract or lot, yet each wrote an entry into those columns'
indexes: they now cover only the rows that set them (a lookup by value implies the column is
set, so it still uses them). Nothing looks the outbox up by recipient; its index went with every
message written.

Revision ID: f3a8c1d2e4b6
Revises: e7c2a9b4d105
Create Date: 2026-12-05 21:50:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f3a8c1d2e4b6"
down_revision = "e7c2a9b4d105"
branch_labels = None
depends_on = None

WHERE_SET = [("orders", "event_id"), ("orders", "purchase_intent_id"), ("order_lines", "lot_id")]


def upgrade():
    for table, column in WHERE_SET:
        where_set = sa.text(f"{column} IS NOT NULL")
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column], postgresql_where=where_set, sqlite_where=where_set)
    op.drop_index("ix_outbox_messages_recipient", table_name="outbox_messages")


def downgrade():
    op.create_index("ix_outbox_messages_recipient", "outbox_messages", ["recipient"])
    for table, column in WHERE_SET:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.create_index(f"ix_{table}_{column}", table, [column])
