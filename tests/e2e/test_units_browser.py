"""A supporting unit's buyer on a phone and at a desk: the dashboard and a contract; staff's view of it."""

import pytest

from app.audit.services import Actor
from app.bulk import services
from app.bulk.models import PurchaseIntent, SupportingUnit
from app.domain import roles
from app.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.fixture()
def hospital(app, demo_county, live_server):
    with app.app_context():
        unit = db.session.execute(db.select(SupportingUnit)).scalars().first()
        factories.user(email="zhou@hospital.example", name="周师傅")
        factories.user(email="desk-staff@example.com", role=roles.STAFF, name="王干事")
        db.session.commit()
        admin = unit.members[0].user_id
        services.add_member(unit, "zhou@hospital.example", "admin", Actor(admin, "test"))
        number = db.session.execute(db.select(PurchaseIntent.number)).scalars().first()
        return live_server, unit.id, number


def test_a_units_dashboard_and_contract_read_well_on_a_phone_and_a_desk(browser, hospital, screenshot):
    base, unit_id, number = hospital
    page = browser.new_page(viewport=PHONE)
    sign_in(page, base, "zhou@hospital.example")
    page.goto(base + f"/units/{unit_id}")
    body = page.locator("main").inner_text()
    assert "洞口县人民医院" in body and "年度承诺" in body and "采购帮到了谁" in body
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "unit-dashboard-390")
    page.set_viewport_size(DESK)
    screenshot(page, "unit-dashboard-1280")
    page.goto(base + f"/units/{unit_id}/intents/{number}")
    assert "履约中" in page.locator("main").inner_text()
    screenshot(page, "unit-contract-1280")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "unit-contract-390")
    page.close()

    staff = browser.new_page(viewport=DESK)
    sign_in(staff, base, "desk-staff@example.com")
    staff.goto(base + f"/staff/intents/{number}")
    assert "安排一次交付" in staff.locator("main").inner_text()
    screenshot(staff, "staff-contract-1280")
    staff.close()
