"""A visitor on a shared (cached, cookieless) page still buys and switches language: the forms'
CSRF token is fetched when they are submitted."""

import pytest
import requests

from app.extensions import db
from tests import factories
from tests.conftest import serving
from tests.e2e.conftest import sign_in
from tests.statements import recorded_statements

pytestmark = pytest.mark.browser


def test_a_cookieless_visitor_adds_to_the_cart_and_switches_language(make_app, test_settings, browser):
    app = make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 10, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        slug = factories.product("雪峰蜜橘", price_fen=3980, stock=5).slug
        db.session.commit()
    with serving(app) as base:
        # Another visitor has already had the page built: this one is served the kept copy.
        assert "data-csrf-lazy" in app.test_client(use_cookies=False).get(f"/products/{slug}").get_data(as_text=True)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        page.goto(f"{base}/products/{slug}")
        assert context.cookies() == []
        page.locator("form.add-to-cart input[name=quantity]").fill("2")
        page.locator("form.add-to-cart button").click()
        page.wait_for_url("**/cart?added=*")
        assert "雪峰蜜橘" in page.locator("main").inner_text()
        assert any(cookie["name"] == "session" for cookie in context.cookies())

        other = browser.new_context(viewport={"width": 1280, "height": 800})
        visitor = other.new_page()
        visitor.goto(f"{base}/products")
        visitor.get_by_role("button", name="English").click()
        visitor.get_by_role("button", name="中文").wait_for()
        assert visitor.url == f"{base}/products"
        context.close()
        other.close()


def test_a_signed_in_buyer_on_pages_the_layer_answers_adds_to_the_cart_and_signs_out(
    make_app, test_settings, browser, shared_redis
):
    app = make_app(
        {
            **test_settings,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:6379/0",
            "CACHE_KEY_PREFIX": shared_redis,
            "SHARED_PAGE_SECONDS": 10,
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        slug = factories.product("雪峰蜜橘", price_fen=3980, stock=5).slug
        factories.user(email="buyer@example.com", name="李买家")
        db.session.commit()
    with serving(app) as base:
        requests.get(f"{base}/products/{slug}", timeout=10)  # a visitor without a session has it kept
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        sign_in(page, base, "buyer@example.com")
        page.goto(f"{base}/products/{slug}")  # Flask checks the session and keeps the buyer's parts
        # The product has no picture file here: its 404 page would be Flask's, with the header.
        page.route("**/media/**", lambda route: route.abort())
        with recorded_statements(app) as statements:
            page.goto(f"{base}/products/{slug}")  # the layer answers
        assert statements == [] and page.locator(".nav-user-name").inner_text() == "李买家"
        page.locator("form.add-to-cart input[name=quantity]").fill("2")
        page.locator("form.add-to-cart button").click()
        page.wait_for_url("**/cart?added=*")
        page.goto(f"{base}/products/{slug}")
        page.goto(f"{base}/products/{slug}")
        assert page.get_by_role("link", name="购物车").inner_text().strip().endswith("2")
        page.get_by_role("button", name="退出").click()
        page.get_by_role("link", name="登录").wait_for()
        page.goto(f"{base}/products/{slug}")
        assert page.locator(".nav-user-name").count() == 0
        context.close()
