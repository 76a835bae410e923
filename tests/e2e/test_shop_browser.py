"""A shopper on a phone and on a desktop, in a real browser, on the demo county."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture()
def demo(demo_county, live_server):
    return live_server


@pytest.mark.parametrize("viewport,label", [(PHONE, "390"), (DESKTOP, "1280")])
def test_home_list_and_product_pages_render_in_chinese_without_overflow(browser, demo, screenshot, viewport, label):
    page = browser.new_page(viewport=viewport)
    for name, path, heading in (
        ("home", "/", "买洞口好物"),
        ("list", "/products", "全部商品"),
        ("product", "/products/xuefeng-mandarin", "雪峰蜜橘"),
    ):
        response = page.goto(demo + path)
        assert response.status == 200
        assert heading in page.locator("h1").first.inner_text()
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # Every image comes from our own server and exists (lazy ones are fetched directly).
        sources = page.evaluate("[...document.images].map(i => i.src)")
        assert sources and all(src.startswith(demo) for src in sources)
        assert all(page.request.get(src).status == 200 for src in set(sources))
        screenshot(page, f"{name}-{label}")
    page.close()


def test_a_shopper_searches_opens_a_product_and_sees_whom_it_helps(browser, demo):
    page = browser.new_page(viewport=PHONE)
    page.goto(demo + "/")
    # On a phone the search box and the cart are in sight without opening the menu.
    assert page.get_by_role("link", name="购物车").is_visible()
    page.get_by_role("searchbox", name="搜索").fill("miju")
    page.keyboard.press("Enter")
    page.wait_for_url("**/products?q=*")
    page.get_by_role("link", name="雪峰蜜橘").first.click()
    page.wait_for_url("**/products/xuefeng-mandarin")
    supports = page.locator("section.supports").inner_text()
    assert "户建档立卡贫困户" in supports and "**" in supports
    page.close()


def test_switching_to_english_and_back(browser, demo):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(demo + "/products/xuefeng-mandarin")
    # A visitor without a session: the switch fetches its CSRF token first, then the page changes.
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="中文").wait_for()
    assert "Sizes and prices" in page.content()
    assert page.url.endswith("/products/xuefeng-mandarin")
    page.get_by_role("button", name="中文").click()
    page.get_by_role("button", name="English").wait_for()
    assert "规格与价格" in page.content()
    page.close()
