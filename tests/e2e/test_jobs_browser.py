"""Staff on a phone read the jobs page: every unsent mail's recipient, subject, state, error and
its resend button fit the screen, with no table to scroll sideways."""

import pytest

from app.extensions import db
from app.outbox.models import OutboxMessage
from tests.e2e.conftest import sign_in
from tests.shop.conftest import shop, staff  # noqa: F401  (staff needs the shop's accounts)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_a_phone_shows_each_unsent_mail_whole(app, live_server, browser, screenshot, staff):
    with app.app_context():
        db.session.add(
            OutboxMessage(
                recipient="long.name.of.a.buyer@example.com",
                subject="订单 26120512345678 已确认",
                body="…",
                status="failed",
                attempts=5,
                last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox unavailable, the address does not exist",
            )
        )
        db.session.commit()
    page = browser.new_page(viewport=PHONE)
    sign_in(page, live_server, "staff@example.com")
    page.goto(live_server + "/staff/jobs")
    resend = page.get_by_role("button", name="重新发送")
    box = resend.bounding_box()
    assert box and box["x"] + box["width"] <= PHONE["width"], box
    error = page.get_by_text("mailbox unavailable", exact=False)
    error_box = error.bounding_box()
    assert error_box and error_box["x"] + error_box["width"] <= PHONE["width"], error_box
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "jobs-390")
    page.set_viewport_size({"width": 1280, "height": 900})  # a desk keeps the table
    assert page.locator("table.table-stack thead").is_visible()
    screenshot(page, "jobs-1280")
    page.close()
