"""What a lot's trace page and the staff lot pages show."""

from datetime import date

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from app.catalog.models import Product, Sku
from app.extensions import db
from app.impact.models import Attribution, LedgerMonth
from app.orders.models import OrderLine
from app.registry.queries import public_benefit_summary
from app.trace.models import Lot


def lot_by_code(code: str) -> Lot | None:
    return db.session.execute(
        db.select(Lot)
        .where(Lot.code == code.strip().upper())
        .options(
            selectinload(Lot.sku).selectinload(Sku.product).selectinload(Product.certifications),
            selectinload(Lot.producer),
        )
    ).scalar_one_or_none()


def trace(lot: Lot, on: date) -> dict:
    """The public story of a lot: where it grew, who made it, whom its product's sales helped."""
    product = lot.sku.product
    brought, households_reached = db.session.execute(
        db.select(
            func.coalesce(func.sum(LedgerMonth.amount_fen), 0), func.count(func.distinct(LedgerMonth.household_id))
        ).where(LedgerMonth.product_id == product.id, LedgerMonth.household_id != 0)
    ).one()
    return {
        "lot": lot,
        "sku": lot.sku,
        "product": product,
        "producer": lot.producer,
        "certification": product.valid_certification(on),
        "benefit": public_benefit_summary(lot.producer_id, on),
        "brought_fen": int(brought),
        "households_reached": households_reached,
    }


def lots_page(page: int, per_page: int = 50):
    query = db.select(Lot).order_by(Lot.id.desc()).options(selectinload(Lot.sku).selectinload(Sku.product))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def lot_sales(lot_id: int) -> dict:
    """Sales that named this lot (scanned or typed at a booth), and what they brought households."""
    quantity, amount = db.session.execute(
        db.select(
            func.coalesce(func.sum(OrderLine.quantity), 0), func.coalesce(func.sum(OrderLine.line_total_fen), 0)
        ).where(OrderLine.lot_id == lot_id)
    ).one()
    attributed, households = db.session.execute(
        db.select(
            func.coalesce(func.sum(Attribution.amount_fen), 0), func.count(func.distinct(Attribution.household_id))
        )
        # By the order as well: the ledger is indexed by order, not by line.
        .join(OrderLine, (OrderLine.id == Attribution.order_line_id) & (OrderLine.order_id == Attribution.order_id))
        .where(OrderLine.lot_id == lot_id)
    ).one()
    return {
        "quantity": int(quantity),
        "amount_fen": int(amount),
        "attributed_fen": int(attributed),
        "households": households,
    }
