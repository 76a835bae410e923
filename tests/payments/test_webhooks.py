"""The Stripe webhook: verified, then applied exactly once whatever the delivery order."""

import random
import threading
import time

import pytest
from sqlalchemy import func

from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order, OrderStatusChange
from app.payments.models import Payment, ProcessedEvent
from app.records import spoken
from tests.payments.conftest import event, intent, sign

URL = "/payments/stripe/webhook"


def post(client, payload: bytes, signature: str | None = "sign"):
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = sign(payload)
    if signature is not None:
        headers["Stripe-Signature"] = signature
    return client.post(URL, data=payload, headers=headers)


def snapshot(app):
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        return {
            "status": order.status,
            "payment_status": order.payment_status,
            "paid_fen": order.paid_fen,
            "refunded_fen": order.refunded_fen,
            "ledger_fen": db.session.scalar(db.select(func.coalesce(func.sum(Attribution.amount_fen), 0))),
            "ledger_rows": db.session.scalar(db.select(func.count(Attribution.id))),
            "paid_changes": db.session.scalar(
                db.select(func.count(OrderStatusChange.id)).where(OrderStatusChange.to_status == "paid")
            ),
            "events": db.session.scalar(db.select(func.count(ProcessedEvent.id))),
        }


def deliver_concurrently(app, payloads):
    barrier = threading.Barrier(len(payloads))
    statuses = []

    def send(payload):
        client = app.test_client()
        barrier.wait()
        statuses.append(post(client, payload).status_code)

    threads = [threading.Thread(target=send, args=(p,)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


def test_each_event_three_times_concurrently_and_shuffled_changes_state_once(stripe_app, awaiting_payment):
    number = awaiting_payment["number"]
    failed = event(
        "evt_failed",
        "payment_intent.payment_failed",
        intent("pi_test_1", "requires_payment_method", 7960, number=number),
    )
    succeeded = event(
        "evt_succeeded", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 7960, number=number)
    )
    late_cancel = event("evt_canceled", "payment_intent.canceled", intent("pi_test_1", "canceled", 7960, number=number))
    payloads = [failed, succeeded, late_cancel] * 3
    random.Random(7).shuffle(payloads)
    statuses = deliver_concurrently(stripe_app, payloads)
    assert statuses == [200] * 9
    assert snapshot(stripe_app) == {
        "status": "paid",
        "payment_status": "paid",
        "paid_fen": 7960,
        "refunded_fen": 0,
        "ledger_fen": 7960,
        "ledger_rows": 3,
        "paid_changes": 1,
        "events": 3,
    }


def test_a_refund_event_delivered_three_times_refunds_once(stripe_app, awaiting_payment):
    number = awaiting_payment["number"]
    post(
        stripe_app.test_client(),
        event("evt_ok", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 7960, number=number)),
    )
    refunded = event(
        "evt_refund",
        "charge.refunded",
        {"id": "ch_1", "object": "charge", "payment_intent": "pi_test_1", "amount": 7960, "amount_refunded": 3980},
    )
    assert deliver_concurrently(stripe_app, [refunded] * 3) == [200] * 3
    state = snapshot(stripe_app)
    assert (state["payment_status"], state["refunded_fen"], state["ledger_fen"]) == ("partially_refunded", 3980, 3980)


def test_a_payment_intent_with_another_amount_or_currency_never_pays_the_order(stripe_app, awaiting_payment):
    client = stripe_app.test_client()
    post(client, event("evt_amount", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 100)))
    post(client, event("evt_currency", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 7960, "usd")))
    state = snapshot(stripe_app)
    assert (state["status"], state["payment_status"], state["ledger_rows"]) == ("pending_payment", "unpaid", 0)
    with stripe_app.app_context():
        assert "金额或币种不符" in spoken(db.session.execute(db.select(Payment.flag)).scalar_one())


@pytest.mark.parametrize("case", ["missing", "malformed", "wrong_secret", "tampered", "stale", "future", "not_json"])
def test_bad_signatures_get_400_and_write_nothing(stripe_app, awaiting_payment, case):
    payload = event("evt_x", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 7960))
    signature = {
        "missing": None,
        "malformed": "this is not a signature",
        "wrong_secret": sign(payload, "whsec_someone_else"),
        "tampered": sign(payload),
        "stale": sign(payload, timestamp=int(time.time()) - 3600),
        "future": sign(payload, timestamp=int(time.time()) + 3600),
        "not_json": sign(b"{not json"),
    }[case]
    if case == "tampered":
        payload = payload.replace(b"7960", b"1")
    if case == "not_json":
        payload = b"{not json"
    response = post(stripe_app.test_client(), payload, signature)
    assert response.status_code == 400
    assert response.get_json() == {"error": "invalid signature or payload"}
    assert snapshot(stripe_app)["events"] == 0 and snapshot(stripe_app)["status"] == "pending_payment"


def test_an_event_for_an_unknown_payment_is_acknowledged_and_logged(stripe_app, awaiting_payment, caplog):
    response = post(
        stripe_app.test_client(),
        event("evt_unknown", "payment_intent.succeeded", intent("pi_nobody", "succeeded", 500)),
    )
    assert response.status_code == 200 and response.get_json()["outcome"] == "unknown_payment"
    assert "pi_nobody matches no payment of ours" in caplog.text
    assert snapshot(stripe_app)["status"] == "pending_payment"


def test_a_well_signed_event_of_the_wrong_shape_is_acknowledged_without_effect(stripe_app, awaiting_payment):
    response = post(stripe_app.test_client(), event("evt_odd", "payment_intent.succeeded", {"id": "pi_test_1"}))
    assert response.status_code == 200 and response.get_json()["outcome"] == "malformed"
    assert snapshot(stripe_app)["status"] == "pending_payment"


def test_the_webhook_needs_no_csrf_token_but_is_404_without_stripe(app, make_app, stripe_settings, awaiting_payment):
    csrf_on = make_app({**stripe_settings, "WTF_CSRF_ENABLED": True})
    payload = event("evt_csrf", "payment_intent.succeeded", intent("pi_test_1", "succeeded", 7960))
    assert post(csrf_on.test_client(), payload).status_code == 200
    assert post(app.test_client(), payload).status_code == 404
