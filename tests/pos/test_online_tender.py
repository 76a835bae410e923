"""The booth's online tender through the real stripe SDK and localstripe: the till opens a
payment for a sale, the buyer pays on their phone, the server records the sale once, and a
resent or synced copy of it changes nothing."""

import time

import pytest
import requests
import stripe
from sqlalchemy import func

from app.extensions import cache, db
from app.impact.models import Attribution
from app.orders.models import Order
from app.payments.gateway import IntentState
from app.payments.models import Payment
from app.pos import online_tender
from app.pos.models import BoothOnlinePayment, BoothSale
from app.settlement.book_check import find_all
from tests.conftest import serving
from tests.payments.conftest import WEBHOOK_SECRET
from tests.pos.fixtures import build_fair, fair, sale, sync  # noqa: F401  (fair is a fixture)

ONLINE = {"method": "online"}


@pytest.fixture()
def paying(make_app, stripe_settings, localstripe):
    app = make_app({**stripe_settings, "STRIPE_API_BASE": localstripe})
    return app, build_fair(app), localstripe


def _open(client, token: str, body):
    return client.post("/api/v1/pos/online-payments", json=body, headers={"Authorization": f"Bearer {token}"})


def _status(client, token: str, uuid: str, action: str = ""):
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/pos/online-payments/{uuid}" + (f"/{action}" if action else "")
    return client.post(url, headers=headers) if action else client.get(url, headers=headers)


def _pay_at_localstripe(localstripe: str, intent_id: str) -> None:
    client = stripe.StripeClient("sk_test_dongkou", base_addresses={"api": localstripe})
    card = client.v1.payment_methods.create(
        params={"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    client.v1.payment_intents.update(intent_id, params={"payment_method": card["id"]})
    assert client.v1.payment_intents.confirm(intent_id)["status"] == "succeeded"


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(func.count(Order.id))),
            db.session.scalar(db.select(func.count(BoothSale.id))),
            db.session.scalar(db.select(func.count(Attribution.id))),
            db.session.scalar(db.select(func.coalesce(func.sum(Attribution.amount_fen), 0))),
        )


def test_without_online_payments_the_till_is_told_why(app, client, fair):
    catalogue = client.get("/api/v1/pos/catalogue", headers={"Authorization": f"Bearer {fair['token']}"}).get_json()
    assert catalogue["booth"]["online_payment"] is False
    response = _open(client, fair["token"], sale(fair["mandarin"], tender="cash") | {"tender": ONLINE})
    assert response.status_code == 503
    assert response.get_json() == {
        "error": "unavailable",
        "message": "本商城还没有开通在线支付：请收现金，或用本展位的收款码。",
    }
    # Nor can a till record an online sale by syncing it: nobody has confirmed the money.
    answer = sync(client, fair["token"], [sale(fair["mandarin"]) | {"tender": ONLINE}]).get_json()
    assert answer["results"][0]["outcome"] == "invalid"
    assert answer["results"][0]["errors"] == ["这笔在线付款还没有确认到账，不能记为销售。"]


def test_a_qr_sale_paid_through_localstripe_is_recorded_once(paying):
    app, fair, localstripe = paying
    client = app.test_client()
    body = sale(fair["mandarin"], quantity=2) | {"tender": ONLINE}
    with serving(app) as base:
        requests.post(
            f"{localstripe}/_config/webhooks/dongkou",
            timeout=5,
            data={"url": f"{base}/payments/stripe/webhook", "secret": WEBHOOK_SECRET},
        )
        opened = _open(client, fair["token"], body)
        assert opened.status_code == 200, opened.get_json()
        answer = opened.get_json()
        assert (answer["status"], answer["amount_fen"]) == ("pending", 7960)
        assert "/pay/booth/" in answer["pay_url"]
        # The till resends after a timeout: the same payment, not a second PaymentIntent.
        assert _open(client, fair["token"], body).get_json()["pay_url"] == answer["pay_url"]
        # The same UUID for a different sale is refused.
        other = _open(client, fair["token"], body | {"total_fen": 3980, "lines": [body["lines"][0] | {"quantity": 1}]})
        assert other.status_code == 409 and other.get_json()["error"] == "uuid_taken"
        # The buyer's phone: the goods and the amount, nobody's personal data.
        page = client.get(answer["pay_url"].removeprefix("http://localhost")).get_data(as_text=True)
        assert "高沙镇" in page and "¥79.60" in page and "雪峰蜜橘" in page and "李四光" not in page
        with app.app_context():
            payment = db.session.execute(db.select(BoothOnlinePayment)).scalar_one()
            intent_id = payment.provider_ref
        assert _counts(app)[:2] == (0, 0)

        _pay_at_localstripe(localstripe, intent_id)
        deadline = time.monotonic() + 15
        while _counts(app)[1] == 0 and time.monotonic() < deadline:
            time.sleep(0.2)  # the signed webhook, a second after the change
        assert _counts(app)[1] == 1, "the webhook never recorded the sale"
        time.sleep(1.5)  # let a redelivery or a second event arrive too

        polled = _status(client, fair["token"], body["uuid"]).get_json()
        assert polled["status"] == "paid" and polled["order_number"]
        again = _open(client, fair["token"], body).get_json()
        assert (again["status"], again["order_number"]) == ("paid", polled["order_number"])
        synced = sync(client, fair["token"], [body]).get_json()["results"][0]
        assert (synced["outcome"], synced["order_number"]) == ("duplicate", polled["order_number"])
        assert _status(client, fair["token"], body["uuid"], "cancel").get_json()["status"] == "paid"

    orders, sales, rows, amount = _counts(app)
    assert (orders, sales, amount) == (1, 1, 7960) and rows == 3
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert (order.channel, order.status, order.payment_method, order.paid_fen) == (
            "booth",
            "completed",
            "stripe",
            7960,
        )
        stored = db.session.execute(db.select(Payment)).scalar_one()
        assert (stored.method, stored.provider_ref, stored.status) == ("stripe", intent_id, "succeeded")
        assert db.session.execute(db.select(BoothSale.tender)).scalar_one() == "online"
        assert find_all() == []
    receipt = client.get(f"/receipt/{body['uuid']}").get_data(as_text=True)
    assert "在线支付" in receipt and "¥79.60" in receipt


def test_a_buyer_who_walks_away_is_cancelled_and_a_late_payment_still_counts(paying):
    app, fair, _localstripe = paying
    client = app.test_client()
    body = sale(fair["tea"], price_fen=6800) | {"tender": ONLINE}
    answer = _open(client, fair["token"], body).get_json()
    cancelled = _status(client, fair["token"], body["uuid"], "cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "canceled"
    token = answer["pay_url"].rsplit("/", 1)[1]
    assert "店员已取消这笔收款" in client.get(f"/pay/booth/{token}").get_data(as_text=True)
    assert _counts(app)[:2] == (0, 0)
    with app.app_context():
        intent_id = db.session.execute(db.select(BoothOnlinePayment.provider_ref)).scalar_one()
        # Money that arrives anyway (a wallet that confirmed before the cancel reached it) is a sale.
        assert (
            online_tender.settle_booth_payment(IntentState(intent_id, "succeeded", 6800, "CNY", None, body["uuid"]))
            == "recorded"
        )
        db.session.commit()
        assert (
            online_tender.settle_booth_payment(IntentState(intent_id, "succeeded", 6800, "CNY", None, body["uuid"]))
            == "already_recorded"
        )
    assert _counts(app)[1] == 1


def test_money_that_differs_from_the_sale_is_flagged_not_recorded(paying):
    app, fair, _localstripe = paying
    client = app.test_client()
    body = sale(fair["mandarin"]) | {"tender": ONLINE}
    _open(client, fair["token"], body)
    with app.app_context():
        intent_id = db.session.execute(db.select(BoothOnlinePayment.provider_ref)).scalar_one()
        assert (
            online_tender.settle_booth_payment(IntentState(intent_id, "succeeded", 100, "CNY", None, body["uuid"]))
            == "flagged"
        )
        db.session.commit()
    flagged = _status(client, fair["token"], body["uuid"]).get_json()
    assert "请退款" in flagged["flag"]
    assert _counts(app)[:2] == (0, 0)


def test_bad_requests_say_what_is_wrong(paying):
    app, fair, _localstripe = paying
    client = app.test_client()
    not_online = _open(client, fair["token"], sale(fair["mandarin"]))
    assert not_online.status_code == 422 and not_online.get_json()["error"] == "not_online"
    unknown = _open(client, fair["token"], sale("NOPE-1") | {"tender": ONLINE})
    assert unknown.status_code == 422 and "NOPE-1" in unknown.get_json()["message"]
    broken = _open(client, fair["token"], {"uuid": "x"})
    assert broken.status_code == 422 and "uuid" in broken.get_json()["message"]
    assert _status(client, fair["token"], "0b7a4f4e-8a47-4a7e-9e7b-3f1c2d3e4f5a").status_code == 404
    assert client.get("/pay/booth/not-a-token").status_code == 404
    assert _open(client, "wrong", sale(fair["mandarin"]) | {"tender": ONLINE}).status_code == 401


def test_the_tills_polls_ask_the_acquirer_at_most_every_few_seconds(
    make_app, stripe_settings, localstripe, monkeypatch
):
    # The webhook normally settles the payment; asking Stripe on every two-second poll of every
    # till would only spend the shop's API quota. A shared cache spaces the questions out.
    from app.payments.gateway import StripeGateway

    app = make_app({**stripe_settings, "STRIPE_API_BASE": localstripe, "CACHE_TYPE": "SimpleCache"})
    fair = build_fair(app)
    asked = []
    retrieve = StripeGateway.retrieve_intent
    monkeypatch.setattr(StripeGateway, "retrieve_intent", lambda self, ref: asked.append(ref) or retrieve(self, ref))
    client = app.test_client()
    body = sale(fair["mandarin"]) | {"tender": ONLINE}
    assert _open(client, fair["token"], body).status_code == 200
    with app.app_context():
        intent_id = db.session.execute(db.select(BoothOnlinePayment.provider_ref)).scalar_one()
    assert _status(client, fair["token"], body["uuid"]).get_json()["status"] == "pending"
    _pay_at_localstripe(localstripe, intent_id)  # no webhook is configured: only asking finds it
    assert _status(client, fair["token"], body["uuid"]).get_json()["status"] == "pending"
    assert len(asked) == 1
    with app.app_context():
        cache.clear()  # the window passes; a sleep would fail on a CI machine slower than the window
    assert _status(client, fair["token"], body["uuid"]).get_json()["status"] == "paid"
    assert len(asked) == 2
    assert _counts(app)[1] == 1
