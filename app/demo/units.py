"""A demo supporting unit (the county hospital) with a yearly pledge and a contract under way:
one delivery paid by bank transfer and accepted, one planned."""

from datetime import date, timedelta

from app.accounts.models import User
from app.audit.services import Actor
from app.bulk import fulfilment, services
from app.bulk.models import IntentLine, PurchaseIntent, SupportingUnit
from app.catalog.models import Sku
from app.domain import intent_states
from app.extensions import db
from app.payments.services import record_offline_payment

CREDIT_CODE = "12430525MB1234567X"
UNIT_EMAIL, STAFF_EMAIL = "unit@dongkou.example", "staff@dongkou.example"


def seed_units(today: date) -> int:
    if db.session.scalar(db.select(SupportingUnit.id).where(SupportingUnit.credit_code == CREDIT_CODE)):
        return 0
    member = db.session.execute(db.select(User).where(User.email == UNIT_EMAIL)).scalar_one()
    staff = db.session.execute(db.select(User).where(User.email == STAFF_EMAIL)).scalar_one()
    unit_actor, staff_actor = Actor(member.id, "seed-demo"), Actor(staff.id, "seed-demo")
    unit = services.register_unit(
        services.UnitDraft(
            "洞口县人民医院", "agency", CREDIT_CODE, "李主任", "13807390001", "洞口县文昌街道雪峰路 1 号"
        ),
        member.id,
        unit_actor,
    )
    services.approve_unit(unit, staff_actor)
    services.set_pledge(unit, today.year, 30_000_000, True, unit_actor)
    intent = services.create_intent(
        unit,
        services.IntentDraft(
            "YY-2026-118",
            "prepay_transfer",
            0,
            today - timedelta(days=10),
            today + timedelta(days=50),
            "",
            "职工食堂及节日慰问",
        ),
        unit_actor,
    )
    skus = {s.code: s.id for s in db.session.execute(db.select(Sku)).scalars()}
    services.set_lines(intent, {skus["XFMJ-10"]: 300, skus["XFMJ-5"]: 120}, unit_actor)
    for days in (0, 20):
        services.add_planned_delivery(
            intent, today + timedelta(days=days), "洞口县人民医院职工食堂", "周师傅", "13807390002", unit_actor
        )
    services.submit_intent(intent, unit_actor)
    services.confirm_intent(intent, staff_actor)
    line = db.session.execute(
        db.select(IntentLine).where(IntentLine.intent_id == intent.id).order_by(IntentLine.id).limit(1)
    ).scalar_one()
    order = fulfilment.create_delivery(
        intent, fulfilment.DeliveryDraft({line.id: 100}, "周师傅", "13807390002", "洞口县人民医院职工食堂"), staff_actor
    )
    record_offline_payment(order.number, order.total_fen, "工行转账 DEMO-0001", staff.id)
    fulfilment.ship_delivery(order.number, "县邮政", "YZ2026DEMO01", staff_actor)
    fulfilment.accept_delivery(order, unit_actor)
    assert db.session.get_one(PurchaseIntent, intent.id).status == intent_states.IN_FULFILMENT
    return 1
