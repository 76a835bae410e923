"""written_otherwise(): the error a statement raises when its writes were not the ones expected

insert_together runs an order's hand-over of the cart and its stock takes in the statement
that inserts the order, and checks there what they returned: a statement that stands alone
(no BEGIN, no COMMIT) can only be undone by failing. PostgreSQL only; SQLite checks in Python.

Revision ID: f3b8d1c6a207
Revises: e7c2a9b4d105
Create Date: 2026-12-05 02:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b8d1c6a207'
down_revision = 'e7c2a9b4d105'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION written_otherwise() RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'rows written otherwise than expected' USING ERRCODE = 'W0001';
        END
        $$
        """
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION written_otherwise()")
