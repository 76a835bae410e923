"""contract and delivery-note PDFs are laid out by the job worker

An issued document's row keeps the HTML it is laid out from until the worker has written the
PDF; the PDF's hash is unknown until then.

Revision ID: d4b2e6f8a013
Revises: c3a1e5d7f901
Create Date: 2026-12-03 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd4b2e6f8a013'
down_revision = 'c3a1e5d7f901'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)


def downgrade():
    # Documents still waiting for their PDF cannot be kept without one.
    op.execute("DELETE FROM documents WHERE sha256 IS NULL")
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('html')
