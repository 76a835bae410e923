"""cart lines are found by their unique (user_id, sku_id) index alone

The index on user_id alone repeated the unique index's leading column: every cart line added
and every order taking a cart wrote both.

Revision ID: e7c2a9b4d105
Revises: d4b2e6f8a013
Create Date: 2026-12-05 01:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e7c2a9b4d105'
down_revision = 'd4b2e6f8a013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cart_items', schema=None) as batch_op:
        batch_op.drop_index('ix_cart_items_user_id')


def downgrade():
    with op.batch_alter_table('cart_items', schema=None) as batch_op:
        batch_op.create_index('ix_cart_items_user_id', ['user_id'], unique=False)
