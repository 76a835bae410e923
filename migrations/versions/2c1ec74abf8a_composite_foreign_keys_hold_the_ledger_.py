"""composite foreign keys hold the ledger's copied columns to their line and link

Revision ID: 2c1ec74abf8a
Revises: 44fdd9a60329
Create Date: 2026-11-29 03:39:59.131436

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2c1ec74abf8a'
down_revision = '44fdd9a60329'
branch_labels = None
depends_on = None


def upgrade():
    # The referenced column sets need their unique keys before any foreign key can point at them.
    with op.batch_alter_table('benefit_links', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_benefit_links_ledger_key', ['id', 'household_id', 'producer_id'])

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_order_lines_ledger_key', ['id', 'order_id', 'producer_id'])

    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attributions_producer_id_producers'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_order_id_orders'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_benefit_link_id_benefit_links'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_order_line_id_order_lines'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_attributions_household_id_households'), type_='foreignkey')
        batch_op.create_foreign_key('fk_attributions_link_household_producer', 'benefit_links', ['benefit_link_id', 'household_id', 'producer_id'], ['id', 'household_id', 'producer_id'])
        batch_op.create_foreign_key('fk_attributions_line_order_producer', 'order_lines', ['order_line_id', 'order_id', 'producer_id'], ['id', 'order_id', 'producer_id'])
        batch_op.create_check_constraint(batch_op.f('ck_attributions_household_has_link'),
                                         '(benefit_link_id IS NULL) = (household_id IS NULL)')


def downgrade():
    with op.batch_alter_table('attributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_attributions_household_has_link'), type_='check')
        batch_op.drop_constraint('fk_attributions_line_order_producer', type_='foreignkey')
        batch_op.drop_constraint('fk_attributions_link_household_producer', type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_attributions_household_id_households'), 'households', ['household_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_order_line_id_order_lines'), 'order_lines', ['order_line_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_benefit_link_id_benefit_links'), 'benefit_links', ['benefit_link_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_order_id_orders'), 'orders', ['order_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_attributions_producer_id_producers'), 'producers', ['producer_id'], ['id'])

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_constraint('uq_order_lines_ledger_key', type_='unique')

    with op.batch_alter_table('benefit_links', schema=None) as batch_op:
        batch_op.drop_constraint('uq_benefit_links_ledger_key', type_='unique')
