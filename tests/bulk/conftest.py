"""Two supporting units: 县人民医院 (approved, admin 李主任 and buyer 小周) and 县一中 (another unit)."""

import pytest

from app.accounts.models import User
from app.audit.services import Actor
from app.bulk import services
from app.domain import roles
from app.extensions import db
from tests import factories

CREDIT_A = "91350100M000100Y43"


def credit_code(first17: str) -> str:
    from app.domain.identity import credit_code_check_char

    return first17 + credit_code_check_char(first17)


@pytest.fixture()
def units(app):
    with app.app_context():
        gaosha = factories.township(name="高沙镇")
        village = factories.village(gaosha, "林田村")
        households = [factories.household(village, head_name=n) for n in ("李四光", "王秀英")]
        producer = factories.producer(gaosha, households, [1, 1])
        mandarin = factories.product("雪峰蜜橘", producer, price_fen=3980, stock=1000)
        oil = factories.product("山茶油", producer, price_fen=12800, stock=50)
        admin = factories.user(email="admin@hospital.example", name="李主任")
        factories.user(email="buyer@hospital.example", name="小周")
        other = factories.user(email="admin@school.example", name="王校长")
        if not db.session.scalar(db.select(User.id).where(User.email == "staff@example.com")):
            factories.user(email="staff@example.com", role=roles.STAFF, name="王干事")
        db.session.commit()
        hospital = services.register_unit(
            services.UnitDraft("洞口县人民医院", "agency", CREDIT_A, "李主任", "13812345678", "洞口县文昌街道"),
            admin.id,
            Actor(admin.id, "test"),
        )
        services.add_member(hospital, "buyer@hospital.example", "buyer", Actor(admin.id, "test"))
        services.approve_unit(hospital, Actor(None, "test"))
        school = services.register_unit(
            services.UnitDraft(
                "洞口县第一中学", "school", credit_code("12430525MB0000000"), "王校长", "13912345678", "洞口县城关"
            ),
            other.id,
            Actor(other.id, "test"),
        )
        return {
            "hospital": hospital.id,
            "school": school.id,
            "mandarin": mandarin.skus[0].id,
            "mandarin_code": mandarin.skus[0].code,
            "oil": oil.skus[0].id,
            "oil_code": oil.skus[0].code,
            "admin": admin.id,
            "households": [h.id for h in households],
        }


def signed_in(app, email):
    client = app.test_client()
    factories.login(client, email)
    return client


INTENT = {
    "payment_terms": "prepay_transfer",
    "due_days": "0",
    "delivery_from": "2026-12-01",
    "delivery_to": "2027-01-31",
    "po_number": "YY-2026-118",
    "event_code": "",
    "note": "",
}


def draft_intent(app, units, quantities=None):
    """A draft contract of the hospital with lines and a planned delivery, made through the pages."""
    client = signed_in(app, "admin@hospital.example")
    answer = client.post(f"/units/{units['hospital']}/intents/new", data=INTENT)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:400]
    url = answer.location
    number = url.rsplit("/", 1)[1]
    quantities = quantities or {units["mandarin"]: 120, units["oil"]: 10}
    client.post(f"{url}/lines", data={f"q-{k}": v for k, v in quantities.items()})
    client.post(
        f"{url}/planned",
        data={
            "planned_on": "2026-12-10",
            "address": "洞口县人民医院食堂",
            "recipient": "小周",
            "mobile": "13700001111",
        },
    )
    return client, number, url


def contract_in_delivery(app, units, quantity: int = 5, terms: str = "prepay_transfer", issue: bool = True) -> dict:
    """The hospital's contract, confirmed, with one delivery of ``quantity`` boxes of its first
    line, and (``issue``) its contract PDF issued."""

    from app.bulk import documents, fulfilment
    from app.bulk.models import IntentLine, PurchaseIntent
    from app.domain import intent_states

    _client, number, _url = draft_intent(app, units)
    with app.test_request_context():
        intent = db.session.execute(db.select(PurchaseIntent).where(PurchaseIntent.number == number)).scalar_one()
        intent.status, intent.payment_terms = intent_states.CONFIRMED, terms
        db.session.commit()
        line = (
            db.session.execute(db.select(IntentLine).where(IntentLine.intent_id == intent.id).order_by(IntentLine.id))
            .scalars()
            .first()
        )
        order = fulfilment.create_delivery(
            intent,
            fulfilment.DeliveryDraft({line.id: quantity}, "小周", "13700001111", "医院食堂"),
            Actor(None, "test"),
        )
        document = documents.issue("contract", intent, None, Actor(None, "test")) if issue else None
        return {"number": number, "order_number": order.number, "document_id": document.id if document else None}
