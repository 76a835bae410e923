"""Signing in on a 390 px phone with a texted code, and the limit on asking for codes again."""

import pytest

from tests.accounts.test_phone_sign_in import MOBILE, texted_code
from tests.conftest import serving

pytestmark = pytest.mark.browser


@pytest.fixture()
def limited(make_app, test_settings):
    """The shop with its rate limits on (the suite runs with them off)."""
    app = make_app({**test_settings, "RATELIMIT_ENABLED": True})
    with serving(app) as url:
        yield app, url


def test_a_phone_signs_in_with_a_texted_code_and_cannot_ask_again_at_once(limited, browser, screenshot):
    app, live_server = limited
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page.goto(live_server + "/account/login")
    page.get_by_role("link", name="手机验证码登录").click()
    page.get_by_label("手机号码").fill(MOBILE)
    page.get_by_role("button", name="发送验证码").click()
    assert "验证码已发送" in page.locator("main").inner_text()
    screenshot(page, "phone-sign-in-390")
    page.get_by_label("短信验证码").fill(texted_code(app))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(live_server + "/")
    assert "139****5678" in page.locator("nav.navbar").text_content()  # in the collapsed menu

    other = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    other.goto(live_server + "/account/login/phone")
    other.get_by_label("手机号码").fill(MOBILE)
    other.get_by_role("button", name="发送验证码").click()
    assert "请一分钟后再试" in other.locator("body").inner_text()
    screenshot(other, "phone-sign-in-limited-390")
    page.close()
    other.close()
