"""The payment service's rarer paths, called directly: money that arrives twice or after a
cancel is kept and flagged for a refund, refunds that cannot be made say why, and Stripe events
about nothing of ours change nothing."""

import pytest

from app.domain import order_states as states
from app.domain import payment_states
from app.extensions import db
from app.orders import services as orders
from app.payments import services as payments
from app.payments.gateway import IntentState
from app.payments.models import Payment
from app.payments.refusals import PaymentError
from app.records import spoken
from tests import factories
from tests.factories import DELIVERY_ADDRESS as ADDRESS


@pytest.fixture()
def shop(app, ctx):
    product = factories.product("雪峰蜜橘", price_fen=3980, stock=10)
    buyer = factories.user(email="edge-buyer@example.com")
    staff = factories.user(email="edge-staff@example.com", role="staff")
    db.session.commit()
    return {"sku": product.skus[0].id, "buyer": buyer.id, "staff": staff.id}


def _order(shop, method: str):
    return orders.place_order(
        shop["buyer"], orders.basket_of([orders.CartItem(shop["sku"], 1, 3980)]), ADDRESS, "", None, method, 99, 30
    )


def _stripe_attempt(order_number: str, ref: str, attempt: int = 1) -> None:
    order = orders.get_order(order_number)
    db.session.add(Payment(order_id=order.id, method="stripe", attempt=attempt, provider_ref=ref, amount_fen=3980))
    db.session.commit()


def _succeeded(ref: str, number: str) -> str:
    outcome = payments.apply_intent_state(IntentState(ref, "succeeded", 3980, "CNY", number))
    db.session.commit()
    return outcome


def test_a_second_payment_for_a_paid_order_is_kept_and_flagged(shop):
    placed = _order(shop, "stripe")
    _stripe_attempt(placed.number, "pi_first")
    _stripe_attempt(placed.number, "pi_second", attempt=2)
    assert _succeeded("pi_first", placed.number) == "paid"
    _succeeded("pi_second", placed.number)
    second = db.session.execute(db.select(Payment).where(Payment.provider_ref == "pi_second")).scalar_one()
    assert second.status == payment_states.ATTEMPT_SUCCEEDED
    assert "又收到一笔付款" in spoken(second.flag)
    assert orders.get_order(placed.number).paid_fen == 3980


def test_money_after_a_cancel_is_flagged_and_the_order_stays_cancelled(shop):
    placed = _order(shop, "stripe")
    _stripe_attempt(placed.number, "pi_late")
    orders.cancel_unpaid(placed.number, "user", shop["buyer"], "test")
    _succeeded("pi_late", placed.number)
    late = db.session.execute(db.select(Payment).where(Payment.provider_ref == "pi_late")).scalar_one()
    assert "订单已取消后才收到付款" in spoken(late.flag)
    order = orders.get_order(placed.number)
    assert (order.status, order.payment_status) == (states.CANCELLED, payment_states.UNPAID)


def test_refunds_that_cannot_be_made_say_why(shop):
    unpaid = _order(shop, "cod")
    with pytest.raises(PaymentError) as nothing_paid:
        payments.refund(unpaid.number, payments.RefundRequest({}, "x"), "staff", shop["staff"], None)
    assert nothing_paid.value.code == "not_refundable"
    online = _order(shop, "stripe")
    _stripe_attempt(online.number, "pi_refund")
    _succeeded("pi_refund", online.number)
    with pytest.raises(PaymentError) as no_gateway:
        payments.refund(online.number, payments.RefundRequest({}, "x"), "staff", shop["staff"], None)
    assert no_gateway.value.code == "gateway_unavailable"
    assert orders.get_order(online.number).refunded_fen == 0


def test_a_pending_online_order_cannot_be_settled_as_cash(shop):
    online = _order(shop, "stripe")
    with pytest.raises(PaymentError) as refused:
        payments.record_offline_payment(online.number, 3980, "", shop["staff"])
    assert refused.value.code == "not_collectable"
    cancelled = _order(shop, "cod")
    orders.cancel_unpaid(cancelled.number, "user", shop["buyer"], "test")
    with pytest.raises(PaymentError) as gone:
        payments.record_offline_payment(cancelled.number, 3980, "", shop["staff"])
    assert gone.value.code == "not_collectable"


def test_a_shipped_order_cannot_be_cancelled_by_its_buyer(shop):
    placed = _order(shop, "cod")
    orders.mark_shipped(placed.number, "顺丰", "SF1", shop["staff"])
    with pytest.raises(states.ForbiddenTransition):
        payments.cancel_as_buyer(placed.number, shop["buyer"], None)


def test_stripe_refund_events_about_nothing_of_ours_or_already_recorded_change_nothing(shop):
    placed = _order(shop, "stripe")
    _stripe_attempt(placed.number, "pi_known")
    _succeeded("pi_known", placed.number)
    unknown = {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"payment_intent": "pi_nobody"}}}
    recorded = {
        "id": "evt_2",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_known", "amount_refunded": 0}},
    }
    assert payments.handle_stripe_event(unknown) == "unknown_payment"
    assert payments.handle_stripe_event(recorded) == "already_recorded"
    assert payments.handle_stripe_event(recorded) == "duplicate"
    assert orders.get_order(placed.number).refunded_fen == 0


def test_open_attempts_stay_open_without_a_gateway_to_close_them(shop):
    placed = _order(shop, "stripe")
    _stripe_attempt(placed.number, "pi_open")
    order = orders.get_order(placed.number)
    payments.cancel_open_intents(order.id, None)
    assert db.session.execute(db.select(Payment.status)).scalar_one() == payment_states.ATTEMPT_PENDING
