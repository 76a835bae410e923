"""A village information administrator on a 390 px phone records three payouts, each with a
photo of the signed receipt, and watches what the village still owes fall to zero."""

import pytest
from PIL import Image

from app.audit.services import Actor
from app.domain import roles
from app.extensions import db
from app.registry.models import VillageAssignment
from app.settlement import statements
from tests import factories
from tests.e2e.conftest import sign_in
from tests.settlement.conftest import THIS_MONTH, month_over  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture()
def village_with_a_statement(app, month_over):
    with app.app_context():
        township = factories.township(name="高沙镇")
        village = factories.village(township, "林田村")
        households = [
            factories.household(village, head_name=name, group_name=group)
            for name, group in (("李四光", "1组"), ("王秀英", "2组"), ("刘建国", "3组"))
        ]
        producer = factories.producer(township, households, [2, 1, 1])
        sku = factories.product("雪峰蜜橘", producer, price_fen=3980).skus[0].id
        staff = factories.user(email="staff@example.com", role=roles.STAFF)
        buyer = factories.user(email="buyer@example.com")
        admin = factories.user(email="village@example.com", role=roles.VILLAGE_ADMIN, name="刘大姐")
        db.session.add(VillageAssignment(user_id=admin.id, village_id=village.id))
        db.session.commit()
        factories.paid_on_delivery(buyer.id, sku, 4, staff.id)
        statement = statements.build(producer.id, THIS_MONTH, Actor(None, "test"))
        statements.confirm(statement, Actor(None, "test"))
        return {"village": village.id, "due": {line.household.head_name: line.due_fen for line in statement.lines}}


def _owed(page) -> str:
    return page.locator(".village-owed").inner_text()


def test_an_administrator_records_three_payouts_with_photos_on_a_phone(
    app, live_server, browser, screenshot, tmp_path, village_with_a_statement
):
    photo = tmp_path / "回执.jpg"
    Image.new("RGB", (900, 1200), (245, 240, 225)).save(photo, "JPEG")
    due = village_with_a_statement["due"]
    assert sum(due.values()) == 4 * 3980
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    sign_in(page, live_server, "village@example.com")
    page.goto(live_server + "/village")
    assert _owed(page) == "¥159.20"
    screenshot(page, "village-home-390")

    remaining = sum(due.values())
    for n, name in enumerate(("李四光", "王秀英", "刘建国")):
        page.get_by_role("link", name=name).click()
        assert "本次查看已记入审计日志" in page.locator("main").inner_text()
        page.get_by_role("link", name="测试合作社", exact=False).first.click()
        if n == 0:
            screenshot(page, "village-line-390")
        page.get_by_label("发放方式").select_option("cash")
        page.set_input_files("input[type=file]", str(photo))
        page.get_by_role("button", name="登记发放").click()
        assert f"已登记发放 ¥{due[name] / 100:.2f}" in page.locator("main").inner_text()
        assert "已发清" in page.locator("main").inner_text()
        page.get_by_role("button", name="农户确认收到").click()
        assert "农户已确认" in page.locator("main").inner_text()
        if n == 0:
            screenshot(page, "village-line-paid-390")
        remaining -= due[name]
        page.goto(live_server + "/village")
        assert _owed(page) == f"¥{remaining / 100:.2f}"
    assert remaining == 0
    screenshot(page, "village-home-paid-390")

    # Each receipt photo opens for the administrator.
    page.get_by_role("link", name="李四光").click()
    page.get_by_role("link", name="测试合作社", exact=False).first.click()
    receipt = page.get_by_role("link", name="回执照片")
    answer = page.request.get(live_server + receipt.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "image/jpeg"

    # The village's public notice shows the same figures, masked.
    notice = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    notice.goto(f"{live_server}/notice/villages/{village_with_a_statement['village']}")
    text = notice.locator("main").inner_text()
    assert "李**" in text and "李四光" not in text and text.count("¥159.20") == 2
    screenshot(notice, "village-notice-390")
    notice.close()
    page.close()
