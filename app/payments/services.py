"""Payment use cases: start a Stripe attempt, apply what Stripe tells us exactly once,
record cash on delivery, refund. The ledger is written here, when money really moved."""

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.clock import county_date
from app.domain import order_states as states
from app.domain import payment_states
from app.domain.money import allocate
from app.extensions import db
from app.impact.services import attribute, record_sales
from app.models_base import utcnow
from app.orders import notes
from app.orders.models import Order
from app.orders.services import cancel_unpaid, get_order, release_stock
from app.orders.workflow import set_payment_status, set_status
from app.outbox.services import mail_user
from app.payments.gateway import GatewayError, IntentState, StripeGateway, intent_state
from app.payments.models import Payment, ProcessedEvent, Refund
from app.payments.refusals import PaymentError
from app.pos.online_tender import settle_booth_payment

log = logging.getLogger(__name__)


def _attempts(order_id: int) -> int:
    return db.session.scalar(select(func.count(Payment.id)).where(Payment.order_id == order_id)) or 0


def _intent_id(payment: Payment) -> str:
    """The PaymentIntent of a Stripe attempt, which every Stripe attempt is created with."""
    if payment.provider_ref is None:
        raise ValueError(f"payment {payment.id} has no PaymentIntent")
    return payment.provider_ref


def start_stripe_payment(number: str, user_id: int, gateway: StripeGateway) -> Payment:
    """The open Stripe attempt for an unpaid order, creating its PaymentIntent if needed. Commits.

    Raises PaymentError('not_payable') unless the order awaits online payment.
    """
    order = get_order(number, user_id)
    if order.status != states.PENDING_PAYMENT or order.payment_status != payment_states.UNPAID:
        raise PaymentError("not_payable")
    pending = (
        db.session.execute(
            select(Payment)
            .where(
                Payment.order_id == order.id,
                Payment.method == "stripe",
                Payment.status == payment_states.ATTEMPT_PENDING,
            )
            .order_by(Payment.attempt.desc())
        )
        .scalars()
        .first()
    )
    if pending is not None:
        return pending
    attempt = _attempts(order.id) + 1
    intent = gateway.create_intent(
        f"order-{order.number}-attempt-{attempt}",
        order.total_fen,
        order.currency,
        {"order_number": order.number, "attempt": str(attempt)},
    )
    payment = Payment(
        order_id=order.id,
        method="stripe",
        attempt=attempt,
        provider_ref=intent.id,
        client_secret=intent.client_secret,
        amount_fen=order.total_fen,
        currency=order.currency,
    )
    db.session.add(payment)
    db.session.commit()
    return payment


def _succeed(payment: Payment, order: Order, actor: str, actor_user_id: int | None = None) -> None:
    """Mark money received once: order paid, ledger rows for every line. Does not commit."""
    if payment.status == payment_states.ATTEMPT_SUCCEEDED:
        return
    payment.move_to(payment_states.ATTEMPT_SUCCEEDED)
    if order.payment_status != payment_states.UNPAID:
        payment.flag = notes.note("paid_twice")
        return
    if order.status == states.CANCELLED:
        payment.flag = notes.note("paid_after_cancel")
        return
    order.paid_fen = payment.amount_fen
    set_payment_status(
        order,
        payment_states.PAID,
        payment.amount_fen,
        payment.method,
        actor,
        payment.reference or payment.provider_ref or "",
        actor_user_id,
    )
    if order.status == states.PENDING_PAYMENT:
        set_status(order, states.PAID, actor, notes.note("paid_by", method=payment.method), actor_user_id)
    order.paid_at = order.paid_at or utcnow()
    record_sales([order])
    if order.user is not None:
        kind = "delivery_payment_recorded" if order.channel == "intent" else "order_paid"
        mail_user(order.user, kind, f"{kind}:{payment.id}", order=order, payment=payment)


def apply_intent_state(state: IntentState, actor: str = "stripe") -> str:
    """Bring our records in line with a PaymentIntent's state (from a webhook or a retrieve).

    Idempotent: applying the same state twice changes nothing. A PaymentIntent whose
    amount or currency differs from our attempt never pays the order; it is flagged.
    Does not commit.
    """
    payment = db.session.execute(
        select(Payment).where(Payment.provider_ref == state.id).with_for_update()
    ).scalar_one_or_none()
    if payment is None:
        log.warning("stripe: PaymentIntent %s matches no payment of ours", state.id)
        return "unknown_payment"
    order = get_order(payment.order.number, for_update=True)
    if state.status == "succeeded":
        if (
            state.amount_fen != payment.amount_fen
            or state.currency != payment.currency
            or payment.amount_fen != order.total_fen
        ):
            payment.flag = notes.note(
                "amount_mismatch",
                stripe=f"{state.amount_fen} {state.currency}",
                order=f"{order.total_fen} {order.currency}",
            )
            log.error("stripe: PaymentIntent %s amount/currency mismatch for order %s", state.id, order.number)
            return "flagged"
        _succeed(payment, order, actor)
        return "paid"
    if payment.status == payment_states.ATTEMPT_PENDING and state.status == "canceled":
        payment.move_to(payment_states.ATTEMPT_CANCELED)
        return "canceled"
    if payment.status == payment_states.ATTEMPT_PENDING and state.status == "requires_payment_method":
        # A declined attempt: the buyer may try another card on the same PaymentIntent.
        return "failed_attempt"
    return "ignored"


def _charge_refunded(event_object: dict[str, Any]) -> str:
    """A refund made at Stripe (ours, or from the dashboard): record only what we lack."""
    intent_id = event_object.get("payment_intent")
    payment = db.session.execute(
        select(Payment).where(Payment.provider_ref == intent_id).with_for_update()
    ).scalar_one_or_none()
    if payment is None:
        return "unknown_payment"
    missing = int(event_object.get("amount_refunded", 0)) - payment.refunded_fen
    if missing <= 0:
        return "already_recorded"
    order = get_order(payment.order.number, for_update=True)
    amounts, shipping = _spread_over_lines(order, missing)
    _record_refund(order, payment, amounts, notes.note("stripe_dashboard_refund"), "stripe", None, None, shipping)
    return "refunded"


def _intent_changed(obj: dict[str, Any]) -> str:
    state = intent_state(obj)
    if state.booth_sale:
        # A booth sale's money: it becomes the sale itself, through the booth's pipeline.
        return settle_booth_payment(state)
    return apply_intent_state(state)


HANDLERS = {
    "payment_intent.succeeded": _intent_changed,
    "payment_intent.payment_failed": _intent_changed,
    "payment_intent.canceled": _intent_changed,
    "charge.refunded": _charge_refunded,
}


def handle_stripe_event(event: dict[str, Any]) -> str:
    """Apply one verified Stripe event exactly once. Commits.

    The event id is stored in the same transaction as its effect; a second delivery,
    concurrent or late, hits the unique key and changes nothing.
    """
    handler = HANDLERS.get(event["type"])
    db.session.add(ProcessedEvent(provider="stripe", event_id=event["id"], event_type=event["type"]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    outcome = "ignored_type"
    if handler is not None:
        try:
            outcome = handler(event["data"]["object"])
        except (KeyError, TypeError, ValueError):
            db.session.rollback()
            log.warning("stripe: event %s of type %s has an unexpected shape", event["id"], event["type"])
            return "malformed"
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    log.info("stripe: event %s (%s): %s", event["id"], event["type"], outcome)
    return outcome


def refresh_from_gateway(number: str, user_id: int, gateway: StripeGateway) -> Order:
    """On the return page: ask Stripe for the truth instead of trusting the redirect. Commits."""
    order = get_order(number, user_id)
    payment = (
        db.session.execute(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.method == "stripe")
            .order_by(Payment.attempt.desc())
        )
        .scalars()
        .first()
    )
    if payment is not None and payment.provider_ref:
        apply_intent_state(gateway.retrieve_intent(payment.provider_ref), actor="stripe")
        db.session.commit()
    return get_order(number, user_id)


OFFLINE_METHODS = ("cod", "bank_transfer")


def record_offline_payment(number: str, amount_fen: int, reference: str, staff_id: int) -> Order:
    """Staff record money that did not come through Stripe: cash at the door, or a unit's bank
    transfer for a delivery (with its reference). It must equal the order total. Commits."""
    order = get_order(number, for_update=True)
    if order.payment_method not in OFFLINE_METHODS or order.payment_status != payment_states.UNPAID:
        db.session.rollback()
        raise PaymentError("not_collectable")
    if order.status not in (states.SHIPPED, states.DELIVERED, states.CONFIRMED):
        db.session.rollback()
        raise PaymentError("not_collectable")
    if amount_fen != order.total_fen:
        db.session.rollback()
        raise PaymentError("amount_mismatch")
    if order.payment_method == "bank_transfer" and not reference.strip():
        # The transfer's serial number is what ties the money on the statement to this delivery.
        db.session.rollback()
        raise PaymentError("reference_required")
    attempt = _attempts(order.id) + 1
    payment = Payment(
        order_id=order.id,
        method=order.payment_method,
        attempt=attempt,
        amount_fen=amount_fen,
        currency=order.currency,
        recorded_by_id=staff_id,
        reference=reference.strip()[:128],
    )
    db.session.add(payment)
    db.session.flush()
    _succeed(payment, order, "staff", staff_id)
    db.session.commit()
    return order


@dataclass(frozen=True)
class RefundRequest:
    line_amounts: dict[int, int]  # order line id → fen; empty means "everything still refundable"
    reason: str


def _shipping_unrefunded(order: Order) -> int:
    """The delivery fee not yet given back: what was refunded beyond the lines went to it."""
    return order.shipping_fen - (order.refunded_fen - sum(line.refunded_fen for line in order.lines))


def _spread_over_lines(order: Order, amount_fen: int) -> tuple[dict[int, int], int]:
    """A refund made elsewhere (Stripe's dashboard) as amounts per line, by what each has left;
    beyond the goods, the rest is the delivery fee given back."""
    refundable = [
        (line.id, line.line_total_fen - line.refunded_fen)
        for line in order.lines
        if line.line_total_fen > line.refunded_fen
    ]
    goods = sum(r for _, r in refundable)
    shipping = max(0, amount_fen - goods)
    if shipping > _shipping_unrefunded(order):
        raise PaymentError("refund_too_large")
    if not refundable:
        return {}, shipping
    return dict(
        zip([i for i, _ in refundable], allocate(amount_fen - shipping, [r for _, r in refundable]), strict=False)
    ), shipping


def refund(
    number: str, request: RefundRequest, actor: str, actor_user_id: int | None, gateway: StripeGateway | None
) -> Order:
    """Refund whole or per line: through Stripe for Stripe payments, recorded for cash. Commits.

    Raises PaymentError('not_refundable'|'refund_too_large'|'gateway_unavailable') and
    changes nothing then.
    """
    order = get_order(number, for_update=True)
    payment = (
        db.session.execute(
            select(Payment)
            .where(Payment.order_id == order.id, Payment.status == payment_states.ATTEMPT_SUCCEEDED)
            .order_by(Payment.attempt.desc())
            .with_for_update()
        )
        .scalars()
        .first()
    )
    if payment is None or order.payment_status not in (payment_states.PAID, payment_states.PARTIALLY_REFUNDED):
        db.session.rollback()
        raise PaymentError("not_refundable")
    by_id = {line.id: line for line in order.lines}
    amounts = request.line_amounts or {line.id: line.line_total_fen - line.refunded_fen for line in order.lines}
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts or any(
        k not in by_id or v < 0 or v > by_id[k].line_total_fen - by_id[k].refunded_fen for k, v in amounts.items()
    ):
        db.session.rollback()
        raise PaymentError("refund_too_large")
    # Everything taken back before it was shipped: the delivery fee goes back too. Once on its
    # way, the courier has been paid and the fee stays (after-sales may decide otherwise).
    goods_left = sum(line.line_total_fen - line.refunded_fen for line in order.lines) - sum(amounts.values())
    shipping = _shipping_unrefunded(order) if goods_left == 0 and order.status == states.PAID else 0
    provider_ref = None
    if payment.method == "stripe":
        if gateway is None:
            db.session.rollback()
            raise PaymentError("gateway_unavailable")
        count = db.session.scalar(select(func.count(Refund.id)).where(Refund.payment_id == payment.id)) or 0
        provider_ref = gateway.refund(
            _intent_id(payment), sum(amounts.values()) + shipping, f"refund-{order.number}-{count + 1}"
        )
    _record_refund(order, payment, amounts, request.reason, actor, actor_user_id, provider_ref, shipping)
    db.session.commit()
    return order


def cancel_as_buyer(number: str, user_id: int, gateway: StripeGateway | None) -> Order:
    """The buyer cancels before shipping: unpaid orders are cancelled, paid ones refunded. Commits.

    Raises OrderNotFound, ForbiddenTransition (already shipped) or PaymentError.
    """
    order = get_order(number, user_id)
    if order.payment_status == payment_states.UNPAID:
        order = cancel_unpaid(number, "user", user_id, notes.note("buyer_cancelled"), owner_id=user_id)
        cancel_open_intents(order.id, gateway)
        return order
    if order.status == states.PAID:
        return refund(number, RefundRequest({}, notes.note("buyer_cancelled_paid")), "user", user_id, gateway)
    raise states.ForbiddenTransition(order.status, states.CANCELLED)


def cancel_open_intents(order_id: int, gateway: StripeGateway | None) -> None:
    """Close the Stripe attempts of a cancelled order so they cannot be paid later. Commits."""
    pending = (
        db.session.execute(
            select(Payment).where(
                Payment.order_id == order_id,
                Payment.status == payment_states.ATTEMPT_PENDING,
                Payment.provider_ref.is_not(None),
            )
        )
        .scalars()
        .all()
    )
    for payment in pending:
        if gateway is None:
            break
        try:
            gateway.cancel_intent(_intent_id(payment))
        except GatewayError:
            # Not fatal: a late success on a cancelled order is flagged for a refund.
            log.warning("stripe: could not cancel %s", payment.provider_ref)
            continue
        payment.move_to(payment_states.ATTEMPT_CANCELED)
    db.session.commit()


def _record_refund(
    order: Order,
    payment: Payment,
    amounts: dict[int, int],
    reason: str,
    actor: str,
    staff_id: int | None,
    provider_ref: str | None,
    shipping_fen: int = 0,
) -> None:
    by_id = {line.id: line for line in order.lines}
    refunded_on = county_date(order.money_arrived_at)  # the sale's rules, so the refund mirrors the sale
    for index, (line_id, amount) in enumerate(sorted(amounts.items())):
        if not amount:
            continue
        line = by_id[line_id]
        line.refunded_fen += amount
        # One provider refund may cover several lines; only the first row carries its id.
        db.session.add(
            Refund(
                payment_id=payment.id,
                order_line_id=line_id,
                amount_fen=amount,
                provider_ref=provider_ref if index == 0 else None,
                reason=reason[:255],
            )
        )
        attribute(order, line, -amount, refunded_on, "refund")
    if shipping_fen:
        # The fee never reached the ledger, so giving it back writes no ledger rows.
        db.session.add(
            Refund(
                payment_id=payment.id,
                order_line_id=None,
                amount_fen=shipping_fen,
                provider_ref=provider_ref if not amounts else None,
                reason=reason[:255],
            )
        )
    total = sum(amounts.values()) + shipping_fen
    payment.refunded_fen += total
    order.refunded_fen += total
    whole = order.refunded_fen >= order.paid_fen
    goods_all_back = all(line.refunded_fen >= line.line_total_fen for line in order.lines)
    set_payment_status(
        order,
        payment_states.REFUNDED if whole else payment_states.PARTIALLY_REFUNDED,
        -total,
        payment.method,
        actor,
        reason,
        staff_id,
    )
    _mail_refund(order, total)
    if not goods_all_back:
        return
    if states.REFUNDED in states.TRANSITIONS[order.status]:
        if order.status == states.PAID:
            release_stock(order)  # never shipped: the boxes are still on the shelf
        set_status(order, states.REFUNDED, actor, reason or notes.note("refunded_in_full"), staff_id)


def _mail_refund(order: Order, amount_fen: int) -> None:
    if order.user is not None:
        # Keyed by the refunded total so far: each refund of an order mails once.
        mail_user(
            order.user,
            "order_refunded",
            f"order_refunded:{order.id}:{order.refunded_fen}",
            order=order,
            amount_fen=amount_fen,
        )
