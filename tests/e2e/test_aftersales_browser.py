"""After-sales in real browsers: the buyer asks on a 390 px phone with a photo of the damage,
county staff grant part of it at a desk, and the ledger takes back exactly that part."""

import pytest
from PIL import Image
from sqlalchemy import func

from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order
from app.settlement.book_check import find_all
from tests.aftersales.test_aftersales import delivered  # noqa: F401
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_partial_after_sales_refund_from_phone_to_ledger(app, live_server, browser, screenshot, tmp_path, delivered):
    photo = tmp_path / "破损.jpg"
    Image.new("RGB", (1200, 900), (210, 130, 50)).save(photo, "JPEG")
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    sign_in(phone, live_server, "buyer@example.com")
    phone.goto(f"{live_server}/orders/{delivered['number']}")
    phone.get_by_role("link", name="申请售后").click()
    phone.get_by_label("原因").select_option(label="运输破损")
    phone.get_by_label("申请退款金额（元）").fill("30.00")
    phone.get_by_label("说明").fill("到货时有 3 个橘子压坏")
    phone.set_input_files("input[type=file]", str(photo))
    phone.get_by_role("button", name="提交售后申请").click()
    assert "处理中" in phone.locator("main").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "aftersales-requested-390")

    desk = browser.new_page(viewport={"width": 1024, "height": 800})
    sign_in(desk, live_server, "staff@example.com")
    desk.goto(f"{live_server}/staff/aftersales")
    desk.get_by_label("同意退款（元）").fill("12.50")
    desk.get_by_role("button", name="同意并退款").click()
    assert "已同意并退款" in desk.locator("main").inner_text()
    screenshot(desk, "aftersales-staff-1024")

    phone.reload()
    assert "已退 ¥12.50" in phone.locator("main").inner_text()
    screenshot(phone, "aftersales-granted-390")
    with app.app_context():
        refunded = db.session.scalar(
            db.select(func.sum(Attribution.amount_fen)).where(
                Attribution.order_id == delivered["order_id"], Attribution.kind == "refund"
            )
        )
        order = db.session.get(Order, delivered["order_id"])
        assert refunded == -1250 and order.refunded_fen == 1250
        assert find_all() == []
    phone.close()
    desk.close()
