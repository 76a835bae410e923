"""Read-only order lists for buyers and staff."""

from datetime import datetime

from sqlalchemy.orm import selectinload

from app.extensions import db
from app.orders.models import Order


def orders_of_user(user_id: int, limit: int = 50) -> list[Order]:
    query = (
        db.select(Order)
        .where(Order.user_id == user_id)
        .options(selectinload(Order.lines))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


def online_order_placed_since(user_id: int, since: datetime) -> str | None:
    """The number of the buyer's latest online order placed since ``since``, if any."""
    return db.session.scalar(
        db.select(Order.number)
        .where(Order.user_id == user_id, Order.channel == "online", Order.created_at >= since)
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(1)
    )


def staff_order_page(status: str | None, payment_status: str | None, q: str | None, page: int, per_page: int = 30):
    query = db.select(Order).options(selectinload(Order.lines))
    if status:
        query = query.where(Order.status == status)
    if payment_status:
        query = query.where(Order.payment_status == payment_status)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(Order.number.like(like) | Order.recipient.like(like) | Order.mobile.like(like))
    query = query.order_by(Order.created_at.desc(), Order.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
