"""Order use cases. Each commits exactly once, or raises and leaves the database as it was."""

import functools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import Integer, Row, bindparam, literal_column, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.dml import ReturningUpdate

from app.accounts.models import User
from app.catalog.models import Certification, Product, Sku
from app.clock import county_date, today
from app.delivery.quotes import parcels, price, rules_column, rules_from_column
from app.domain import order_states as states
from app.domain import payment_states
from app.domain.identity import is_valid_mobile
from app.events.models import Event
from app.extensions import db
from app.models_base import insert_together, rows_changed, utcnow
from app.orders import notes
from app.orders.lines import SkuFacts, order_line
from app.orders.models import Order
from app.orders.refusals import CheckoutError
from app.orders.workflow import creation, set_status
from app.outbox.models import OutboxMessage
from app.outbox.services import (
    compose_mail,
    deliver_after_commit,
    mail_user,
    queue_sms,
    unwritten_mail,
    written_by_job,
)
from app.refusals import Missing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Address:
    recipient: str
    mobile: str
    province: str
    city: str
    county: str
    street: str
    region_code: str = ""  # the county's code: delivery rules look up its province

    @property
    def province_code(self) -> str:
        # Without a code, the producers' rules for "everywhere else" apply.
        return self.region_code[:2] + "0000" if self.region_code else ""


@dataclass(frozen=True)
class CartItem:
    sku_id: int
    quantity: int
    price_seen_fen: int


@dataclass(frozen=True)
class PlacedOrder:
    """What checkout needs once the order is committed, read before the commit expires the row."""

    id: int
    number: str
    total_fen: int
    payment_method: str


class OrderNotFound(Missing):
    pass


def new_order_number(now: datetime) -> str:
    # The county's date as prefix for people, random tail so numbers reveal nothing about volume.
    return f"{county_date(now):%y%m%d}{secrets.randbelow(10**8):08d}"


def fresh_order_number(now: datetime, attempts: int = 5) -> str:
    """A random order number no order has yet, checked by a query.

    Random tails collide now and then once a day holds many orders (a fair, a rush): a taken
    number is drawn again instead of failing the order on the unique constraint. This is for
    callers already holding locks, which a rollback would release (a contract's delivery);
    checkout, which can take its whole order again, inserts first and draws again on a clash
    with the unique key. (A savepoint would serve both, but SQLite's Python driver commits at
    RELEASE.)"""
    for _ in range(attempts):
        number = new_order_number(now)
        if db.session.scalar(select(Order.id).where(Order.number == number)) is None:
            return number
    raise RuntimeError(f"no free order number after {attempts} draws")


def _number_taken(error: IntegrityError) -> bool:
    # The confirmation mail's key holds the number too, and PostgreSQL may meet it first: the
    # order and its mail go in as one statement whose parts run in no set order.
    constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)  # PostgreSQL
    if constraint is not None:
        return constraint in ("uq_orders_number", "uq_outbox_messages_dedupe_key")
    return any(column in str(error.orig) for column in ("orders.number", "outbox_messages.dedupe_key"))  # SQLite


def get_order(number: str, user_id: int | None = None, for_update: bool = False) -> Order:
    """The order with this number (owned by ``user_id`` when given), or OrderNotFound."""
    # The lines come in the same query: an order has a handful of them.
    query = select(Order).where(Order.number == number).options(joinedload(Order.lines))
    if user_id is not None:
        query = query.where(Order.user_id == user_id)
    if for_update:
        query = query.with_for_update(of=Order)
    order = db.session.execute(query).unique().scalar_one_or_none()
    if order is None:
        raise OrderNotFound(number)
    return order


def place_order(
    user_id: int,
    take_items: Callable[[], list[CartItem]],
    address: Address,
    note: str,
    event_code: str | None,
    payment_method: str,
    max_quantity: int,
    payment_timeout_minutes: int,
) -> PlacedOrder:
    """Create an order from the items ``take_items`` hands over, with its lines, and reserve
    stock, all in one transaction. Commits, or rolls everything back and raises CheckoutError.

    ``take_items`` runs inside that transaction: the shop's cart hands its lines over and
    empties in one statement, so a placed order and a cart still holding it never both exist,
    and a second submit of the same cart (a double click) finds it empty instead of ordering
    twice. Stock is taken with a conditional UPDATE per SKU (never read-then-write), in SKU id
    order so two buyers of the same SKUs cannot deadlock on PostgreSQL.
    """
    if not is_valid_mobile(address.mobile):
        raise CheckoutError("bad_mobile")
    for _ in range(5):
        try:
            placed = _place(
                user_id, take_items, address, note, event_code, payment_method, max_quantity, payment_timeout_minutes
            )
        except _NumberTaken:
            # Random numbers collide now and then once a day holds many orders: the whole
            # order (cart, stock and all) is taken again with a new number.
            db.session.rollback()
            continue
        except CheckoutError:
            db.session.rollback()
            raise
        # Business events are logged by number and amount only: never names, phones or addresses.
        log.info("order placed: %s, %d fen, %s", placed.number, placed.total_fen, payment_method)
        return placed
    raise RuntimeError("no free order number after 5 draws")


class _NumberTaken(Exception):
    pass


def _place(
    user_id: int,
    take_items: Callable[[], list[CartItem]],
    address: Address,
    note: str,
    event_code: str | None,
    payment_method: str,
    max_quantity: int,
    payment_timeout_minutes: int,
) -> PlacedOrder:
    items = sorted(take_items(), key=lambda i: i.sku_id)
    if not items:
        raise CheckoutError("empty_cart")
    if any(not 0 < i.quantity <= max_quantity for i in items):
        raise CheckoutError("bad_quantity", n=max_quantity)
    event_id = None
    if event_code:
        event_id = db.session.scalar(select(Event.id).where(Event.code == event_code.strip().upper()))
        if event_id is None:
            raise CheckoutError("unknown_event", code=event_code)
    # Taking the stock also reads what the lines copy: one statement per SKU, and a SKU that
    # could not be taken is looked at again only to say why.
    on, connection = today(), db.session.connection()
    taking = _taking_stock(db.engine.dialect.name)
    attempted = {
        i.sku_id: connection.execute(taking, {"sku_id": i.sku_id, "quantity": i.quantity, "today": on}).first()
        for i in items
    }
    taken = {sku_id: row for sku_id, row in attempted.items() if row is not None}
    if len(taken) < len(attempted):
        raise _refusal(items, attempted)
    changed = [
        _label(taken[i.sku_id].product_name, taken[i.sku_id].name)
        for i in items
        if taken[i.sku_id].price_fen != i.price_seen_fen
    ]
    if changed:
        raise CheckoutError("price_changed", names=changed)

    delivery = price(
        parcels(
            (taken[i.sku_id].producer_id, i.quantity, taken[i.sku_id].net_weight_g, taken[i.sku_id].price_fen)
            for i in items
        ),
        address.province_code,
        {row.producer_id: rules_from_column(row.delivery_rules) for row in taken.values()},
    )
    if delivery.unserved:
        raise CheckoutError("not_served", names=delivery.unserved)
    now = utcnow()
    online = payment_method == "stripe"
    subtotal = sum(taken[i.sku_id].price_fen * i.quantity for i in items)
    order = Order(
        number=new_order_number(now),
        channel="online",
        user_id=user_id,
        event_id=event_id,
        status=states.PENDING_PAYMENT if online else states.CONFIRMED,
        payment_method=payment_method,
        subtotal_fen=subtotal,
        shipping_fen=delivery.fee_fen,
        total_fen=subtotal + delivery.fee_fen,
        note=note.strip()[:500],
        expires_at=now + timedelta(minutes=payment_timeout_minutes) if online else None,
        **address.__dict__,
    )
    lines = [
        order_line(_facts(item.sku_id, taken[item.sku_id]), taken[item.sku_id].price_fen, item.quantity)
        for item in items
    ]
    history = creation(order, "user", user_id, notes.note("placed_online" if online else "placed_cod"))
    # The pay-on-delivery buyer is mailed now, the online payer once paid. The mail is written
    # by the job that sends it (write_order_placed), so placing the order reads nothing of the buyer.
    mail = [] if online else [unwritten_mail(ORDER_PLACED, f"{ORDER_PLACED}:{order.number}")]
    try:
        insert_together(order, [*lines, history], mail)
    except IntegrityError as error:
        if _number_taken(error):
            raise _NumberTaken from error
        raise
    deliver_after_commit(mail)
    placed = PlacedOrder(order.id, order.number, order.total_fen, payment_method)
    db.session.commit()
    return placed


ORDER_PLACED = "order_placed"


@written_by_job(ORDER_PLACED)
def write_order_placed(message: OutboxMessage) -> None:
    """The pay-on-delivery buyer's confirmation, written by its delivery job from the order its
    dedupe key names, in the buyer's language."""
    order = get_order((message.dedupe_key or "").removeprefix(f"{ORDER_PLACED}:"))
    buyer = db.session.get_one(User, order.user_id)
    mail = compose_mail(buyer.email, ORDER_PLACED, buyer.language, user=buyer, order=order, lines=order.lines)
    message.recipient, message.language, message.subject, message.body = (
        mail.recipient,
        mail.language,
        mail.subject,
        mail.body,
    )


def _facts(sku_id: int, taken: Row[Any]) -> SkuFacts:
    return SkuFacts(
        sku_id,
        taken.product_id,
        taken.producer_id,
        taken.product_name,
        taken.code,
        taken.name,
        taken.unit,
        bool(taken.certified),
    )


@functools.cache
def _taking_stock(dialect: str) -> ReturningUpdate[Any]:
    """Take a SKU's stock for a sale when it and its product are on sale and enough is left,
    returning what the order line copies and its producer's delivery rules (built once per
    database kind: it runs for every SKU of every order)."""
    # SQLAlchemy writes RETURNING without table names on SQLite, inside subqueries too, where
    # "product_id = product_id" would compare the certification's column with itself: the
    # SKU's column is named in full.
    sku_product = literal_column(f"{Sku.__tablename__}.product_id", Integer)
    product = select(Product.id).where(Product.id == sku_product)
    certified_today = select(Certification.id).where(
        Certification.product_id == sku_product,
        Certification.valid_from <= bindparam("today"),
        Certification.valid_to >= bindparam("today"),
    )
    return (
        update(Sku)
        .where(
            Sku.id == bindparam("sku_id"),
            Sku.stock >= bindparam("quantity"),
            Sku.is_active.is_(True),
            product.where(Product.is_active.is_(True)).exists(),
        )
        .values(stock=Sku.stock - bindparam("quantity"))
        .returning(
            Sku.product_id,
            Sku.code,
            Sku.name,
            Sku.unit,
            Sku.price_fen,
            Sku.net_weight_g,
            product.with_only_columns(Product.name).scalar_subquery().label("product_name"),
            product.with_only_columns(Product.producer_id).scalar_subquery().label("producer_id"),
            certified_today.exists().label("certified"),
            rules_column(product.with_only_columns(Product.producer_id).scalar_subquery(), dialect),
        )
        .execution_options(synchronize_session=False)
    )


def _refusal(items: list[CartItem], taken: dict[int, Row[Any] | None]) -> CheckoutError:
    """Why some SKUs could not be taken: off sale, their price moved, or not enough left."""
    # Read in the shape the taken rows have, so the two answer the same questions below.
    refused = {
        row.id: row
        for row in db.session.execute(
            select(
                Sku.id,
                Sku.name,
                Sku.price_fen,
                Product.name.label("product_name"),
                (Sku.is_active & Product.is_active).label("on_sale"),
            )
            .join(Product, Product.id == Sku.product_id)
            .where(Sku.id.in_([i for i, row in taken.items() if row is None]))
        )
    }
    unavailable = [str(i) for i, row in taken.items() if row is None and not (i in refused and refused[i].on_sale)]
    if unavailable:
        return CheckoutError("unavailable", skus=unavailable)
    current = {i: row or refused[i] for i, row in taken.items()}
    changed = [
        _label(current[i.sku_id].product_name, current[i.sku_id].name)
        for i in items
        if current[i.sku_id].price_fen != i.price_seen_fen
    ]
    if changed:
        return CheckoutError("price_changed", names=changed)
    return CheckoutError("sold_out", names=[_label(row.product_name, row.name) for row in refused.values()])


def _label(product_name: str, sku_name: str) -> str:
    return f"{product_name} {sku_name}"


def take_stock(sku_id: int, quantity: int) -> bool:
    """Take stock with one conditional UPDATE; False when there is not enough. Does not commit."""
    taken = rows_changed(
        update(Sku)
        .where(Sku.id == sku_id, Sku.stock >= quantity, Sku.is_active.is_(True))
        .values(stock=Sku.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return taken == 1


def release_stock(order: Order) -> None:
    for line in order.lines:
        db.session.execute(
            update(Sku)
            .where(Sku.id == line.sku_id)
            .values(stock=Sku.stock + line.quantity)
            .execution_options(synchronize_session=False)
        )


def cancel_unpaid(
    number: str, actor: str, actor_user_id: int | None, reason: str, owner_id: int | None = None
) -> Order:
    """Cancel an order that is not paid yet and give its stock back. Commits.

    Raises OrderNotFound, or ForbiddenTransition when the order is paid or on its way.
    """
    order = get_order(number, owner_id, for_update=True)
    if order.status not in states.CANCELLABLE_UNPAID or order.payment_status != payment_states.UNPAID:
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
    due = (
        db.session.execute(select(Order.number).where(Order.status == states.PENDING_PAYMENT, Order.expires_at < now))
        .scalars()
        .all()
    )
    for number in due:
        order = db.session.execute(
            select(Order)
            .where(Order.number == number, Order.status == states.PENDING_PAYMENT)
            .with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if order is None or order.payment_status != payment_states.UNPAID:
            db.session.rollback()
            continue
        set_status(order, states.CANCELLED, "system", notes.note("payment_timeout"))
        release_stock(order)
        db.session.commit()
        expired.append(number)
    return expired


def mark_shipped(number: str, carrier: str, tracking_number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    set_status(order, states.SHIPPED, "staff", f"{carrier} {tracking_number}", staff_id)
    order.carrier, order.tracking_number = carrier.strip(), tracking_number.strip()
    if order.user is not None:
        mail_user(order.user, "order_shipped", order=order)
    _text_buyer(order, "order_shipped")
    db.session.commit()
    return order


def _text_buyer(order: Order, kind: str) -> None:
    """A text message to the order's mobile, in its buyer's language, once per order and kind."""
    if is_valid_mobile(order.mobile):
        queue_sms(
            order.mobile,
            kind,
            order.user.language if order.user is not None else None,
            f"sms:{kind}:{order.number}",
            order=order,
            after_sales_days=current_app.config["AFTER_SALES_DAYS"],
        )


def mark_delivered(number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    set_status(order, states.DELIVERED, "staff", notes.note("signed_for"), staff_id)
    _text_buyer(order, "order_delivered")
    db.session.commit()
    return order


def mark_completed(number: str, staff_id: int) -> Order:
    order = get_order(number, for_update=True)
    if order.payment_status != payment_states.PAID:
        db.session.rollback()
        raise states.ForbiddenTransition(order.status, states.COMPLETED)
    set_status(order, states.COMPLETED, "staff", notes.note("order_completed"), staff_id)
    db.session.commit()
    return order
