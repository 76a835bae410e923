"""Order use cases. Each commits exactly once, or raises and leaves the database as it was."""

import functools
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import (
    Integer,
    Row,
    Select,
    SelectBase,
    bindparam,
    literal,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.dml import ReturningDelete, ReturningUpdate

from app.accounts.models import User
from app.catalog.models import Certification, Product, Sku
from app.clock import county_date, today
from app.delivery.quotes import parcels, price, rules_column, rules_from_column
from app.domain import order_states as states
from app.domain import payment_states
from app.domain.identity import is_valid_mobile
from app.events.models import Event
from app.extensions import db
from app.models_base import insert_together, rows_changed, table_of, utcnow
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
class Basket:
    """What an order is placed from: ``lines``, rows of (sku_id, quantity, price_seen_fen) read
    without taking anything, and ``hand_over``, the statement that takes those lines inside the
    order's transaction (emptying the cart they sit in), returning the same columns; None for
    lines that sit in no cart. ``params`` are both statements' parameters."""

    lines: SelectBase
    hand_over: ReturningDelete[Any] | None
    params: dict[str, Any]


def basket_of(items: list[CartItem]) -> Basket:
    """The lines given, as a basket that is in no cart (nothing to hand over)."""
    rows = [
        select(
            literal(i.sku_id, Integer).label("sku_id"),
            literal(i.quantity, Integer).label("quantity"),
            literal(i.price_seen_fen, Integer).label("price_seen_fen"),
        )
        for i in items
    ]
    return Basket(union_all(*rows) if len(rows) > 1 else rows[0], None, {})


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
    basket: Basket,
    address: Address,
    note: str,
    event_code: str | None,
    payment_method: str,
    max_quantity: int,
    payment_timeout_minutes: int,
) -> PlacedOrder:
    """Create an order from the lines of ``basket``, with its lines, and reserve stock, all in
    one transaction. Commits, or rolls everything back and raises CheckoutError.

    The basket and the SKUs are read first, and the order is judged and built from what was
    read; then one burst of writes hands the cart over (emptying it), takes the stock and
    inserts the order, and checks that both took exactly what was read. The busiest SKU's row
    is locked only for that burst and the commit, not while the order is being built. Stock is
    taken with conditional UPDATEs (never read-then-write), in SKU id order so two buyers of the
    same SKUs cannot deadlock on PostgreSQL. Whatever changed in between (a line added in
    another tab, stock sold, a price moved, the same cart submitted twice) is found by that
    check: the burst is rolled back and the order taken again from the start, which now sees
    the change (a double click finds the cart empty instead of ordering twice).
    """
    if not is_valid_mobile(address.mobile):
        raise CheckoutError("bad_mobile")
    for _ in range(5):
        try:
            placed = _place(
                user_id, basket, address, note, event_code, payment_method, max_quantity, payment_timeout_minutes
            )
        except (_NumberTaken, _Changed):
            # Random numbers collide now and then once a day holds many orders, and a cart or
            # a SKU may change between the reading and the writing: the whole order (cart,
            # stock and all) is taken again, with a new number.
            db.session.rollback()
            continue
        except CheckoutError:
            db.session.rollback()
            raise
        # Business events are logged by number and amount only: never names, phones or addresses.
        log.info("order placed: %s, %d fen, %s", placed.number, placed.total_fen, payment_method)
        return placed
    # Changed under it every time (a cart edited in another window over and over, a rush on its
    # last boxes): the buyer is told, and the cart is left as it is.
    raise CheckoutError("busy")


class _NumberTaken(Exception):
    pass


class _Changed(Exception):
    """The cart or the stock was not what the order was built from."""


def _place(
    user_id: int,
    basket: Basket,
    address: Address,
    note: str,
    event_code: str | None,
    payment_method: str,
    max_quantity: int,
    payment_timeout_minutes: int,
) -> PlacedOrder:
    dialect = db.engine.dialect.name
    # The lines with everything the order needs of their SKUs: what the lines copy, stock and
    # price to judge them by, the producers' delivery rules.
    looked = db.session.connection().execute(_looking(basket.lines, dialect), {**basket.params, "today": today()}).all()
    if not looked:
        raise CheckoutError("empty_cart")
    if any(not 0 < row.quantity <= max_quantity for row in looked):
        raise CheckoutError("bad_quantity", n=max_quantity)
    event_id = None
    if event_code:
        event_id = db.session.scalar(select(Event.id).where(Event.code == event_code.strip().upper()))
        if event_id is None:
            raise CheckoutError("unknown_event", code=event_code)
    refusal = _refusal(looked)
    if refusal is not None:
        raise refusal
    delivery = price(
        parcels((row.producer_id, row.quantity, row.net_weight_g, row.price_fen) for row in looked),
        address.province_code,
        {row.producer_id: rules_from_column(row.delivery_rules) for row in looked},
    )
    if delivery.unserved:
        raise CheckoutError("not_served", names=delivery.unserved)
    now = utcnow()
    online = payment_method == "stripe"
    subtotal = sum(row.price_fen * row.quantity for row in looked)
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
    lines = [order_line(_facts(row), row.price_fen, row.quantity) for row in looked]
    history = creation(order, "user", user_id, notes.note("placed_online" if online else "placed_cod"))
    # The pay-on-delivery buyer is mailed now, the online payer once paid. The mail is written
    # by the job that sends it (write_order_placed), so placing the order reads nothing of the buyer.
    mail = [] if online else [unwritten_mail(ORDER_PLACED, f"{ORDER_PLACED}:{order.number}")]
    read = [(row.sku_id, row.quantity, row.price_seen_fen) for row in looked]
    handing = [(basket.hand_over, basket.params)] if basket.hand_over is not None else []
    try:
        returned = insert_together(order, [*lines, history], mail, [*handing, *_stock_takes(looked)])
    except IntegrityError as error:
        if _number_taken(error):
            raise _NumberTaken from error
        raise
    # Lines in no cart are handed over as read.
    handed, taken = (returned[0], returned[1:]) if handing else (read, returned)
    if sorted(handed) != read or sum(len(rows) for rows in taken) != len(read):
        raise _Changed
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


def _facts(row: Row[Any]) -> SkuFacts:
    return SkuFacts(
        row.sku_id,
        row.product_id,
        row.producer_id,
        row.product_name,
        row.code,
        row.name,
        row.unit,
        bool(row.certified),
    )


@functools.lru_cache(maxsize=16)
def _looking(lines: SelectBase, dialect: str) -> Select[Any]:
    """A basket's lines (in SKU id order) with their SKUs' facts, stock, price and producers'
    delivery rules; NULL facts for a SKU that is gone. Built once per kind of basket: it runs
    for every order."""
    listed = lines.subquery("lines")
    certified_today = select(Certification.id).where(
        Certification.product_id == Sku.product_id,
        Certification.valid_from <= bindparam("today"),
        Certification.valid_to >= bindparam("today"),
    )
    facts = (
        Sku.product_id,
        Sku.code,
        Sku.name,
        Sku.unit,
        Sku.price_fen,
        Sku.net_weight_g,
        Sku.stock,
        (Sku.is_active & Product.is_active).label("on_sale"),
        Product.name.label("product_name"),
        Product.producer_id,
        certified_today.exists().label("certified"),
        rules_column(table_of(Product).c.producer_id, dialect),
    )
    line = (listed.c.sku_id, listed.c.quantity, listed.c.price_seen_fen)
    if dialect != "postgresql":
        return (
            select(*line, *facts)
            .select_from(
                listed.outerjoin(Sku, Sku.id == listed.c.sku_id).outerjoin(Product, Product.id == Sku.product_id)
            )
            .order_by(listed.c.sku_id)
        )
    # PostgreSQL: each line's SKU and product looked up by key (LATERAL), whatever the cart
    # table's statistics say. Without vacuuming they soon claimed hundreds of lines per buyer, and
    # the plan scanned and sorted every SKU and product for an order of one line.
    by_key = (
        select(*facts)
        .select_from(Sku)
        .outerjoin(Product, Product.id == Sku.product_id)
        .where(Sku.id == listed.c.sku_id)
        .lateral("facts")
    )
    return select(*line, *by_key.c).select_from(listed.outerjoin(by_key, true())).order_by(listed.c.sku_id)


def _stock_takes(looked: Sequence[Row[Any]]) -> list[tuple[ReturningUpdate[Any], dict[str, Any]]]:
    """The statements that take each line's stock at the price it was read at, in SKU id order,
    each returning the id of the SKU it took (nothing when it could not). Numbered: on
    PostgreSQL they are parts of one statement, whose returned values are computed in the order
    written, so two orders of the same SKUs lock their rows in the same order."""
    return [
        (_taking_stock(n), {f"sku_{n}": row.sku_id, f"quantity_{n}": row.quantity, f"price_{n}": row.price_fen})
        for n, row in enumerate(looked)
    ]


@functools.cache
def _taking_stock(n: int) -> ReturningUpdate[Any]:
    """Take the stock of the order's ``n``-th SKU when it and its product are on sale, enough is
    left and the price is still the one the order was built with (built once per line number)."""
    quantity = bindparam(f"quantity_{n}", type_=Integer)
    # The SKU's column named in full: SQLAlchemy writes it without its table on SQLite, where in
    # the subquery it would be the product's own column.
    sku_product = literal_column(f"{Sku.__tablename__}.product_id", Integer)
    on_sale = select(Product.id).where(Product.id == sku_product, Product.is_active.is_(True)).exists()
    return (
        update(Sku)
        .values(stock=Sku.stock - quantity)
        .where(
            Sku.id == bindparam(f"sku_{n}"),
            Sku.stock >= quantity,
            Sku.price_fen == bindparam(f"price_{n}"),
            Sku.is_active.is_(True),
            on_sale,
        )
        .returning(Sku.id)
    )


def _refusal(looked: Sequence[Row[Any]]) -> CheckoutError | None:
    """Why the lines read cannot be ordered: off sale, their price moved, or not enough left."""
    unavailable = [str(row.sku_id) for row in looked if not row.on_sale]
    if unavailable:
        return CheckoutError("unavailable", skus=unavailable)
    changed = [_label(row.product_name, row.name) for row in looked if row.price_fen != row.price_seen_fen]
    if changed:
        return CheckoutError("price_changed", names=changed)
    short = [_label(row.product_name, row.name) for row in looked if row.stock < row.quantity]
    if short:
        return CheckoutError("sold_out", names=short)
    return None


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
