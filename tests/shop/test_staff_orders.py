"""Staff ship, deliver, collect cash and refund; the ledger follows the money exactly."""

import pytest
from sqlalchemy import func

from app.catalog.models import Sku
from app.domain import order_states as states
from app.domain import payment_states
from app.extensions import db
from app.impact.models import Attribution
from app.models_base import RowsAreAppendOnly
from app.orders.models import Order, OrderStatusChange
from app.orders.workflow import set_payment_status, set_status
from app.outbox.models import OutboxMessage
from tests import factories


def place(buyer, shop, quantity=2):
    return factories.buy(buyer, shop["sku_id"], quantity).headers["Location"].rsplit("/", 1)[1]


def ledger(app):
    with app.app_context():
        return {
            hh: amount
            for hh, amount in db.session.execute(
                db.select(Attribution.household_id, func.sum(Attribution.amount_fen)).group_by(Attribution.household_id)
            )
        }


def test_cash_on_delivery_flow_writes_the_ledger_once(app, buyer, staff, shop):
    number = place(buyer, shop)
    assert (
        staff.post(
            f"/staff/orders/{number}/ship", data={"carrier": "顺丰速运", "tracking_number": "SF1234567890"}
        ).status_code
        == 303
    )
    assert staff.post(f"/staff/orders/{number}/deliver").status_code == 303
    wrong = staff.post(f"/staff/orders/{number}/cash", data={"amount": "70.00"}, follow_redirects=True)
    assert "收款金额必须等于订单金额" in wrong.get_data(as_text=True)
    assert ledger(app) == {}
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60", "reference": "现金"}).status_code == 303
    again = staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}, follow_redirects=True)
    assert "不是待收款的货到付款或银行转账订单" in again.get_data(as_text=True)
    h1, h2, h3 = shop["households"]
    assert ledger(app) == {h1: 3980, h2: 1990, h3: 1990}  # 7960 split 2:1:1
    assert staff.post(f"/staff/orders/{number}/complete").status_code == 303
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert (order.status, order.payment_status, order.paid_fen) == ("completed", "paid", 7960)
        assert [c.to_status for c in order.status_changes] == ["confirmed", "shipped", "delivered", "completed"]
        assert f"订单 {number} 已发货" in db.session.execute(db.select(OutboxMessage.subject)).scalars().all()
    page = buyer.get(f"/orders/{number}").get_data(as_text=True)
    assert "已按带贫协议分配给 高沙镇 1 个村的 3 户建档立卡贫困户（共 9 人）" in page
    assert "李**" in page and "李四光" not in page


def test_refund_per_line_writes_negative_rows_and_whole_refund_ends_the_order(app, buyer, staff, shop):
    number = place(buyer, shop)
    staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"})
    with app.app_context():
        line_id = db.session.execute(db.select(Order)).scalar_one().lines[0].id
    staff.post(f"/staff/orders/{number}/refund", data={f"line-{line_id}": "39.80", "reason": "一箱破损"})
    h1, h2, h3 = shop["households"]
    assert ledger(app) == {h1: 1990, h2: 995, h3: 995}
    too_much = staff.post(
        f"/staff/orders/{number}/refund", data={f"line-{line_id}": "50", "reason": "x"}, follow_redirects=True
    )
    assert "退款金额超过了可退金额" in too_much.get_data(as_text=True)
    staff.post(f"/staff/orders/{number}/refund", data={"whole": "1", "reason": "全部退回"})
    assert ledger(app) == {h1: 0, h2: 0, h3: 0}
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        assert (order.payment_status, order.refunded_fen, order.status) == ("refunded", 7960, "confirmed")
        kinds = db.session.execute(db.select(Attribution.kind, func.count()).group_by(Attribution.kind)).all()
        assert dict(kinds) == {"sale": 3, "refund": 6}
        # Every payment move left a row: who, how much, why.
        history = [(c.from_status, c.to_status, c.amount_fen, c.actor, c.reason) for c in order.payment_changes]
        assert history == [
            ("unpaid", "paid", 7960, "staff", ""),
            ("paid", "partially_refunded", -3980, "staff", "一箱破损"),
            ("partially_refunded", "refunded", -3980, "staff", "全部退回"),
        ]
    page = staff.get(f"/staff/orders/{number}").get_data(as_text=True)
    assert "付款记录" in page and "一箱破损" in page and "-¥39.80" in page


def test_forbidden_transitions_change_nothing(app, buyer, staff, shop):
    number = place(buyer, shop)
    response = staff.post(f"/staff/orders/{number}/deliver", follow_redirects=True)
    assert "不能执行这个操作" in response.get_data(as_text=True)
    with app.app_context():
        order = db.session.execute(db.select(Order)).scalar_one()
        with pytest.raises(states.ForbiddenTransition):
            set_status(order, states.COMPLETED, "test")
        db.session.rollback()
        order = db.session.execute(db.select(Order)).scalar_one()
        assert order.status == "confirmed"
        assert db.session.scalar(db.select(func.count(OrderStatusChange.id))) == 1
        # The payment has its own guarded setter: no refund before the money came in.
        with pytest.raises(states.ForbiddenTransition):
            set_payment_status(order, payment_states.REFUNDED, -100, "cod", "test")
        assert order.payment_status == payment_states.UNPAID and not order.payment_changes


def test_shipped_orders_cannot_be_cancelled_by_the_buyer(app, buyer, staff, shop):
    number = place(buyer, shop)
    staff.post(f"/staff/orders/{number}/ship", data={"carrier": "顺丰速运", "tracking_number": "SF1234567890"})
    response = buyer.post(f"/orders/{number}/cancel", follow_redirects=True)
    assert "订单已发货，无法取消" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Sku, shop["sku_id"]).stock == 8


def test_ship_form_errors_are_explained(app, buyer, staff, shop):
    number = place(buyer, shop)
    response = staff.post(
        f"/staff/orders/{number}/ship", data={"carrier": "", "tracking_number": "!"}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "请填写此项" in text and "运单号为 6 到 40 位字母或数字" in text


def test_staff_pages_are_for_staff_only(app, buyer, shop):
    number = place(buyer, shop)
    assert buyer.get("/staff/orders").status_code == 403
    assert buyer.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}).status_code == 403
    assert app.test_client().get("/staff/orders").status_code == 302


def test_staff_order_list_filters(app, buyer, staff, shop):
    number = place(buyer, shop)
    assert number in staff.get("/staff/orders?status=confirmed").get_data(as_text=True)
    assert number not in staff.get("/staff/orders?status=paid").get_data(as_text=True)
    assert number in staff.get(f"/staff/orders?q={number[-4:]}").get_data(as_text=True)
    assert staff.get("/staff/orders?status=bogus").status_code == 400


def test_the_ledger_refuses_updates_and_deletes(app, buyer, staff, shop):
    number = place(buyer, shop)
    staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"})
    with app.app_context():
        row = db.session.execute(db.select(Attribution)).scalars().first()
        row.amount_fen += 1
        with pytest.raises(RowsAreAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.execute(db.select(Attribution)).scalars().first())
        with pytest.raises(RowsAreAppendOnly):
            db.session.flush()
        db.session.rollback()
    assert sum(ledger(app).values()) == 7960
