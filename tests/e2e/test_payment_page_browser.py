"""The payment page mounts Stripe's element (localstripe's stand-in for Stripe.js here)."""

import pytest

from app.extensions import db
from tests import factories
from tests.conftest import serving
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


def test_payment_page_shows_the_amount_and_a_mounted_payment_form(
    make_app, browser, stripe_settings, localstripe, screenshot
):
    paying = make_app(
        {**stripe_settings, "STRIPE_API_BASE": localstripe, "STRIPE_JS_URL": f"{localstripe}/js.stripe.com/v3/"}
    )
    with paying.app_context():
        product = factories.product("雪峰蜜橘", price_fen=3980, stock=5)
        factories.user(email="phone@example.com")
        db.session.commit()
        slug = product.slug
    with serving(paying) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        sign_in(page, base, "phone@example.com")
        page.goto(f"{base}/products/{slug}")
        page.locator("form.add-to-cart input[name=quantity]").fill("2")
        page.locator("form.add-to-cart button").click()
        page.wait_for_url("**/cart?added=*")
        page.get_by_role("link", name="去结算").click()
        page.get_by_label("手机号码").fill("13812345678")
        page.get_by_label("城市").select_option(label="邵阳市")
        page.get_by_label("区县").select_option(label="洞口县")
        page.get_by_label("详细地址").fill("文昌街道雪峰路 18 号")
        page.get_by_label("在线支付（银行卡、支付宝、微信支付）").check()
        page.get_by_role("button", name="提交订单").click()
        page.wait_for_url("**/pay/*")
        page.wait_for_selector("#payment-element input")
        assert "¥79.60" in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot(page, "payment-390")
        page.close()
