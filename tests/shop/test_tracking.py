"""An order's way on its page (placed, shipped with the carrier's tracking link, delivered, paid
at the door, completed), my orders by status with pages, and the buyer told by mail and by text
message through the SMS provider."""

import logging

import pytest

from app.extensions import db
from app.outbox.models import OutboxMessage
from tests import factories
from tests.bulk.conftest import signed_in


@pytest.fixture()
def buyer_and_staff(app):
    with app.app_context():
        sku = factories.product("雪峰蜜橘", stock=100).skus[0].id
        factories.user(email="buyer@example.com")
        factories.user(email="staff@example.com", role="staff")
        db.session.commit()
    return sku, signed_in(app, "buyer@example.com"), signed_in(app, "staff@example.com")


def _timeline(page: str) -> str:
    return page.split('class="order-timeline', 1)[1].split("</ol>", 1)[0]


def test_the_order_page_shows_its_way_and_the_buyer_is_texted(app, buyer_and_staff, caplog):
    sku, buyer, staff = buyer_and_staff
    number = factories.buy(buyer, sku, 1).location.rsplit("/", 1)[1]
    steps = _timeline(buyer.get(f"/orders/{number}").get_data(as_text=True))
    assert steps.count('class="done"') == 1 and steps.count('class="ahead"') == 4  # placed; the rest ahead
    caplog.set_level(logging.INFO, logger="app.outbox.sms")
    staff.post(f"/staff/orders/{number}/ship", data={"carrier": "中国邮政", "tracking_number": "9876543210"})
    page = buyer.get(f"/orders/{number}").get_data(as_text=True)
    assert "https://www.kuaidi100.com/chaxun?nu=9876543210" in page and "中国邮政 9876543210" in page
    staff.post(f"/staff/orders/{number}/deliver")
    staff.post(f"/staff/orders/{number}/cash", data={"amount": "39.80"})
    staff.post(f"/staff/orders/{number}/complete")
    steps = _timeline(buyer.get(f"/orders/{number}").get_data(as_text=True))
    assert steps.count('class="done"') == 5 and "ahead" not in steps
    assert steps.index("已送达") < steps.index("已付款")  # paid at the door, after delivery
    with app.app_context():
        texts = db.session.execute(
            db.select(OutboxMessage.kind, OutboxMessage.recipient, OutboxMessage.body, OutboxMessage.status)
            .where(OutboxMessage.channel == "sms")
            .order_by(OutboxMessage.id)
        ).all()
    assert [(t.kind, t.recipient, t.status) for t in texts] == [
        ("order_shipped", "13812345678", "sent"),
        ("order_delivered", "13812345678", "sent"),
    ]
    assert "9876543210" in texts[0].body and "7 天内申请售后" in texts[1].body
    logged = [r.getMessage() for r in caplog.records if r.name == "app.outbox.sms"]
    assert logged and all("138****5678" in line and "13812345678" not in line for line in logged)


def test_my_orders_by_status_with_pages(app, buyer_and_staff):
    sku, buyer, staff = buyer_and_staff
    numbers = [factories.buy(buyer, sku, 1).location.rsplit("/", 1)[1] for _ in range(12)]
    staff.post(f"/staff/orders/{numbers[0]}/ship", data={"carrier": "顺丰", "tracking_number": "SF1234567890"})
    shipped = buyer.get("/orders?tab=shipped").get_data(as_text=True)
    assert numbers[0] in shipped and numbers[1] not in shipped
    to_ship = buyer.get("/orders?tab=to_ship").get_data(as_text=True)
    assert numbers[-1] in to_ship and numbers[0] not in to_ship and "page=2" in to_ship
    second = buyer.get("/orders?tab=to_ship&page=2").get_data(as_text=True)
    assert numbers[1] in second
    assert "这里没有订单" in buyer.get("/orders?tab=closed").get_data(as_text=True)
    assert buyer.get("/orders?tab=nonsense").status_code == 200
