"""Report pages, the public impact page and the venue board in a real browser, with charts drawn."""

import pytest

from app.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture()
def demo_with_staff(app, demo_county, live_server):
    with app.app_context():
        factories.user(email="office@example.com", role="staff", name="王干事")
        db.session.commit()
    return live_server


def _charts_drawn(page) -> int:
    return page.evaluate("[...document.querySelectorAll('canvas')].filter(c => Chart.getChart(c)).length")


def test_staff_reports_public_page_and_board(browser, demo_with_staff, screenshot):
    base = demo_with_staff
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, "office@example.com")
    page.goto(base + "/staff/reports?dimension=township")
    assert _charts_drawn(page) == 2
    assert "合计" in page.locator("table.report-table tfoot").inner_text()
    screenshot(page, "reports-1280")
    page.goto(base + "/staff/reports?dimension=channel")
    screenshot(page, "reports-channel-1280")
    page.locator("a", has_text="国家扶贫日消费扶贫展销").first.click()
    assert "带动" in page.locator(".event-sentence").inner_text()
    screenshot(page, "event-report-1280")

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(base + "/impact")
    assert _charts_drawn(phone) == 3
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "impact-390")
    # An officer on a phone sees the figures first; the demo's warnings about uncertified
    # products at events stay one line until opened.
    sign_in(phone, base, "office@example.com")
    phone.goto(base + "/staff/reports")
    warnings = phone.locator("#uncertified-warnings")
    assert warnings.locator("li").count() > 0 and not warnings.locator("li").first.is_visible()
    assert phone.locator("#report-figures").bounding_box()["y"] < 844
    warnings.locator("summary").click()
    assert warnings.locator("li").first.is_visible()
    screenshot(phone, "reports-390")

    board = browser.new_page(viewport={"width": 1920, "height": 1080})
    board.goto(base + "/impact/board")
    assert _charts_drawn(board) == 1
    screenshot(board, "board-1920")
    for p in (page, phone, board):
        p.close()
