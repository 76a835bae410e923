"""After-sales: a buyer asks within the window with a photo, county staff approve part of it, the
money goes back and the ledger takes back exactly that share; or they decline, and the buyer
reads why."""

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func

from app.extensions import db
from app.impact.models import Attribution
from app.models_base import utcnow
from app.orders.models import Order
from app.settlement.book_check import find_all
from tests import factories
from tests.bulk.conftest import signed_in


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture()
def delivered(app):
    """Two boxes of mandarins, delivered and paid in cash at the door; the producer supports two households."""
    with app.app_context():
        village = factories.village()
        households = [factories.household(village) for _ in range(2)]
        sku = factories.product("雪峰蜜橘", factories.producer(households=households), stock=10).skus[0].id
        factories.user(email="buyer@example.com")
        factories.user(email="other@example.com")
        factories.user(email="staff@example.com", role="staff")
        db.session.commit()
    buyer = signed_in(app, "buyer@example.com")
    number = factories.buy(buyer, sku, 2).location.rsplit("/", 1)[1]
    staff = signed_in(app, "staff@example.com")
    staff.post(f"/staff/orders/{number}/ship", data={"carrier": "邮政", "tracking_number": "9876543210"})
    staff.post(f"/staff/orders/{number}/deliver")
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}).status_code == 303
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        assert order.delivered_at is not None
        return {"number": number, "line": order.lines[0].id, "order_id": order.id, "buyer": buyer, "staff": staff}


def _ask(client, number, line, amount="50.00", photo=True):
    data = {"line": line, "kind": "refund", "reason": "damaged", "amount": amount, "description": "压坏了 3 个"}
    if photo:
        data["photos"] = [(io.BytesIO(_photo()), "damage.png")]
    return client.post(f"/orders/{number}/aftersales", data=data, content_type="multipart/form-data")


def _ledger(app, order_id: int, kind: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(func.coalesce(func.sum(Attribution.amount_fen), 0)).where(
                Attribution.order_id == order_id, Attribution.kind == kind
            )
        )


def test_a_partial_approval_refunds_that_much_and_the_ledger_follows(app, delivered):
    buyer, staff, number = delivered["buyer"], delivered["staff"], delivered["number"]
    assert _ask(buyer, number, delivered["line"]).status_code == 303
    # The line waiting for a decision is not offered again; a hand-made request is refused.
    assert 'name="line"' not in buyer.get(f"/orders/{number}/aftersales").get_data(as_text=True)
    again = _ask(buyer, number, delivered["line"], photo=False)
    assert again.status_code == 400 and "已有一个处理中的售后申请" in again.get_data(as_text=True)
    listing = staff.get("/staff/aftersales").get_data(as_text=True)
    assert number in listing and "运输破损" in listing and "照片 1" in listing
    with app.app_context():
        from app.aftersales.models import AfterSaleRequest

        request_id = db.session.scalar(db.select(AfterSaleRequest.id))
    with buyer.get(f"/aftersales/{request_id}/photos/0") as shown:  # a stored file streams: close it
        assert shown.mimetype == "image/jpeg"
    assert signed_in(app, "other@example.com").get(f"/aftersales/{request_id}/photos/0").status_code == 404
    too_much = staff.post(f"/staff/aftersales/{request_id}/approve", data={"amount": "60.00"}, follow_redirects=True)
    assert "申请的 ¥50.00" in too_much.get_data(as_text=True)
    approved = staff.post(
        f"/staff/aftersales/{request_id}/approve",
        data={"amount": "20.00", "note": "按破损个数退"},
        follow_redirects=True,
    )
    assert "已同意并退款" in approved.get_data(as_text=True)
    assert _ledger(app, delivered["order_id"], "refund") == -2000
    assert _ledger(app, delivered["order_id"], "sale") == 7960
    with app.app_context():
        order = db.session.get(Order, delivered["order_id"])
        assert (order.refunded_fen, order.payment_status) == (2000, "partially_refunded")
        assert find_all() == []
    page = buyer.get(f"/orders/{number}/aftersales").get_data(as_text=True)
    assert "已退 ¥20.00" in page and "按破损个数退" in page


def test_declined_with_a_reason_and_asked_too_late(app, delivered):
    buyer, staff, number = delivered["buyer"], delivered["staff"], delivered["number"]
    _ask(buyer, number, delivered["line"], photo=False)
    with app.app_context():
        from app.aftersales.models import AfterSaleRequest

        request_id = db.session.scalar(db.select(AfterSaleRequest.id))
    staff.post(f"/staff/aftersales/{request_id}/decline", data={"reason": "照片看不出破损"})
    assert "照片看不出破损" in buyer.get(f"/orders/{number}/aftersales").get_data(as_text=True)
    assert _ledger(app, delivered["order_id"], "refund") == 0
    with app.app_context():
        order = db.session.get(Order, delivered["order_id"])
        order.delivered_at = utcnow() - timedelta(days=10)
        db.session.commit()
    late = _ask(buyer, number, delivered["line"], photo=False)
    assert late.status_code == 400 and "7 天的售后期限" in late.get_data(as_text=True)
