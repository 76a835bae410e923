"""End to end with the real stripe SDK against a localstripe server and its signed webhooks."""

import time

import pytest
import requests
import stripe
from sqlalchemy import func

from app.catalog.models import Sku
from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order, OrderStatusChange
from app.payments.models import Payment, ProcessedEvent
from tests import factories
from tests.conftest import serving
from tests.payments.conftest import WEBHOOK_SECRET


@pytest.fixture()
def paying_app(make_app, stripe_settings, localstripe):
    return make_app({**stripe_settings, "STRIPE_API_BASE": localstripe})


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_order_paid_by_card_through_localstripe_is_paid_once_and_attributed(paying_app, localstripe):
    with paying_app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        households = [factories.household(factories.village(gaosha)) for _ in range(3)]
        product = factories.product(
            "雪峰蜜橘", factories.producer(gaosha, households, [3, 2, 2]), price_fen=3980, stock=5
        )
        factories.user(email="buyer@example.com")
        db.session.commit()
        sku_id = product.skus[0].id

    with serving(paying_app) as base:
        requests.post(
            f"{localstripe}/_config/webhooks/dongkou",
            timeout=5,
            data={"url": f"{base}/payments/stripe/webhook", "secret": WEBHOOK_SECRET},
        )
        buyer = paying_app.test_client()
        factories.login(buyer, "buyer@example.com")
        response = factories.buy(buyer, sku_id, 2, payment_method="stripe")
        assert response.status_code == 303 and "/pay/" in response.headers["Location"]
        pay_page = buyer.get(response.headers["Location"])
        assert pay_page.status_code == 200 and "确认付款 ¥79.60" in pay_page.get_data(as_text=True)
        # Paying the same order again reuses the attempt instead of opening a second PaymentIntent.
        assert buyer.get(response.headers["Location"]).status_code == 200
        with paying_app.app_context():
            payment = db.session.execute(db.select(Payment)).scalar_one()
            intent_id, number = payment.provider_ref, payment.order.number
        # Let the buyer's return page arrive before the payment: it must not mark anything paid.
        buyer.get(f"/pay/{number}/return?redirect_status=succeeded&payment_intent={intent_id}")
        with paying_app.app_context():
            assert db.session.execute(db.select(Order.payment_status)).scalar_one() == "unpaid"

        client = stripe.StripeClient("sk_test_dongkou", base_addresses={"api": localstripe})
        card = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
            }
        )
        client.v1.payment_intents.update(intent_id, params={"payment_method": card["id"]})
        assert client.v1.payment_intents.confirm(intent_id)["status"] == "succeeded"

        def paid():
            with paying_app.app_context():
                return (
                    db.session.scalar(db.select(func.count(ProcessedEvent.id))) >= 1
                    and db.session.execute(db.select(Order.payment_status)).scalar_one() == "paid"
                )

        assert wait_for(paid), "the signed webhook from localstripe never marked the order paid"
        # The return page now asks Stripe too; the order must not be paid twice.
        assert buyer.get(f"/pay/{number}/return").status_code == 302

    with paying_app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert (order.status, order.paid_fen, order.total_fen) == ("paid", 7960, 7960)
        amounts = (
            db.session.execute(db.select(Attribution.amount_fen).order_by(Attribution.household_id)).scalars().all()
        )
        assert amounts == [3412, 2274, 2274] and sum(amounts) == 7960
        assert (
            db.session.scalar(db.select(func.count(OrderStatusChange.id)).where(OrderStatusChange.to_status == "paid"))
            == 1
        )
    assert "3 户建档立卡贫困户" in buyer.get(f"/orders/{number}").get_data(as_text=True)


def test_staff_refund_goes_through_stripe_and_the_webhook_does_not_double_it(paying_app, localstripe):
    with paying_app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        households = [factories.household(factories.village(gaosha)) for _ in range(2)]
        product = factories.product("野生山茶油", factories.producer(gaosha, households), price_fen=16800, stock=5)
        factories.user(email="buyer@example.com")
        factories.user(email="staff@example.com", role="staff")
        db.session.commit()
        sku_id = product.skus[0].id

    with serving(paying_app) as base:
        requests.post(
            f"{localstripe}/_config/webhooks/dongkou",
            timeout=5,
            data={"url": f"{base}/payments/stripe/webhook", "secret": WEBHOOK_SECRET},
        )
        buyer, staff = paying_app.test_client(), paying_app.test_client()
        factories.login(buyer, "buyer@example.com")
        factories.login(staff, "staff@example.com")
        location = factories.buy(buyer, sku_id, 1, payment_method="stripe").headers["Location"]
        buyer.get(location)
        number = location.rsplit("/", 1)[1]
        with paying_app.app_context():
            intent_id = db.session.execute(db.select(Payment.provider_ref)).scalar_one()
        client = stripe.StripeClient("sk_test_dongkou", base_addresses={"api": localstripe})
        card = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
            }
        )
        client.v1.payment_intents.update(intent_id, params={"payment_method": card["id"]})
        client.v1.payment_intents.confirm(intent_id)
        buyer.get(f"/pay/{number}/return")  # the server-side retrieve marks it paid even before the webhook
        with paying_app.app_context():
            assert db.session.execute(db.select(Order.payment_status)).scalar_one() == "paid"
        assert buyer.post(f"/orders/{number}/cancel").status_code == 303  # paid, not shipped: refunded in full
        time.sleep(2.5)  # localstripe sends its events a second after each change

    with paying_app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert (order.status, order.payment_status, order.refunded_fen) == ("refunded", "refunded", 16800)
        assert db.session.scalar(db.select(func.sum(Attribution.amount_fen))) == 0
        assert db.session.get(Sku, sku_id).stock == 5
