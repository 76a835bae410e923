"""Delivery fees through checkout: shown and charged for the address's province, refused where a
producer does not deliver, never attributed to households, given back with a refund before
shipping."""

import pytest
from sqlalchemy import func, literal, select

from app.audit.services import Actor
from app.delivery.management import set_rule
from app.delivery.models import DeliveryRule
from app.delivery.quotes import rules_column, rules_from_column
from app.domain import order_states as states
from app.domain import payment_states
from app.domain.delivery_fees import EVERYWHERE, Rule
from app.extensions import db
from app.impact.models import Attribution
from app.orders import services as orders
from app.orders.models import Order
from app.payments import services as payments
from app.payments.gateway import IntentState
from app.payments.models import Payment
from app.settlement.book_check import find_all
from tests import factories

BEIJING = {"province": "110000", "city": "110100", "county": "110105"}


@pytest.fixture()
def shop(app):
    """Mandarins (¥6 first box, ¥3 each further box within Hunan, free from ¥99; ¥12 and ¥6
    elsewhere) and kiwis that only go within Hunan."""
    with app.app_context():
        village = factories.village()
        households = [factories.household(village) for _ in range(2)]
        mandarins = factories.product("雪峰蜜橘", factories.producer(households=households), price_fen=3980)
        kiwis = factories.product("瑶乡猕猴桃", factories.producer(households=households[:1]), price_fen=5800)
        factories.user(email="buyer@example.com")
        factories.user(email="staff@example.com", role="staff")
        db.session.commit()
        seed = Actor(None, "test")
        set_rule(mandarins.producer_id, "430000", Rule(first_fee_fen=600, extra_fee_fen=300, free_over_fen=9900), seed)
        set_rule(mandarins.producer_id, EVERYWHERE, Rule(first_fee_fen=1200, extra_fee_fen=600), seed)
        set_rule(kiwis.producer_id, "430000", Rule(first_fee_fen=800), seed)
        set_rule(kiwis.producer_id, EVERYWHERE, Rule(served=False), seed)
        return {"mandarin": mandarins.skus[0].id, "kiwi": kiwis.skus[0].id}


def _signed_in(app):
    client = app.test_client()
    factories.login(client, "buyer@example.com")
    return client


def _order(app, number: str) -> Order:
    return db.session.scalar(db.select(Order).where(Order.number == number))


def test_the_fee_is_shown_charged_and_kept_out_of_the_ledger(app, shop):
    client = _signed_in(app)
    client.post("/cart/add", data={"sku_id": shop["mandarin"], "quantity": 2})
    page = client.get("/checkout").get_data(as_text=True)
    assert "¥9.00" in page and "¥88.60" in page  # Hunan is the page's first choice
    assert client.get("/checkout/quote?province=110000").get_json()["fee"] == "¥18.00"
    answer = client.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert answer.status_code == 303
    number = answer.location.rsplit("/", 1)[1]
    with app.app_context():
        order = _order(app, number)
        assert (order.subtotal_fen, order.shipping_fen, order.total_fen) == (7960, 900, 8860)
        assert order.region_code == "430525" and order.county == "洞口县"
    staff = app.test_client()
    factories.login(staff, "staff@example.com")
    for step in ("ship", "deliver"):
        data = {"carrier": "邮政", "tracking_number": "9876543210"} if step == "ship" else {}
        staff.post(f"/staff/orders/{number}/{step}", data=data)
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "88.60"}).status_code == 303
    with app.app_context():
        order = _order(app, number)
        ledger = db.session.scalar(db.select(func.sum(Attribution.amount_fen)).where(Attribution.order_id == order.id))
        assert order.paid_fen == 8860 and ledger == 7960
        assert find_all() == []
    mine = client.get(f"/orders/{number}").get_data(as_text=True)
    assert "运费" in mine and "¥9.00" in mine
    report = staff.get("/staff/reports").get_data(as_text=True)
    assert "运费" in report and "¥9.00" in report


def test_checkout_reads_each_producers_rules_as_the_fee_shown_before_it_does(app, ctx, shop):
    """Checkout reads the rules along with the stock it takes, as one JSON column."""
    for producer_id in (*db.session.scalars(select(DeliveryRule.producer_id).distinct()), -1):
        column = rules_column(literal(producer_id), db.engine.dialect.name)
        stored = db.session.scalars(select(DeliveryRule).where(DeliveryRule.producer_id == producer_id))
        assert rules_from_column(db.session.scalar(select(column))) == {r.region: r.as_rule() for r in stored}


def test_a_producer_that_does_not_deliver_there_is_named(app, shop):
    client = _signed_in(app)
    client.post("/cart/add", data={"sku_id": shop["kiwi"], "quantity": 1})
    assert client.get("/checkout/quote?province=110000").get_json()["unserved"] != []
    refused = client.post("/checkout", data={**factories.ADDRESS, **BEIJING, "payment_method": "cod"})
    assert refused.status_code == 409 and "不送达您选择的地区" in refused.get_data(as_text=True)
    placed = client.post("/checkout", data={**factories.ADDRESS, "payment_method": "cod"})
    assert placed.status_code == 303


def test_a_region_that_does_not_belong_together_is_refused(app, shop):
    client = _signed_in(app)
    client.post("/cart/add", data={"sku_id": shop["mandarin"], "quantity": 1})
    mixed = client.post("/checkout", data={**factories.ADDRESS, "county": "110105", "payment_method": "cod"})
    assert mixed.status_code == 400 and "请依次选择省、市和区县" in mixed.get_data(as_text=True)


class _Gateway:
    def refund(self, intent_id, amount_fen, key):
        self.refunded = amount_fen
        return f"re_{key}"


def test_a_refund_before_shipping_gives_the_fee_back_and_after_shipping_keeps_it(app, ctx, shop):
    buyer = db.session.scalar(db.select(factories.User.id).where(factories.User.email == "buyer@example.com"))
    address = orders.Address("张女士", "13812345678", "北京市", "北京市", "朝阳区", "建国路 1 号", "110105")
    placed = orders.place_order(
        buyer, orders.basket_of([orders.CartItem(shop["mandarin"], 1, 3980)]), address, "", None, "stripe", 99, 30
    )
    order = _order(app, placed.number)
    assert order.shipping_fen == 1200 and order.total_fen == 5180
    db.session.add(Payment(order_id=order.id, method="stripe", attempt=1, provider_ref="pi_fee", amount_fen=5180))
    db.session.commit()
    payments.apply_intent_state(IntentState("pi_fee", "succeeded", 5180, "CNY", placed.number))
    db.session.commit()
    gateway = _Gateway()
    payments.cancel_as_buyer(placed.number, buyer, gateway)
    order = _order(app, placed.number)
    assert gateway.refunded == 5180 and order.refunded_fen == 5180
    assert (order.status, order.payment_status) == (states.REFUNDED, payment_states.REFUNDED)
    assert find_all() == []
