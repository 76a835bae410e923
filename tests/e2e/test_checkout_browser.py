"""A buyer on a phone: browse, add to cart, check out paying on delivery, see whom it helped."""

import pytest

from app.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture()
def demo_with_buyer(app, demo_county, live_server):
    with app.app_context():
        factories.user(email="phone@example.com", name="张女士")
        db.session.commit()
    return live_server


def test_phone_buyer_checks_out_with_pay_on_delivery(browser, demo_with_buyer, screenshot):
    base = demo_with_buyer
    page = browser.new_page(viewport=PHONE)
    sign_in(page, base, "phone@example.com")

    page.goto(base + "/products/xuefeng-mandarin")
    page.locator("form.add-to-cart").first.locator("input[name=quantity]").fill("2")
    page.locator("form.add-to-cart").first.get_by_role("button").click()
    page.wait_for_url("**/cart?added=*")
    assert "¥79.60" in page.locator(".summary-card").inner_text()
    # The page says what was just added, and marks its line.
    assert "已加入购物车：雪峰蜜橘" in page.get_by_role("status").inner_text()
    assert page.locator(".cart-line-added").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "cart-390")
    page.set_viewport_size({"width": 820, "height": 1180})
    screenshot(page, "cart-820")
    page.set_viewport_size(PHONE)
    # Said once: reloading the cart does not announce the same box again.
    assert "added=" not in page.url
    page.reload()
    assert page.locator(".cart-line").count() == 1 and "已加入购物车" not in page.locator("main").inner_text()

    page.get_by_role("link", name="去结算").click()
    page.wait_for_url("**/checkout")
    page.get_by_label("手机号码").fill("1381234567")  # one digit short: the form must say so
    page.get_by_label("城市").select_option(label="邵阳市")
    page.get_by_label("区县").select_option(label="洞口县")
    page.get_by_label("详细地址").fill("文昌街道雪峰路 18 号")
    page.get_by_role("button", name="提交订单").click()
    assert "请输入 11 位手机号码" in page.locator("main").inner_text()
    page.get_by_label("手机号码").fill("13812345678")
    assert page.get_by_label("货到付款（送货上门时付现金或扫码）").is_checked()
    screenshot(page, "checkout-390")
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url("**/orders/*")
    body = page.locator("main").inner_text()
    assert "订单已提交" in body and "待发货（货到付款）" in body and "¥79.60" in body
    assert "付款完成后，这笔订单的收益会按带贫协议记到" in page.locator(".impact-sentence").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "order-390")
    page.set_viewport_size({"width": 820, "height": 1180})
    screenshot(page, "order-820")
    page.close()
