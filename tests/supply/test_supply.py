"""A village administrator posts what a household has to sell; a supporting unit takes it up as
a contract line, or staff list it in the shop. Either way the sale is the household's own: every
fen of it is attributed to that household."""

import pytest
from sqlalchemy import func

from app.accounts.models import User
from app.bulk.models import PurchaseIntent
from app.catalog.models import Sku
from app.domain import roles
from app.extensions import db
from app.impact.models import Attribution
from app.payments import services as payments
from app.registry.models import Household, Producer, Village, VillageAssignment
from app.settlement.book_check import find_all
from app.supply.models import SupplyPost
from app.trace.models import Lot
from tests import factories
from tests.bulk.conftest import signed_in, units  # noqa: F401

POST = {
    "crop": "雪峰蜜橘",
    "quantity": "500",
    "unit": "斤",
    "price": "3.50",
    "available_from": "2026-12-05",
    "available_to": "2026-12-20",
    "note": "12 月上旬可采",
}


@pytest.fixture()
def posted(app, units):
    """The hospital (an approved unit) exists; 李四光 of 林田村 has 500 斤 of mandarins to sell."""
    with app.app_context():
        village = db.session.scalar(db.select(Village).where(Village.name == "林田村"))
        household = db.session.scalar(db.select(Household).where(Household.head_name == "李四光"))
        other = factories.household(factories.village(village.township, "西村"), head_name="别村户")
        admin = factories.user(email="village@example.com", role=roles.VILLAGE_ADMIN)
        db.session.add(VillageAssignment(user_id=admin.id, village_id=village.id))
        db.session.commit()
        household_id, other_id = household.id, other.id
    client = signed_in(app, "village@example.com")
    answer = client.post(f"/village/households/{household_id}/supply", data=POST)
    assert answer.status_code == 303, answer.get_data(as_text=True)[-600:]
    return {
        "post": int(answer.location.rsplit("/", 1)[1]),
        "household": household_id,
        "other": other_id,
        "admin": client,
    }


def test_an_administrator_posts_for_their_own_households_only(app, client, posted):
    refused = posted["admin"].post(f"/village/households/{posted['other']}/supply", data=POST)
    assert refused.status_code == 404
    assert posted["admin"].get(f"/village/households/{posted['other']}/supply").status_code == 404
    bad = posted["admin"].post(f"/village/households/{posted['household']}/supply", data={**POST, "quantity": "0"})
    assert bad.status_code == 400 and "1 到 1000000" in bad.get_data(as_text=True)
    board = client.get("/supply").get_data(as_text=True)
    assert "雪峰蜜橘" in board and "李**" in board and "李四光" not in board
    page = client.get(f"/supply/{posted['post']}").get_data(as_text=True)
    assert "500 斤" in page and "帮扶单位登录后即可对接" in page


def _staff_id() -> int:
    return db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))


def _household_sales(app, household_id: int) -> tuple[int, set]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Attribution.household_id, Attribution.producer_id, Attribution.amount_fen)
        ).all()
        producer = db.session.scalar(db.select(Producer).where(Producer.household_id == household_id))
        ours = [r for r in rows if r.producer_id == producer.id]
        return sum(r.amount_fen for r in ours), {r.household_id for r in ours}


def test_a_unit_takes_a_post_up_as_a_contract_line_attributed_to_the_household(app, units, posted):
    hospital = signed_in(app, "admin@hospital.example")
    answer = hospital.post(f"/supply/{posted['post']}/take-up", data={"quantity": "300"})
    assert answer.status_code == 303 and "/intents/" in answer.location
    contract = hospital.get(answer.location)
    assert contract.status_code == 200, contract.status_code
    assert "雪峰蜜橘" in contract.get_data(as_text=True)
    with app.app_context():
        post = db.session.get(SupplyPost, posted["post"])
        intent = db.session.get(PurchaseIntent, post.intent_id)
        assert post.status == "taken" and intent.status == "draft" and intent.unit_id == units["hospital"]
        (line,) = intent.lines
        sku = db.session.get(Sku, line.sku_id)
        assert (line.quantity, sku.stock, sku.product.is_active) == (300, 500, False)
        assert sku.product.producer.kind == "household" and "李**" in sku.product.producer.name
        number = intent.number
        from app.audit.services import Actor
        from app.bulk import fulfilment
        from app.domain import intent_states

        intent.status = intent_states.CONFIRMED
        db.session.commit()
        delivery = fulfilment.create_delivery(
            intent, fulfilment.DeliveryDraft({line.id: 300}, "小周", "13700001111", "医院食堂"), Actor(None, "test")
        )
        staff_id = db.session.scalar(db.select(func.min(Attribution.id)))  # nothing yet
        assert staff_id is None
        from app.accounts.models import User

        staff = db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))
        payments.record_offline_payment(delivery.number, delivery.total_fen, "工行 0002", staff)
    total, households = _household_sales(app, posted["household"])
    assert households == {posted["household"]} and total > 0
    with app.app_context():
        assert find_all() == []
    # Taken is taken: nobody takes it up or lists it again.
    again = hospital.post(f"/supply/{posted['post']}/take-up", data={"quantity": "10"})
    assert again.status_code == 400 and "已经对接、上架或撤回" in again.get_data(as_text=True)
    assert number


def test_staff_list_a_post_in_the_shop_with_a_lot(app, client, units, posted):
    staff = signed_in(app, "staff@example.com")
    with app.app_context():
        category = factories.category("时令水果")
        db.session.commit()
        category_id = category.id
    answer = staff.post(
        f"/supply/{posted['post']}/list",
        data={
            "category": category_id,
            "name": "林田村雪峰蜜橘（农户直供）",
            "net_weight_g": "500",
            "harvested_on": "2026-12-05",
        },
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[-600:]
    with app.app_context():
        post = db.session.get(SupplyPost, posted["post"])
        sku = db.session.get(Sku, post.sku_id)
        lot = db.session.get(Lot, post.lot_id)
        assert post.status == "listed" and sku.product.is_active and (sku.stock, lot.quantity) == (500, 500)
        buyer = factories.user(email="shopper@example.com")
        db.session.commit()
        factories.paid_on_delivery(buyer.id, sku.id, 10, _staff_id(), price_fen=350)
    assert _household_sales(app, posted["household"]) == (3500, {posted["household"]})
    page = client.get(f"/supply/{posted['post']}").get_data(as_text=True)
    assert "已上架" in page and "去购买" in page
    withdrawn = posted["admin"].post(f"/supply/{posted['post']}/withdraw", follow_redirects=True)
    assert "已经对接、上架或撤回" in withdrawn.get_data(as_text=True)
