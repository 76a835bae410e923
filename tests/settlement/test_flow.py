"""From a sale on each channel to the households' hands: the statement, its confirmation, the
payouts with their receipts, the public notice and `verify-ledger` all agree to the fen."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, text

from app.clock import next_month_start, today
from app.extensions import db
from app.impact.models import Attribution
from app.models_base import RowsAreAppendOnly
from app.settlement import statements
from app.settlement.balances import balances
from app.settlement.book_check import find_all
from app.settlement.models import Payout, Statement
from app.settlement.notice import village_notice
from tests import factories
from tests.pos.fixtures import fair  # noqa: F401
from tests.settlement.conftest import (
    THIS_MONTH,
    producer_of,
    receipt_photo,
    sell_at_booth,
    sell_by_contract,
    sell_online,
    staff_client,
)


def build(client, producer_id: int, month=THIS_MONTH):
    return client.post("/staff/settlement", data={"producer": producer_id, "month": f"{month:%Y-%m}"})


def built_and_confirmed(app, client, producer_id: int) -> Statement:
    answer = build(client, producer_id)
    assert answer.status_code == 303, answer.get_data(as_text=True)[-800:]
    statement_id = int(answer.location.rsplit("/", 1)[1])
    assert client.post(f"/staff/settlement/statements/{statement_id}/confirm").status_code == 303
    with app.app_context():
        return db.session.get(Statement, statement_id)


def pay(client, line_id: int, amount_fen: int, photo: bool = True):
    data = {"amount": f"{amount_fen / 100:.2f}", "paid_on": str(today()), "method": "cash"}
    if photo:
        data["receipt"] = (io.BytesIO(receipt_photo()), "receipt.png")
    return client.post(f"/settlement/lines/{line_id}/payouts", data=data, content_type="multipart/form-data")


@pytest.mark.parametrize("channel", ["online", "contract", "booth"])
def test_a_sale_on_every_channel_reaches_the_households_hand(app, client, month_over, channel, request):
    if channel == "booth":
        setting = request.getfixturevalue("fair")
        number = sell_at_booth(app, client, setting)
    else:
        setting = request.getfixturevalue("units")
        number = sell_online(app, setting) if channel == "online" else sell_by_contract(app, setting)
    producer_id = producer_of(app, number)
    staff = staff_client(app)
    statement = built_and_confirmed(app, staff, producer_id)

    with app.app_context():
        statement = db.session.get(Statement, statement.id)
        ledger = dict(
            db.session.execute(
                db.select(Attribution.household_id, func.sum(Attribution.amount_fen))
                .where(Attribution.producer_id == producer_id)
                .group_by(Attribution.household_id)
            ).all()
        )
        assert statement.sales_fen == statement.net_fen == sum(ledger.values()) > 0
        assert {line.household_id: line.due_fen for line in statement.lines} == ledger
        lines = [(line.id, line.due_fen, line.household.village_id) for line in statement.lines]

    for line_id, due, _village in lines:
        assert pay(staff, line_id, due).status_code == 303

    with app.app_context():
        statement = db.session.get(Statement, statement.id)
        assert all(b.outstanding_fen == 0 for b in balances(statement.lines).values())
        assert all(p.receipt_key for p in db.session.scalars(db.select(Payout)))
        assert find_all() == []
        notice = village_notice(lines[0][2], THIS_MONTH)
        assert notice.attributed_fen == notice.paid_fen == sum(ledger.values())
    page = staff.get(f"/staff/settlement/statements/{statement.id}").get_data(as_text=True)
    assert "已发清" in page and "未发" in page


def test_a_refund_after_payout_is_carried_to_the_next_statement(app, units, month_over, monkeypatch):
    number = sell_online(app, units, quantity=2)
    producer_id = producer_of(app, number)
    staff = staff_client(app)
    first = built_and_confirmed(app, staff, producer_id)
    with app.app_context():
        lines = [(line.id, line.household_id, line.due_fen) for line in db.session.get(Statement, first.id).lines]
    for line_id, _household, due in lines:
        assert pay(staff, line_id, due, photo=False).status_code == 303

    # One box of two comes back damaged after the households were paid.
    with app.app_context():
        from app.orders.models import Order

        line_id = db.session.scalar(db.select(Order).where(Order.number == number)).lines[0].id
    staff.post(f"/staff/orders/{number}/refund", data={f"line-{line_id}": "39.80", "reason": "一箱破损"})

    # The refund is booked this month too; the next statement closes next month.
    following = next_month_start(THIS_MONTH)
    monkeypatch.setattr(statements, "today", lambda: next_month_start(following) + timedelta(days=3))
    answer = build(staff, producer_id, following)
    assert answer.status_code == 303, answer.get_data(as_text=True)[-600:]
    with app.app_context():
        second = db.session.scalar(db.select(Statement).where(Statement.month == following))
        assert (second.sales_fen, second.refunds_fen, second.net_fen) == (0, 3980, -3980)
        debts = {line.household_id: line.share_fen for line in second.lines}
        assert sum(debts.values()) == -3980 and all(v < 0 for v in debts.values())
        # A household paid in full and then refunded owes the difference, never paid out.
        assert all(line.due_fen < 0 and line.carried_fen == 0 for line in second.lines)
        assert find_all() == []

    # A third month's sale nets against the carried debt.
    sell_online(app, units, quantity=3)
    third_month = next_month_start(following)
    monkeypatch.setattr(statements, "today", lambda: next_month_start(third_month) + timedelta(days=3))
    staff.post(f"/staff/settlement/statements/{second.id}/confirm")
    assert build(staff, producer_id, third_month).status_code == 303
    with app.app_context():
        third = db.session.scalar(db.select(Statement).where(Statement.month == third_month))
        carried = {line.household_id: line.carried_fen for line in third.lines}
        assert carried == debts
        assert sum(line.due_fen for line in third.lines) == 3 * 3980 - 3980
        assert find_all() == []


def test_statements_refuse_what_would_lose_or_repeat_money(app, units, month_over):
    staff = staff_client(app)
    with app.app_context():
        producer = factories.producer()
        db.session.commit()
        idle = producer.id
    refused = build(staff, idle).get_data(as_text=True)
    assert "没有未结算的销售或退款" in refused
    number = sell_online(app, units)
    producer_id = producer_of(app, number)
    assert "还没结束" in build(staff, producer_id, next_month_start(THIS_MONTH)).get_data(as_text=True)
    assert build(staff, producer_id).status_code == 303
    assert "只能结算之后的月份" in build(staff, producer_id).get_data(as_text=True)
    with app.app_context():
        statement = db.session.scalar(db.select(Statement))
        line_id = statement.lines[0].id
        due = statement.lines[0].due_fen
    # Nothing is paid out on a draft.
    assert "对账单确认后才能登记" in pay(staff, line_id, due).get_data(as_text=True)
    staff.post(f"/staff/settlement/statements/{statement.id}/confirm")
    assert "超过这户的未发余额" in pay(staff, line_id, due + 1).get_data(as_text=True)
    assert pay(staff, line_id, due - 100).status_code == 303
    with app.app_context():
        payout_id = db.session.scalar(db.select(Payout.id))
    # A reversal puts the amount back; a second reversal is refused.
    staff.post(f"/settlement/payouts/{payout_id}/reverse", data={"reason": "金额登记错误"})
    again = staff.post(f"/settlement/payouts/{payout_id}/reverse", data={"reason": "再冲一次"}, follow_redirects=True)
    assert "已经冲销过" in again.get_data(as_text=True)
    assert pay(staff, line_id, due).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(func.sum(Payout.amount_fen))) == due
        assert find_all() == []
    paid_statement = staff.post(
        f"/staff/settlement/statements/{statement.id}/paid", data={"bank_reference": "", "paid_on": "2026-12-01"}
    )
    assert paid_statement.status_code == 400 and "请填写此项" in paid_statement.get_data(as_text=True)


def test_the_payout_book_only_grows_and_verify_ledger_checks_it(app, units, month_over, runner):
    number = sell_online(app, units)
    staff = staff_client(app)
    statement = built_and_confirmed(app, staff, producer_of(app, number))
    with app.app_context():
        line = db.session.get(Statement, statement.id).lines[0]
        line_id, due = line.id, line.due_fen
    pay(staff, line_id, due, photo=False)
    with app.app_context():
        payout = db.session.scalar(db.select(Payout))
        payout.amount_fen = 1
        with pytest.raises(RowsAreAppendOnly):
            db.session.flush()
        db.session.rollback()
        # Written behind the ORM's back: verify-ledger notices the overpayment.
        db.session.execute(text("UPDATE payouts SET amount_fen = amount_fen + 500"))
        db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code != 0 and "payout book, paid out on line" in result.output
