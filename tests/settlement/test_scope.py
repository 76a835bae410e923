"""The ownership matrix of settlement: a village administrator sees only their villages'
households (each read audited), a producer account only its own statements (households masked),
and nobody else sees either."""

import re

import pytest

from app.audit.models import AuditEntry
from app.audit.services import Actor
from app.domain import roles
from app.extensions import db
from app.registry.models import VillageAssignment
from app.settlement import statements
from app.settlement.models import Statement
from tests import factories
from tests.bulk.conftest import signed_in
from tests.settlement.conftest import THIS_MONTH

TEST = Actor(None, "test")


@pytest.fixture()
def two_villages(app, month_over):
    """Villages 东 and 西; producer 甲 supports a household in each, producer 乙 one in 东. Both
    sold this month and have confirmed statements."""
    with app.app_context():
        township = factories.township()
        east, west = factories.village(township, "东村"), factories.village(township, "西村")
        east_1 = factories.household(east, head_name="东一户", group_name="1组")
        east_2 = factories.household(east, head_name="东二户", group_name="2组")
        west_1 = factories.household(west, head_name="西一户")
        first = factories.producer(township, [east_1, west_1])
        second = factories.producer(township, [east_2])
        skus = [factories.product("蜜橘", first).skus[0].id, factories.product("茶油", second).skus[0].id]
        staff = factories.user(email="staff@example.com", role=roles.STAFF)
        buyer = factories.user(email="buyer@example.com")
        admin = factories.user(email="east-admin@example.com", role=roles.VILLAGE_ADMIN)
        db.session.add(VillageAssignment(user_id=admin.id, village_id=east.id))
        for producer, email in ((first, "first@example.com"), (second, "second@example.com")):
            account = factories.user(email=email, role=roles.PRODUCER)
            account.producer_id = producer.id
        factories.user(email="consumer@example.com")
        db.session.commit()
        for sku in skus:
            factories.paid_on_delivery(buyer.id, sku, 2, staff.id)
        made = {}
        for producer in (first, second):
            statement = statements.build(producer.id, THIS_MONTH, TEST)
            statements.confirm(statement, TEST)
            made[producer.id] = statement.id
        line_of = {line.household_id: line.id for s in db.session.scalars(db.select(Statement)) for line in s.lines}
        return {
            "first_statement": made[first.id],
            "second_statement": made[second.id],
            "east_1": east_1.id,
            "east_2": east_2.id,
            "west_1": west_1.id,
            "line": {name: line_of[h.id] for name, h in (("east_1", east_1), ("east_2", east_2), ("west_1", west_1))},
        }


def test_a_village_administrator_sees_their_villages_households_only(app, two_villages):
    admin = signed_in(app, "east-admin@example.com")
    home = admin.get("/village").get_data(as_text=True)
    assert "东一户" in home and "东二户" in home and "西一户" not in home
    assert admin.get(f"/village/households/{two_villages['east_1']}").status_code == 200
    assert admin.get(f"/village/households/{two_villages['west_1']}").status_code == 404
    own, other = two_villages["line"]["east_2"], two_villages["line"]["west_1"]
    assert "东二户" in admin.get(f"/settlement/lines/{own}").get_data(as_text=True)
    assert admin.get(f"/settlement/lines/{other}").status_code == 404
    refused = admin.post(
        f"/settlement/lines/{other}/payouts", data={"amount": "1.00", "paid_on": "2026-12-01", "method": "cash"}
    )
    assert refused.status_code == 404
    for path in ("/staff/settlement", f"/producer/statements/{two_villages['first_statement']}"):
        assert admin.get(path).status_code == 403
    with app.app_context():
        reads = db.session.scalars(db.select(AuditEntry.action).where(AuditEntry.action == "view_household")).all()
        assert len(reads) == 1


def test_a_producer_account_sees_its_own_statements_with_masked_households(app, two_villages):
    first = signed_in(app, "first@example.com")
    listing = first.get("/producer/statements").get_data(as_text=True)
    own, other = two_villages["first_statement"], two_villages["second_statement"]
    page = first.get(f"/producer/statements/{own}").get_data(as_text=True)
    assert "东一户" not in page and "东**" in page and "西**" in page
    assert first.get(f"/producer/statements/{other}").status_code == 404
    assert first.get(f"/settlement/statements/{other}.pdf").status_code == 404
    assert first.get(f"/settlement/lines/{two_villages['line']['east_2']}").status_code == 404
    line = first.get(f"/settlement/lines/{two_villages['line']['east_1']}").get_data(as_text=True)
    assert "东**" in line and "东一户" not in line
    # Statement numbers only: a random CSRF token or nonce on the page may hold the letters "JS"
    assert len(re.findall(r"JS\d{6}-\d{4}", listing)) == 1
    assert first.get("/village").status_code == 403
    assert first.get("/staff/settlement/reconciliation").status_code == 403


def test_everyone_else_is_kept_out(app, two_villages):
    line = two_villages["line"]["east_1"]
    anonymous = app.test_client()
    for path in ("/village", "/producer/statements", f"/settlement/lines/{line}"):
        answer = anonymous.get(path)
        assert answer.status_code == 302 and "/account/login" in answer.location
    consumer = signed_in(app, "consumer@example.com")
    assert consumer.get("/village").status_code == 403
    assert consumer.get("/producer/statements").status_code == 403
    assert consumer.get(f"/settlement/lines/{line}").status_code == 404
    assert consumer.get(f"/settlement/statements/{two_villages['first_statement']}.pdf").status_code == 404
    staff = signed_in(app, "staff@example.com")
    assert "东一户" in staff.get(f"/settlement/lines/{line}").get_data(as_text=True)


def test_staff_give_accounts_their_scope(app, two_villages):
    staff = signed_in(app, "staff@example.com")
    with app.app_context():
        from app.registry.models import Village

        west = db.session.scalar(db.select(Village.id).where(Village.name == "西村"))
    answer = staff.post(
        "/staff/settlement/accounts/village", data={"v-email": "east-admin@example.com", "v-village": west}
    )
    assert answer.status_code == 303
    admin = signed_in(app, "east-admin@example.com")
    assert "西一户" in admin.get("/village").get_data(as_text=True)
    refused = staff.post(
        "/staff/settlement/accounts/village", data={"v-email": "nobody@example.com", "v-village": west}
    )
    assert refused.status_code == 400 and "没有邮箱为 nobody@example.com 的账户" in refused.get_data(as_text=True)
    staff.post(f"/staff/settlement/accounts/{_user_id(app, 'east-admin@example.com')}/villages/{west}/remove")
    assert "西一户" not in signed_in(app, "east-admin@example.com").get("/village").get_data(as_text=True)


def _user_id(app, email: str) -> int:
    with app.app_context():
        from app.accounts.models import User

        return db.session.scalar(db.select(User.id).where(User.email == email))
