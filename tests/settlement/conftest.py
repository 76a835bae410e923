"""Sales on each channel for settlement tests, and the county's clock a month on, so the month
of the sales is over and can be settled."""

import io
from datetime import timedelta

import pytest
from PIL import Image

from app.clock import next_month_start, today
from app.extensions import db
from app.impact.models import Attribution
from app.payments import services as payments
from tests import factories
from tests.bulk.conftest import contract_in_delivery, signed_in, units  # noqa: F401
from tests.pos.fixtures import sale, sync

THIS_MONTH = today().replace(day=1)


@pytest.fixture()
def month_over(monkeypatch):
    """The county's today, early next month, as the statement service sees it."""
    from app.settlement import statements

    monkeypatch.setattr(statements, "today", lambda: next_month_start(THIS_MONTH) + timedelta(days=3))
    return THIS_MONTH


def _staff_id() -> int:
    from app.accounts.models import User

    return db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))


def sell_online(app, units, quantity: int = 2) -> str:
    with app.app_context():
        buyer = factories.user(email=f"buyer{quantity}@example.com")
        db.session.commit()
        return factories.paid_on_delivery(buyer.id, units["mandarin"], quantity, _staff_id()).number


def sell_by_contract(app, units) -> str:
    made = contract_in_delivery(app, units, terms="pay_by_due")
    with app.app_context():
        from app.orders.models import Order

        total = db.session.scalar(db.select(Order.total_fen).where(Order.number == made["order_number"]))
        payments.record_offline_payment(made["order_number"], total, "工行 0001", _staff_id())
    return made["order_number"]


def sell_at_booth(app, client, fair) -> str:
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 2)])
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["results"][0]["order_number"]


def producer_of(app, order_number: str | None = None) -> int:
    with app.app_context():
        from app.orders.models import Order

        query = db.select(Attribution.producer_id)
        if order_number:
            query = query.join(Order, Order.id == Attribution.order_id).where(Order.number == order_number)
        return db.session.scalar(query.limit(1))


def receipt_photo() -> bytes:
    picture = Image.new("RGB", (400, 300), (250, 245, 230))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def staff_client(app):
    return signed_in(app, "staff@example.com")
