"""the ledger's township, village and event copies carry no foreign key; neither the township nor the line is indexed

Each is copied from a row the ledger's composite keys already hold (the link's household,
the producer, the order); a key of their own cost a third of a booth batch's ledger time.
`flask verify-ledger` checks that every copy names an existing row. Reports by place read the
roll-ups, not the ledger's township column; a line's rows are found through its order's index.

Revision ID: 1b7098cafa8a
Revises: 61e7cc569e66
Create Date: 2026-12-02 14:08:02.761632

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1b7098cafa8a'
down_revision = '61e7cc569e66'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attributions_township_id_townships'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_event_id_events'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_village_id_villages'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attributions_township_id'))
        batch_op.drop_index(batch_op.f('ix_attributions_order_line_id'))


def downgrade():
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attributions_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attributions_township_id'), ['township_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attributions_village_id_villages'), 'villages', ['village_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_event_id_events'), 'events', ['event_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_township_id_townships'), 'townships', ['township_id'], ['id'])

