"""Read-only order lists for buyers and staff."""

from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from app.domain import order_states as states
from app.extensions import db
from app.orders.models import Order

# My orders' tabs: which statuses each shows.
TABS: dict[str, tuple[str, ...]] = {
    "all": (),
    "unpaid": (states.PENDING_PAYMENT,),
    "to_ship": (states.PAID, states.CONFIRMED),
    "shipped": (states.SHIPPED,),
    "done": (states.DELIVERED, states.COMPLETED),
    "closed": (states.CANCELLED, states.REFUNDED),
}


def orders_of_user(user_id: int, tab: str, page: int, per_page: int = 10) -> Pagination:
    """A buyer's orders in one tab, newest first."""
    query = (
        db.select(Order)
        .where(Order.user_id == user_id)
        .options(selectinload(Order.lines))
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    if TABS.get(tab):
        query = query.where(Order.status.in_(TABS[tab]))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class Step:
    key: str  # placed, paid, shipped, delivered, completed, cancelled, refunded
    at: datetime | None
    link: str = ""


TRACKING_URL = "https://www.kuaidi100.com/chaxun?nu={number}"


def timeline(order: Order) -> list[Step]:
    """The order's way so far and what is still ahead, for its page: placed, paid (after delivery
    when paid at the door), shipped with the carrier's tracking link, delivered, completed; or
    how it ended."""
    # Only an order that has ended reads its status history (one more statement), for when it ended.
    ended = order.status in (states.COMPLETED, states.CANCELLED, states.REFUNDED)
    changed = {change.to_status: change.created_at for change in order.status_changes} if ended else {}
    paid = Step("paid", order.paid_at)
    steps = [Step("placed", order.created_at)]
    if order.payment_method != "cod":
        steps.append(paid)
    steps += [
        Step(
            "shipped",
            order.shipped_at,
            TRACKING_URL.format(number=order.tracking_number) if order.tracking_number else "",
        ),
        Step("delivered", order.delivered_at),
    ]
    if order.payment_method == "cod":
        steps.append(paid)
    steps.append(Step("completed", changed.get(states.COMPLETED)))
    for ending in (states.CANCELLED, states.REFUNDED):
        if order.status == ending:
            done = [step for step in steps if step.at is not None]
            return [*done, Step(ending, changed.get(ending))]
    return steps


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
