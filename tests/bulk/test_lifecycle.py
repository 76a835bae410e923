"""Every contract transition the state table allows works and is recorded; every other one
raises and leaves the database exactly as it was. Deliveries likewise."""

import itertools
from datetime import date

import pytest
from sqlalchemy import func

from app.audit.models import AuditEntry
from app.audit.services import Actor
from app.bulk import fulfilment
from app.bulk.models import IntentStatusChange, PurchaseIntent
from app.bulk.workflow import set_intent_status
from app.domain import intent_states as states
from app.domain.transitions import ForbiddenTransition
from app.extensions import db
from app.orders.models import Order, OrderStatusChange
from tests.bulk.conftest import contract_in_delivery, draft_intent, signed_in

PAIRS = list(itertools.product(states.ALL, states.ALL))


def _snapshot() -> tuple:
    """Everything a transition could touch."""
    return (
        db.session.execute(
            db.select(
                PurchaseIntent.id, PurchaseIntent.status, PurchaseIntent.submitted_at, PurchaseIntent.confirmed_at
            ).order_by(PurchaseIntent.id)
        ).all(),
        db.session.scalar(db.select(func.count()).select_from(IntentStatusChange)),
        db.session.scalar(db.select(func.count()).select_from(AuditEntry)),
    )


def test_each_contract_transition_is_allowed_or_refused_without_a_trace(app, units):
    _client, number, _url = draft_intent(app, units)
    actor = Actor(units["admin"], "test")
    with app.app_context():
        intent = db.session.execute(db.select(PurchaseIntent).where(PurchaseIntent.number == number)).scalar_one()
        for current, wanted in PAIRS:
            intent.status = current  # arrange the starting state directly
            db.session.commit()
            before = _snapshot()
            if wanted in states.TRANSITIONS[current]:
                set_intent_status(intent, wanted, actor, "test")
                db.session.commit()
                assert db.session.get(PurchaseIntent, intent.id).status == wanted
                change = (
                    db.session.execute(db.select(IntentStatusChange).order_by(IntentStatusChange.id.desc()))
                    .scalars()
                    .first()
                )
                assert (change.from_status, change.to_status) == (current, wanted)
                assert _snapshot()[1:] == (before[1] + 1, before[2] + 1)  # one history row, one audit row
            else:
                with pytest.raises(ForbiddenTransition):
                    set_intent_status(intent, wanted, actor, "test")
                db.session.rollback()
                assert _snapshot() == before, f"{current} -> {wanted}"
        allowed = sum(len(t) for t in states.TRANSITIONS.values())
        assert db.session.scalar(db.select(func.count()).select_from(IntentStatusChange)) == allowed


def _confirmed_with_delivery(app, units, terms="prepay_transfer"):
    return contract_in_delivery(app, units, quantity=10, terms=terms, issue=False)["order_number"]


def _delivery_snapshot(number: str) -> tuple:
    order = db.session.execute(db.select(Order).where(Order.number == number)).scalar_one()
    db.session.refresh(order)
    return (
        order.status,
        order.payment_status,
        order.shipped_at,
        order.delivered_at,
        db.session.scalar(db.select(func.count()).select_from(OrderStatusChange)),
        db.session.execute(db.select(PurchaseIntent.status)).scalar_one(),
    )


def test_a_delivery_is_accepted_only_after_it_was_shipped(app, units):
    number = _confirmed_with_delivery(app, units, terms="pay_by_due")
    with app.app_context():
        before = _delivery_snapshot(number)
        order = db.session.execute(db.select(Order).where(Order.number == number)).scalar_one()
        with pytest.raises(ForbiddenTransition):
            fulfilment.accept_delivery(order, Actor(units["admin"], "test"))
        db.session.rollback()
        assert _delivery_snapshot(number) == before
        fulfilment.ship_delivery(number, "县邮政", "YZ0001234", Actor(None, "test"))
        fulfilment.accept_delivery(
            db.session.execute(db.select(Order).where(Order.number == number)).scalar_one(),
            Actor(units["admin"], "test"),
        )
        assert _delivery_snapshot(number)[0] == "delivered"


def test_a_prepaid_delivery_does_not_ship_unpaid(app, units):
    number = _confirmed_with_delivery(app, units)
    with app.app_context():
        before = _delivery_snapshot(number)
        with pytest.raises(fulfilment.DeliveryError):
            fulfilment.ship_delivery(number, "县邮政", "YZ0001234", Actor(None, "test"))
        assert _delivery_snapshot(number) == before


def test_a_delivery_beyond_the_contract_or_the_stock_changes_nothing(app, units):
    number = _confirmed_with_delivery(app, units)
    with app.app_context():
        intent = db.session.execute(db.select(PurchaseIntent)).scalar_one()
        stock = [line.sku.stock for line in intent.lines]
        orders = db.session.scalar(db.select(func.count()).select_from(Order))
        for quantities in ({intent.lines[0].id: 111}, {intent.lines[1].id: 10, intent.lines[0].id: 1}):
            if len(quantities) == 2:
                intent.lines[1].sku.stock = 5  # not enough oil in the warehouse
                db.session.commit()
                stock[1] = 5
            with pytest.raises(fulfilment.DeliveryError):
                fulfilment.create_delivery(
                    intent, fulfilment.DeliveryDraft(quantities, "小周", "13700001111", "食堂"), Actor(None, "test")
                )
            db.session.rollback()
            intent = db.session.execute(db.select(PurchaseIntent)).scalar_one()
            assert [line.sku.stock for line in intent.lines] == stock
            assert [line.delivered for line in intent.lines] == [10, 0]
            assert db.session.scalar(db.select(func.count()).select_from(Order)) == orders
    assert number


def test_a_confirmed_contract_past_its_window_expires_from_the_command_line(app, units, runner):
    _client, number, _url = draft_intent(app, units)
    with app.app_context():
        intent = db.session.execute(db.select(PurchaseIntent).where(PurchaseIntent.number == number)).scalar_one()
        intent.status = states.CONFIRMED
        intent.delivery_from, intent.delivery_to = date(2020, 1, 1), date(2020, 2, 1)
        db.session.commit()
    result = runner.invoke(args=["expire-intents"])
    assert result.exit_code == 0 and number in result.output
    assert "expired 0" in runner.invoke(args=["expire-intents"]).output
    with app.app_context():
        assert db.session.execute(db.select(PurchaseIntent.status)).scalar_one() == states.EXPIRED


def test_a_bank_transfer_delivery_is_not_called_cash_on_delivery(app, units):
    made = contract_in_delivery(app, units, terms="pay_by_due")
    staff = signed_in(app, "staff@example.com")
    for page in (staff.get(f"/staff/orders/{made['order_number']}"), staff.get(f"/staff/intents/{made['number']}")):
        body = page.get_data(as_text=True)
        assert "待发货（银行转账）" in body and "货到付款" not in body
