"""Order use cases. Each commits exactly once, or raises and leaves the database as it was."""
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.catalog.models import Certification, Sku
from app.clock import today
from app.domain import order_states as states
from app.domain.identity import is_valid_mobile
from app.events.models import Event
from app.extensions import db
from app.models_base import utcnow
from app.orders.models import Order, OrderLine
from app.orders.workflow import record_creation, set_status
from app.outbox.services import queue_mail

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Address:
    recipient: str
    mobile: str
    province: str
    city: str
    county: str
    street: str


@dataclass(frozen=True)
class CartItem:
    sku_id: int
    quantity: int
    price_seen_fen: int


@dataclass
class CheckoutError(Exception):
    """Why an order could not be placed; ``items`` names the SKUs concerned."""

    code: str  # empty_cart, sold_out, price_changed, unavailable, unknown_event, bad_mobile, bad_quantity
    items: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {', '.join(self.items)}"


@dataclass(frozen=True)
class PlacedOrder:
    """What checkout needs once the order is committed, read before the commit expires the row."""

    id: int
    number: str
    total_fen: int
    payment_method: str


class OrderNotFound(Exception):
    pass


def new_order_number(now: datetime) -> str:
    # Date prefix for people, random tail so numbers reveal nothing about volume.
    return f"{now:%y%m%d}{secrets.randbelow(10**8):08d}"


def fresh_order_number(now: datetime, attempts: int = 5) -> str:
    """A random order number no order has yet, checked by a query.

    Random tails collide now and then once a day holds many orders (a fair, a rush): a taken
    number is drawn again instead of failing the order on the unique constraint. This is for
    callers already holding locks, which a rollback would release (a contract's delivery);
    checkout, which holds none, uses _add_with_fresh_number. (A savepoint would serve both, but
    SQLite's Python driver commits at RELEASE.)"""
    for _ in range(attempts):
        number = new_order_number(now)
        if db.session.scalar(db.select(Order.id).where(Order.number == number)) is None:
            return number
    raise RuntimeError(f"no free order number after {attempts} draws")


def _add_with_fresh_number(build: Callable[[str], Order], now: datetime, attempts: int = 5) -> Order:
    """Add and flush the order ``build(number)`` makes, with a random number no order has.

    The unique key checks the number as the row goes in, with no query first; a taken one
    (rare) rolls the transaction back and is drawn again, so a concurrent order taking the
    same number between a check and an insert cannot fail this one either. Only for callers
    that have written nothing and locked nothing yet in this transaction."""
    for _ in range(attempts):
        order = build(new_order_number(now))
        db.session.add(order)
        try:
            db.session.flush()
            return order
        except IntegrityError as error:
            db.session.rollback()
            if not _number_taken(error):
                raise
    raise RuntimeError(f"no free order number after {attempts} draws")


def _number_taken(error: IntegrityError) -> bool:
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)  # PostgreSQL
    return constraint == "uq_orders_number" or "orders.number" in str(error.orig)  # or SQLite's message


def get_order(number: str, user_id: int | None = None, for_update: bool = False) -> Order:
    """The order with this number (owned by ``user_id`` when given), or OrderNotFound."""
    # The lines come in the same query: an order has a handful of them.
    query = db.select(Order).where(Order.number == number).options(joinedload(Order.lines))
    if user_id is not None:
        query = query.where(Order.user_id == user_id)
    if for_update:
        query = query.with_for_update(of=Order)
    order = db.session.execute(query).unique().scalar_one_or_none()
    if order is None:
        raise OrderNotFound(number)
    return order


def place_order(user_id: int, items: list[CartItem], address: Address, note: str, event_code: str | None,
                payment_method: str, max_quantity: int, payment_timeout_minutes: int,
                also: Callable[[], None] | None = None) -> PlacedOrder:
    """Create an order with its lines and reserve stock, all in one transaction. Commits.

    Stock is taken with a conditional UPDATE per SKU (never read-then-write), in SKU id
    order so two buyers of the same SKUs cannot deadlock on PostgreSQL. Raises
    CheckoutError and leaves nothing behind when any SKU falls short or changed price.
    ``also`` runs inside the same transaction: the shop empties the cart there, so a placed
    order and a cart still holding it never both exist.
    """
    if not items:
        raise CheckoutError("empty_cart")
    if not is_valid_mobile(address.mobile):
        raise CheckoutError("bad_mobile")
    if any(not 0 < i.quantity <= max_quantity for i in items):
        raise CheckoutError("bad_quantity")
    items = sorted(items, key=lambda i: i.sku_id)
    # Whether each product is certified today comes with its SKU, not from a second query.
    certified_today = db.select(Certification.id).where(
        Certification.product_id == Sku.product_id, Certification.valid_from <= today(),
        Certification.valid_to >= today()).exists()
    rows = db.session.execute(
        db.select(Sku, certified_today).where(Sku.id.in_([i.sku_id for i in items])).options(joinedload(Sku.product)))
    skus, certified = {}, set()
    for sku, is_certified in rows:
        skus[sku.id] = sku
        if is_certified:
            certified.add(sku.id)
    unavailable = [str(i.sku_id) for i in items
                   if i.sku_id not in skus or not skus[i.sku_id].is_active or not skus[i.sku_id].product.is_active]
    if unavailable:
        raise CheckoutError("unavailable", unavailable)
    changed = [_label(skus[i.sku_id]) for i in items if skus[i.sku_id].price_fen != i.price_seen_fen]
    if changed:
        raise CheckoutError("price_changed", changed)
    event_id = None
    if event_code:
        event_id = db.session.scalar(db.select(Event.id).where(Event.code == event_code.strip().upper()))
        if event_id is None:
            raise CheckoutError("unknown_event", [event_code])

    now = utcnow()
    online = payment_method == "stripe"
    subtotal = sum(skus[i.sku_id].price_fen * i.quantity for i in items)
    # Nothing is written or locked yet: the number can be checked by the unique key as it goes in.
    order = _add_with_fresh_number(lambda number: Order(
        number=number, channel="online", user_id=user_id, event_id=event_id,
        status=states.PENDING_PAYMENT if online else states.CONFIRMED, payment_method=payment_method,
        subtotal_fen=subtotal, shipping_fen=0, total_fen=subtotal, note=note.strip()[:500],
        expires_at=now + timedelta(minutes=payment_timeout_minutes) if online else None,
        **address.__dict__,
    ), now)
    sold_out, lines = [], []
    for item in items:
        sku = skus[item.sku_id]
        if not take_stock(sku.id, item.quantity):
            sold_out.append(_label(sku))
            continue
        lines.append(OrderLine(
            order_id=order.id, sku_id=sku.id, product_id=sku.product_id, producer_id=sku.product.producer_id,
            product_name=sku.product.name, sku_code=sku.code, sku_name=sku.name, unit=sku.unit,
            unit_price_fen=sku.price_fen, quantity=item.quantity, line_total_fen=sku.price_fen * item.quantity,
            certified=sku.id in certified))
    if sold_out:
        db.session.rollback()
        raise CheckoutError("sold_out", sold_out)
    db.session.add_all(lines)
    record_creation(order, "user", user_id, "下单（在线支付）" if online else "下单（货到付款）")
    if not online:
        _queue_confirmation(order, lines)
    if also is not None:
        also()
    placed = PlacedOrder(order.id, order.number, order.total_fen, payment_method)
    db.session.commit()
    # Business events are logged by number and amount only: never names, phones or addresses.
    log.info("order placed: %s, %d line(s), %d fen, %s", placed.number, len(lines), placed.total_fen, payment_method)
    return placed


def _label(sku: Sku) -> str:
    return f"{sku.product.name} {sku.name}"


def take_stock(sku_id: int, quantity: int) -> bool:
    """Take stock with one conditional UPDATE; False when there is not enough. Does not commit."""
    result = db.session.execute(
        update(Sku).where(Sku.id == sku_id, Sku.stock >= quantity, Sku.is_active.is_(True))
        .values(stock=Sku.stock - quantity).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release_stock(order: Order) -> None:
    for line in order.lines:
        db.session.execute(update(Sku).where(Sku.id == line.sku_id).values(stock=Sku.stock + line.quantity)
                           .execution_options(synchronize_session=False))


def _queue_confirmation(order: Order, lines: list[OrderLine]) -> None:
    if order.user is None:
        return
    listed = "\n".join(f"  {l.product_name} {l.sku_name} × {l.quantity}" for l in lines)
    queue_mail(order.user.email, f"订单 {order.number} 已确认",
               f"您好，您的订单 {order.number} 已确认，我们会尽快发货。\n{listed}\n"
               f"合计：¥{order.total_fen / 100:.2f}\n收货地址：{order.address_line} {order.recipient}\n"
               "每一笔购买都会按带贫协议记到受益的贫困户。谢谢您的支持！\n")


def cancel_unpaid(number: str, actor: str, actor_user_id: int | None, reason: str,
                  owner_id: int | None = None) -> Order:
    """Cancel an order that is not paid yet and give its stock back. Commits.

    Raises OrderNotFound, or ForbiddenTransition when the order is paid or on its way.
    """
    order = get_order(number, owner_id, for_update=True)
    if order.status not in states.CANCELLABLE_UNPAID or order.payment_status != states.UNPAID:
        db.session.rollback()
        raise states.ForbiddenTransition(order.status, states.CANCELLED)
    set_status(order, states.CANCELLED, actor, reason, actor_user_id)
    release_stock(order)
    db.session.commit()
    return order


def expire_orders(now: datetime | None = None) -> list[str]:
    """Cancel online orders whose payment window passed and release their stock. Commits.

    Safe to run any number of times and from several processes at once: each order is
    locked and rechecked, and locked ones are skipped (another run has them).
    """
    now = now or utcnow()
    expired = []
    due = db.session.execute(
        db.select(Order.number).where(Order.status == states.PENDING_PAYMENT, Order.expires_at < now)
    ).scalars().all()
    for number in due:
        order = db.session.execute(
            db.select(Order).where(Order.number == number, Order.status == states.PENDING_PAYMENT)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if order is None or order.payment_status != states.UNPAID:
            db.session.rollback()
            continue
        set_status(order, states.CANCELLED, "system", "支付超时，订单自动取消")
        release_stock(order)
        db.session.commit()
        expired.append(number)
    return expired


def mark_shipped(number: str, carrier: str, tracking_number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    set_status(order, states.SHIPPED, "staff", f"{carrier} {tracking_number}", staff_id)
    order.carrier, order.tracking_number = carrier.strip(), tracking_number.strip()
    if order.user is not None:
        queue_mail(order.user.email, f"订单 {order.number} 已发货",
                   f"您的订单 {order.number} 已交给 {order.carrier} 发出，运单号 {order.tracking_number}。\n")
    db.session.commit()
    return order


def mark_delivered(number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    set_status(order, states.DELIVERED, "staff", "签收", staff_id)
    db.session.commit()
    return order


def mark_completed(number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    if order.payment_status != states.PAYMENT_PAID:
        db.session.rollback()
        raise states.ForbiddenTransition(order.status, states.COMPLETED)
    set_status(order, states.COMPLETED, "staff", "订单完成", staff_id)
    db.session.commit()
    return order

