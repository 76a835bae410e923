"""Deliveries against a confirmed contract: each is an order on the ``intent`` channel at the
agreed prices, with its stock reserved atomically; the unit confirms receipt (验收); the
money comes per delivery (bank transfer recorded by staff, or Stripe) and is attributed to
households exactly as online sales are."""

from dataclasses import dataclass

from sqlalchemy import func, select, update

from app.audit.services import Actor, record
from app.bulk import notes
from app.bulk.models import IntentLine, PurchaseIntent
from app.bulk.refusals import DeliveryError
from app.bulk.workflow import set_intent_status
from app.clock import today
from app.domain import intent_states, payment_states
from app.domain import order_states as states
from app.domain.identity import is_valid_mobile
from app.extensions import db
from app.models_base import rows_changed, utcnow
from app.orders.lines import SkuFacts, order_line
from app.orders.models import Order
from app.orders.services import fresh_order_number, get_order, take_stock
from app.orders.workflow import record_creation, set_status
from app.outbox.services import mail_user


@dataclass(frozen=True)
class DeliveryDraft:
    quantities: dict[int, int]  # intent line id → boxes in this delivery
    recipient: str
    mobile: str
    address: str


def create_delivery(intent: PurchaseIntent, draft: DeliveryDraft, actor: Actor) -> Order:
    """One delivery of part (or the rest) of the contract. Commits, or raises DeliveryError and
    leaves stock, lines and contract as they were."""
    # One delivery of a contract at a time (PostgreSQL): its status moves on the first one.
    db.session.execute(select(PurchaseIntent.id).where(PurchaseIntent.id == intent.id).with_for_update())
    if intent.status not in intent_states.DELIVERABLE:
        raise DeliveryError("not_deliverable")
    if not is_valid_mobile(draft.mobile):
        raise DeliveryError("recipient_mobile")
    lines = {line.id: line for line in intent.lines}
    wanted = {line_id: q for line_id, q in draft.quantities.items() if q}
    if not wanted:
        raise DeliveryError("no_quantities")
    if any(i not in lines for i in wanted):
        raise DeliveryError("unknown_line")
    problems = [
        f"{lines[i].sku.code}: {lines[i].quantity - lines[i].delivered}"
        for i, q in wanted.items()
        if q < 0 or q > lines[i].quantity - lines[i].delivered
    ]
    if problems:
        raise DeliveryError("beyond_contract", problems=problems)
    stripe = intent.payment_terms == "prepay_stripe"
    total = sum(lines[i].unit_price_fen * q for i, q in wanted.items())
    order = Order(
        number=fresh_order_number(utcnow()),
        channel="intent",
        user_id=intent.created_by_id,
        event_id=intent.event_id,
        purchase_intent_id=intent.id,
        status=states.PENDING_PAYMENT if stripe else states.CONFIRMED,
        payment_method="stripe" if stripe else "bank_transfer",
        subtotal_fen=total,
        shipping_fen=0,
        total_fen=total,
        recipient=draft.recipient.strip()[:64],
        mobile=draft.mobile.strip(),
        street=draft.address.strip()[:255],
        note=notes.note("contract_note_po", number=intent.number, po=intent.po_number)
        if intent.po_number
        else notes.note("contract_note", number=intent.number),
    )
    db.session.add(order)
    db.session.flush()
    short, over = [], []
    for line_id in sorted(wanted, key=lambda i: lines[i].sku_id):  # SKU order: no deadlocks on PostgreSQL
        line, quantity = lines[line_id], wanted[line_id]
        if not _count_delivered(line.id, quantity):
            over.append(line.sku.code)
            continue
        if not take_stock(line.sku_id, quantity):
            short.append(line.sku.code)
            continue
        order.lines.append(order_line(SkuFacts.of(line.sku, today()), line.unit_price_fen, quantity))
    if over:
        db.session.rollback()
        raise DeliveryError("beyond_contract_now", codes=over)
    if short:
        db.session.rollback()
        raise DeliveryError("short_of_stock", codes=short)
    record_creation(order, "staff", actor.user_id, notes.note("contract_delivery", number=intent.number))
    if intent.status == intent_states.CONFIRMED:
        set_intent_status(intent, intent_states.IN_FULFILMENT, actor, notes.note("first_delivery", order=order.number))
    record(
        actor,
        "create_delivery",
        "purchase_intent",
        intent.number,
        after={"order": order.number, "lines": {lines[i].sku.code: q for i, q in wanted.items()}},
    )
    db.session.commit()
    return order


def _count_delivered(line_id: int, quantity: int) -> bool:
    """Add to a contract line's delivered count with one conditional UPDATE, never past the
    contracted quantity, whatever another delivery does at the same moment."""
    counted = rows_changed(
        update(IntentLine)
        .where(IntentLine.id == line_id, IntentLine.delivered + quantity <= IntentLine.quantity)
        .values(delivered=IntentLine.delivered + quantity)
        .execution_options(synchronize_session=False)
    )
    return counted == 1


def ship_delivery(number: str, carrier: str, tracking: str, actor: Actor) -> Order:
    """Hand a delivery to the carrier; prepaid terms mean it must be paid first. Commits."""
    order = get_order(number, for_update=True)
    intent = db.session.get_one(PurchaseIntent, order.purchase_intent_id)
    if intent.payment_terms != "pay_by_due" and order.payment_status != payment_states.PAID:
        db.session.rollback()
        raise DeliveryError("prepaid_unpaid")
    set_status(order, states.SHIPPED, "staff", f"{carrier} {tracking}".strip(), actor.user_id)
    order.carrier, order.tracking_number = carrier.strip()[:64], tracking.strip()[:64]
    if order.user is not None:
        mail_user(order.user, "delivery_shipped", order=order, intent=intent)
    db.session.commit()
    return order


def accept_delivery(order: Order, actor: Actor) -> Order:
    """The unit confirms it received the delivery (验收); the last one fulfils the contract. Commits."""
    set_status(order, states.DELIVERED, "unit", notes.note("unit_accepted"), actor.user_id)
    intent = db.session.get_one(PurchaseIntent, order.purchase_intent_id)
    record(actor, "accept_delivery", "purchase_intent", intent.number, after={"order": order.number})
    db.session.flush()
    if _complete(intent):
        set_intent_status(intent, intent_states.FULFILLED, actor, notes.note("all_delivered"))
    db.session.commit()
    return order


def _complete(intent: PurchaseIntent) -> bool:
    if any(
        line.delivered < line.quantity
        for line in db.session.execute(select(IntentLine).where(IntentLine.intent_id == intent.id)).scalars()
    ):
        return False
    open_deliveries = db.session.scalar(
        select(func.count()).where(
            Order.purchase_intent_id == intent.id,
            Order.status.not_in((states.DELIVERED, states.COMPLETED, states.CANCELLED, states.REFUNDED)),
        )
    )
    return open_deliveries == 0
