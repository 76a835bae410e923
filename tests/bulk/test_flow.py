"""A unit's year through the pages: register, contract, confirm, deliver, pay, accept, report."""

import io
from datetime import date, datetime

import pypdfium2
from sqlalchemy import func

from app.accounts.models import User
from app.audit.services import Actor
from app.bulk import queries, services
from app.bulk.models import Document, IntentLine, PurchaseIntent, SupportingUnit
from app.bulk.refusals import UnitError
from app.catalog.models import Sku
from app.domain import roles
from app.domain.money import capital_amount
from app.extensions import db
from app.impact.ledger_check import find_discrepancies
from app.impact.models import Attribution
from app.orders import services as orders
from app.orders.models import Order
from tests import factories
from tests.bulk.conftest import draft_intent, signed_in
from tests.e2e.conftest import SHOTS
from tests.factories import DELIVERY_ADDRESS as ADDRESS


def test_registration_checks_the_credit_code_and_waits_for_approval(app, units):
    with app.app_context():
        factories.user(email="new@factory.example", name="赵经理")
        db.session.commit()
    client = signed_in(app, "new@factory.example")
    form = {
        "name": "洞口县某食品有限公司",
        "kind": "company",
        "credit_code": "91430525MA4L000001",
        "contact_name": "赵经理",
        "contact_phone": "13612345678",
        "address": "洞口县工业园",
    }
    wrong = client.post("/units/register", data=form)
    assert wrong.status_code == 400 and "校验码" in wrong.get_data(as_text=True)
    from tests.bulk.conftest import credit_code

    made = client.post("/units/register", data={**form, "credit_code": credit_code("91430525MA4L00000")})
    assert made.status_code == 303
    page = client.get(made.location).get_data(as_text=True)
    assert "等待县扶贫办审核" in page
    with app.app_context():
        assert (
            db.session.execute(
                db.select(SupportingUnit.approved_at).where(SupportingUnit.name == "洞口县某食品有限公司")
            ).scalar_one()
            is None
        )


def test_a_contract_from_draft_to_fulfilled_with_bank_transfers(app, units):
    client, number, url = draft_intent(app, units)
    buyer = signed_in(app, "buyer@hospital.example")
    buyer.post(f"{url}/submit")
    with app.app_context():
        assert db.session.execute(db.select(PurchaseIntent.status)).scalar_one() == "draft"  # only the admin submits
        prices = dict(db.session.execute(db.select(IntentLine.sku_id, IntentLine.unit_price_fen)).all())
        assert prices == {units["mandarin"]: 3980 * 95 // 100, units["oil"]: 12800}  # 120 boxes: the 100+ tier
    assert client.post(f"{url}/submit").status_code == 303

    staff = signed_in(app, "staff@example.com")
    assert staff.post(f"/staff/intents/{number}/confirm").status_code == 303
    with app.app_context():
        line_ids = dict(db.session.execute(db.select(IntentLine.sku_id, IntentLine.id)).all())
    delivery = {
        "recipient": "小周",
        "mobile": "13700001111",
        "address": "洞口县人民医院食堂",
        f"q-{line_ids[units['mandarin']]}": "70",
        f"q-{line_ids[units['oil']]}": "10",
    }
    assert staff.post(f"/staff/intents/{number}/deliveries", data=delivery).status_code == 303
    with app.app_context():
        first = db.session.execute(db.select(Order).where(Order.channel == "intent")).scalar_one()
        assert (first.total_fen, first.status, first.payment_method) == (
            70 * 3781 + 10 * 12800,
            "confirmed",
            "bank_transfer",
        )
        assert db.session.get(Sku, units["mandarin"]).stock == 1000 - 70
        assert db.session.execute(db.select(PurchaseIntent.status)).scalar_one() == "in_fulfilment"

    ship = {"carrier": "县邮政", "tracking_number": "YZ20261201001"}
    refused = staff.post(f"/staff/intents/{number}/deliveries/{first.number}/ship", data=ship, follow_redirects=True)
    assert "还没有收到货款" in refused.get_data(as_text=True)
    order_page = staff.get(f"/staff/orders/{first.number}").get_data(as_text=True)
    assert "记录银行转账收款" in order_page and "待发货（银行转账）" in order_page  # the way out of "stuck"
    nameless = staff.post(
        f"/staff/orders/{first.number}/cash", data={"amount": f"{first.total_fen / 100:.2f}"}, follow_redirects=True
    )
    assert "请填写转账流水号" in nameless.get_data(as_text=True)
    paid = staff.post(
        f"/staff/orders/{first.number}/cash",
        data={"amount": f"{first.total_fen / 100:.2f}", "reference": "工行转账 20261201-0001"},
    )
    assert paid.status_code in (302, 303)
    staff.post(f"/staff/intents/{number}/deliveries/{first.number}/ship", data=ship)
    for page in (client.get(url), staff.get(f"/staff/intents/{number}"), staff.get(f"/staff/orders/{first.number}")):
        assert "凭证号 工行转账 20261201-0001" in page.get_data(as_text=True)  # the reference, once recorded
    assert client.post(f"/units/{units['hospital']}/deliveries/{first.number}/accept").status_code == 303

    staff.post(
        f"/staff/intents/{number}/deliveries",
        data={**delivery, f"q-{line_ids[units['mandarin']]}": "50", f"q-{line_ids[units['oil']]}": "0"},
    )
    with app.app_context():
        second = (
            db.session.execute(db.select(Order).where(Order.channel == "intent").order_by(Order.id.desc()))
            .scalars()
            .first()
        )
    staff.post(
        f"/staff/orders/{second.number}/cash", data={"amount": f"{second.total_fen / 100:.2f}", "reference": "0002"}
    )
    staff.post(f"/staff/intents/{number}/deliveries/{second.number}/ship", data=ship)
    client.post(f"/units/{units['hospital']}/deliveries/{second.number}/accept")
    with app.app_context():
        assert db.session.execute(db.select(PurchaseIntent.status)).scalar_one() == "fulfilled"
        assert db.session.scalar(db.select(func.sum(Attribution.amount_fen))) == first.total_fen + second.total_fen
        assert find_discrepancies() == []

    board = client.get(f"/units/{units['hospital']}?year=2026").get_data(as_text=True)
    assert "¥" + f"{(first.total_fen + second.total_fen) / 100:,.2f}" in board
    assert "林田村" in board


def _pdf(client, url: str) -> bytes:
    issued = client.post(url)
    assert issued.status_code == 303
    with client.get(issued.location) as answer:
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        return answer.data


def test_documents_are_numbered_and_a_change_makes_a_new_version(app, units):
    client, number, url = draft_intent(app, units)
    first = _pdf(client, f"{url}/contract")
    text = pypdfium2.PdfDocument(io.BytesIO(first))[0].get_textpage().get_text_range().replace(" ", "")
    with app.app_context():
        total = db.session.scalar(db.select(func.sum(IntentLine.quantity * IntentLine.unit_price_fen)))
        payee = app.config["PAYEE_BANK"], app.config["PAYEE_ACCOUNT"].replace(" ", "")
    assert "收款账户" in text and payee[0] in text and payee[1] in text  # where the unit pays
    assert "人民币" + capital_amount(total) in text  # 大写金额
    assert _pdf(client, f"{url}/contract") == first  # nothing changed: the same issued document
    client.post(f"{url}/lines", data={f"q-{units['mandarin']}": "600"})
    _pdf(client, f"{url}/contract")
    with app.app_context():
        versions = db.session.execute(db.select(Document.number, Document.version)).all()
        assert versions == [(number, 1), (number, 2)]
    page = pypdfium2.PdfDocument(io.BytesIO(first))[0]
    text = page.get_textpage().get_text_range().replace(" ", "")
    assert "消费扶贫购销意向合同" in text and number in text and "洞口县人民医院" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.render(scale=1.5).to_pil().save(SHOTS / "contract-pdf.png")


def test_the_leaderboard_lists_only_units_that_opted_in(app, units):
    client = signed_in(app, "admin@hospital.example")
    assert "洞口县人民医院" not in app.test_client().get("/impact/units").get_data(as_text=True)
    client.post(
        f"/units/{units['hospital']}/pledge",
        data={"year": date.today().year, "amount": "200000", "on_leaderboard": "y"},
    )
    board = app.test_client().get("/impact/units").get_data(as_text=True)
    assert "洞口县人民医院" in board and "¥200,000.00" in board
    assert "洞口县第一中学" not in board
    # Nothing paid yet: listed apart with its pledge, never ranked at ¥0.00.
    assert "¥0.00" not in board and "已加入、本年度尚未付款" in board


def test_a_members_purchase_counts_in_the_countys_year_it_was_paid(app, units):
    # Paid at 00:30 on New Year's Day in the county, still the 31st of December in UTC.
    with app.app_context():
        buyer = db.session.scalar(db.select(User.id).where(User.email == "buyer@hospital.example"))
        placed = orders.place_order(
            buyer, orders.basket_of([orders.CartItem(units["mandarin"], 1, 3980)]), ADDRESS, "", None, "cod", 99, 30
        )
        db.session.execute(
            db.update(Order)
            .where(Order.id == placed.id)
            .values(paid_fen=3980, paid_at=datetime(2026, 12, 31, 16, 30))  # stored as UTC
        )
        db.session.commit()
        hospital = db.session.get_one(SupportingUnit, units["hospital"])
        assert queries.dashboard(hospital, 2026)["staff_paid_fen"] == 0
        assert queries.dashboard(hospital, 2027)["staff_paid_fen"] == 3980


def test_the_leaderboard_gives_each_listed_unit_its_dashboards_figures_in_the_same_statements_for_any_number(
    app, units
):
    from app.payments import services as payments
    from tests.bulk.conftest import contract_in_delivery
    from tests.statements import recorded_statements

    delivery = contract_in_delivery(app, units, quantity=5)
    year = date.today().year
    with app.app_context():
        staff = db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))
        delivered = db.session.execute(db.select(Order).where(Order.number == delivery["order_number"])).scalar_one()
        payments.record_offline_payment(delivered.number, delivered.total_fen, "BANK-2026-1", staff)
        # A member of each unit buys for themself and pays on delivery.
        paid_by = {}
        for email, boxes in (("buyer@hospital.example", 2), ("admin@school.example", 3)):
            buyer = db.session.scalar(db.select(User.id).where(User.email == email))
            paid_by[email] = factories.paid_on_delivery(buyer, units["mandarin"], boxes, staff).total_fen
        school = db.session.get_one(SupportingUnit, units["school"])
        school.approved_at = datetime(2026, 1, 5)
        for unit in db.session.scalars(db.select(SupportingUnit)):
            unit.on_leaderboard = True
        db.session.commit()

        with recorded_statements(app) as both:
            board = queries.leaderboard(year)
        school.on_leaderboard = False
        db.session.commit()
        with recorded_statements(app) as one:
            queries.leaderboard(year)
        assert len(one) == len(both)

        assert [row["name"] for row in board] == ["洞口县人民医院", "洞口县第一中学"]
        for row in board:
            unit = db.session.execute(db.select(SupportingUnit).where(SupportingUnit.name == row["name"])).scalar_one()
            figures = queries.dashboard(unit, year)
            assert row["paid_fen"] == figures["paid_fen"] + figures["staff_paid_fen"] > 0
            assert (row["pledged_fen"], row["households"]) == (figures["pledged_fen"], figures["households"])
            assert row["households"] == 2  # both of the producer's households
        hospital = db.session.get_one(SupportingUnit, units["hospital"])
        figures = queries.dashboard(hospital, year)
        assert (figures["paid_fen"], figures["staff_paid_fen"]) == (
            delivered.total_fen,
            paid_by["buyer@hospital.example"],
        )


def test_a_unit_adds_only_free_shop_accounts_and_a_former_member_keeps_the_members_role(app, units):
    with app.app_context():
        hospital = db.session.get_one(SupportingUnit, units["hospital"])
        actor = Actor(units["admin"], "test")
        refusals = {}
        # No such account, a staff account, and the school's own admin: each refused with its reason.
        for email in ("nobody@example.com", "staff@example.com", "admin@school.example"):
            try:
                services.add_member(hospital, email, "buyer", actor)
            except UnitError as refused:
                refusals[email] = refused.code
        assert refusals == {
            "nobody@example.com": "no_such_account",
            "staff@example.com": "no_such_account",
            "admin@school.example": "member_elsewhere",
        }
        # An account that was a member before (its role stayed, its membership ended) can join.
        former = factories.user(email="former@example.com", role=roles.UNIT_MEMBER, name="老赵")
        db.session.commit()
        services.add_member(hospital, " Former@Example.com ", "buyer", actor)
        db.session.refresh(former)
        assert former.role == roles.UNIT_MEMBER
