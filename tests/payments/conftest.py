"""Stripe-configured apps: webhook secret set, API pointed at localstripe when a test needs it."""

import hashlib
import hmac
import json
import time

import pytest

from app.domain import order_states as states
from app.extensions import db
from app.orders.models import Order, OrderLine
from app.payments.models import Payment
from tests import factories
from tests.conftest import WEBHOOK_SECRET  # noqa: F401  (re-exported for the tests here)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event(event_id: str, event_type: str, obj: dict) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": event_type, "data": {"object": obj}}).encode()


def intent(intent_id: str, status: str, amount: int, currency: str = "cny", number: str = "") -> dict:
    return {
        "id": intent_id,
        "object": "payment_intent",
        "status": status,
        "amount": amount,
        "currency": currency,
        "metadata": {"order_number": number},
    }


@pytest.fixture()
def stripe_app(make_app, stripe_settings):
    """Shares the per-test database clean-up of ``app``; only the settings differ."""
    return make_app(stripe_settings)


@pytest.fixture()
def awaiting_payment(stripe_app):
    """An online order for ¥79.60 awaiting Stripe payment pi_test_1; producer links 2:1:1."""
    with stripe_app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        village = factories.village(gaosha, "林田村")
        households = [factories.household(village) for _ in range(3)]
        producer = factories.producer(gaosha, households, [2, 1, 1])
        product = factories.product("雪峰蜜橘", producer, price_fen=3980, stock=8)
        buyer = factories.user(email="buyer@example.com")
        sku = product.skus[0]
        order = Order(
            number="26112800000001",
            channel="online",
            user_id=buyer.id,
            status=states.PENDING_PAYMENT,
            payment_method="stripe",
            subtotal_fen=7960,
            total_fen=7960,
            recipient="张女士",
            mobile="13812345678",
            province="湖南省",
            city="邵阳市",
            county="洞口县",
            street="雪峰路 18 号",
        )
        db.session.add(order)
        db.session.flush()
        db.session.add(
            OrderLine(
                order_id=order.id,
                sku_id=sku.id,
                product_id=product.id,
                producer_id=producer.id,
                product_name="雪峰蜜橘",
                sku_code=sku.code,
                sku_name=sku.name,
                unit="箱",
                unit_price_fen=3980,
                quantity=2,
                line_total_fen=7960,
            )
        )
        db.session.add(
            Payment(order_id=order.id, method="stripe", provider_ref="pi_test_1", client_secret="cs", amount_fen=7960)
        )
        db.session.commit()
        return {"number": order.number, "households": [h.id for h in households], "sku_id": sku.id}
