"""order lines remember certification at sale

Revision ID: 876a3ceb3f4e
Revises: 76a8926a73a9
Create Date: 2026-11-28 21:39:56.471287

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '876a3ceb3f4e'
down_revision = '76a8926a73a9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        # Lines sold before this column existed are counted as uncertified: we cannot prove otherwise.
        batch_op.add_column(sa.Column('certified', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade():
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('certified')

