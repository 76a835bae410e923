"""A buyer on a 390 px phone picks a delivery address from the national division lists, sees the
delivery fee follow the province, and orders with it; the fee never reaches the ledger."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func

from app.accounts.models import User
from app.extensions import db
from app.impact.models import Attribution
from app.orders.models import Order
from app.payments import services as payments
from tests.delivery.test_delivery import shop  # noqa: F401
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_phone_buyer_sees_the_fee_for_the_address_and_orders_with_it(app, live_server, browser, screenshot, shop):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    sign_in(page, live_server, "buyer@example.com")
    page.request.post(
        live_server + "/cart/add",
        form={"sku_id": str(shop["mandarin"]), "quantity": "2", "csrf_token": _token(page, live_server)},
    )
    page.goto(live_server + "/checkout")
    fee, total = page.locator("#delivery-fee"), page.locator("#order-total")
    assert (fee.inner_text(), total.inner_text()) == ("¥9.00", "¥88.60")  # within Hunan
    page.get_by_label("省份").select_option(label="北京市")
    expect(fee).to_have_text("¥18.00")
    assert total.inner_text() == "¥97.60"
    page.get_by_label("城市").select_option(label="北京市")
    page.get_by_label("区县").select_option(label="朝阳区")
    screenshot(page, "checkout-fee-beijing-390")
    page.get_by_label("省份").select_option(label="湖南省")
    expect(fee).to_have_text("¥9.00")
    page.get_by_label("城市").select_option(label="邵阳市")
    page.get_by_label("区县").select_option(label="洞口县")
    page.get_by_label("手机号码").fill("13812345678")
    page.get_by_label("详细地址").fill("文昌街道雪峰路 18 号")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "checkout-fee-390")
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url("**/orders/*")
    summary = page.locator("main").inner_text()
    assert "运费" in summary and "¥9.00" in summary and "¥88.60" in summary
    screenshot(page, "order-with-fee-390")
    number = page.url.rsplit("/", 1)[1]

    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.number == number))
        assert (order.shipping_fen, order.total_fen, order.county) == (900, 8860, "洞口县")
        staff = db.session.scalar(db.select(User.id).where(User.email == "staff@example.com"))
        payments.record_offline_payment(number, 8860, "", staff)
        ledger = db.session.scalar(db.select(func.sum(Attribution.amount_fen)).where(Attribution.order_id == order.id))
        assert ledger == 7960  # the goods; the fee is not the households' money
    page.close()


def test_a_city_picked_before_the_picker_script_runs_still_lists_its_counties(live_server, browser, shop):
    """On a slow line the buyer can pick a city before address.js has run; that change is
    never heard, so the script fills the county list from what it finds already picked."""
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server, "buyer@example.com")
    page.request.post(
        live_server + "/cart/add",
        form={"sku_id": str(shop["mandarin"]), "quantity": "1", "csrf_token": _token(page, live_server)},
    )
    held = []
    page.route("**/js/address.js", lambda route: held.append(route))
    page.goto(live_server + "/checkout", wait_until="commit")
    page.get_by_label("城市").select_option(label="邵阳市")
    assert held, "the script was not requested before the city was picked"
    held[0].continue_()
    page.get_by_label("区县").select_option(label="洞口县")
    page.close()


def _token(page, base: str) -> str:
    page.goto(base + "/cart")
    return page.locator("input[name=csrf_token]").first.get_attribute("value")
