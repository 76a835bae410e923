"""The columns the ledger copies onto each row for reporting are held to their source by the
database itself: a row whose order, producer or household is not its line's or link's is refused."""

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app.domain import roles
from app.extensions import db
from app.impact.models import Attribution
from app.models_base import insert_rows
from app.registry.models import BenefitLink
from tests import factories


@pytest.fixture()
def ledger_row(app):
    """One paid order's first ledger row, as a dict of its columns."""
    with app.app_context():
        township = factories.township()
        producer = factories.producer(township, [factories.household(factories.village(township))])
        other = factories.producer(township, [factories.household(factories.village(township, name="另一村"))])
        product = factories.product("雪峰蜜橘", producer)
        buyer = factories.user(email="ledger-buyer@example.com")
        staff = factories.user(email="ledger-staff@example.com", role=roles.STAFF)
        db.session.commit()
        order = factories.paid_on_delivery(buyer.id, product.skus[0].id, 1, staff.id)
        row = db.session.execute(db.select(Attribution).where(Attribution.order_id == order.id)).scalars().first()
        other_link = db.session.execute(db.select(BenefitLink).where(BenefitLink.producer_id == other.id)).scalar_one()
        values = {c.name: getattr(row, c.key) for c in Attribution.__table__.columns if c.name != "id"}
        return values, other.id, other_link


@pytest.mark.parametrize(
    "change", ["another producer", "another order", "another link's household", "a household without its link"]
)
def test_a_row_that_does_not_match_its_line_or_link_is_refused(app, ledger_row, change):
    values, other_producer_id, other_link = ledger_row
    wrong = dict(values)
    if change == "another producer":
        wrong["producer_id"] = other_producer_id
    elif change == "another order":
        wrong["order_id"] = values["order_id"] + 1000
    elif change == "another link's household":
        wrong["household_id"] = other_link.household_id
    else:
        wrong["benefit_link_id"] = None
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count(Attribution.id)))
        with pytest.raises(IntegrityError):
            insert_rows(Attribution, [wrong])
            db.session.flush()
        db.session.rollback()
        insert_rows(Attribution, [dict(values, amount_fen=0)])  # the same row as written is accepted
        db.session.rollback()
        assert db.session.scalar(db.select(db.func.count(Attribution.id))) == before


def test_a_large_roll_up_adds_into_the_same_keys_as_a_small_one(app, monkeypatch):
    # Past BULK_ROWS, PostgreSQL adds through a scratch table in one statement; twice in one
    # transaction (as the demo seed does) and over existing keys, the sums are those of row by row.
    from datetime import date

    from app.impact import services
    from app.impact.models import LedgerDay, LedgerMonth

    def rows(days: int, fen: int) -> list[dict]:
        return [
            dict(
                day=date(2026, 1, 1 + d % 28) if d < 28 else date(2026, 2, 1 + d % 28),
                township_id=1,
                village_id=2,
                household_id=h,
                producer_id=3,
                product_id=4,
                channel="online",
                event_id=0,
                certified=True,
                amount_fen=fen,
                pairs=1,
            )
            for d in range(days)
            for h in range(40)
        ]

    with app.app_context():
        services.roll_up(factories.rolled_up(rows(56, 100)))  # 2,240 keys: the bulk path on PostgreSQL
        services.roll_up(factories.rolled_up(rows(56, 5)))  # the same keys again
        monkeypatch.setattr(services, "BULK_ROWS", 10**9)
        services.roll_up(factories.rolled_up(rows(3, 1)))  # row by row, into keys the bulk path made
        db.session.commit()
        total = db.session.execute(
            db.select(func.count(), func.sum(LedgerDay.amount_fen), func.sum(LedgerDay.pairs))
        ).one()
        assert tuple(total) == (2240, 2240 * 105 + 120, 2240 * 2 + 120)
        months = db.session.execute(
            db.select(LedgerMonth.month, func.sum(LedgerMonth.amount_fen))
            .group_by(LedgerMonth.month)
            .order_by(LedgerMonth.month)
        ).all()
        assert [(month, fen) for month, fen in months] == [
            (date(2026, 1, 1), 28 * 40 * 105 + 120),
            (date(2026, 2, 1), 28 * 40 * 105),
        ]
