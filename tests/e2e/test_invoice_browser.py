"""An invoice from request to download in real browsers: the buyer asks on a 390 px phone, county
staff upload the e-invoice at a desk, the buyer downloads it."""

from pathlib import Path

import pytest

from app.extensions import db
from tests import factories
from tests.e2e.conftest import sign_in
from tests.invoicing.test_invoices import PDF

pytestmark = pytest.mark.browser


@pytest.fixture()
def paid(app, live_server):
    with app.app_context():
        sku = factories.product("雪峰蜜橘", stock=10).skus[0].id
        factories.user(email="buyer@example.com", name="张女士")
        factories.user(email="office@example.com", role="staff")
        db.session.commit()
    buyer = app.test_client()
    factories.login(buyer, "buyer@example.com")
    number = factories.buy(buyer, sku, 2).location.rsplit("/", 1)[1]
    staff = app.test_client()
    factories.login(staff, "office@example.com")
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}).status_code == 303
    return number


def test_invoice_request_upload_and_download(live_server, browser, screenshot, tmp_path, paid):
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    sign_in(phone, live_server, "buyer@example.com")
    phone.goto(f"{live_server}/orders/{paid}")
    phone.get_by_role("link", name="发票").click()
    phone.get_by_label("个人").check()
    phone.get_by_label("发票抬头").fill("张女士")
    phone.get_by_role("button", name="提交申请").click()
    assert "待开票" in phone.locator("main").inner_text()
    screenshot(phone, "invoice-requested-390")

    desk = browser.new_page(viewport={"width": 1024, "height": 800})
    sign_in(desk, live_server, "office@example.com")
    desk.goto(f"{live_server}/staff/invoices")
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    desk.get_by_label("发票号码").fill("04400123")
    desk.get_by_label("电子发票 PDF").set_input_files(str(invoice))
    desk.get_by_role("button", name="登记开票").click()
    assert "已登记开票" in desk.locator("main").inner_text()
    screenshot(desk, "invoices-staff-1024")

    phone.reload()
    assert "已开票" in phone.locator("main").inner_text()
    with phone.expect_download() as download:
        phone.get_by_role("link", name="下载电子发票（04400123）").click()
    assert Path(download.value.path()).read_bytes() == PDF
    screenshot(phone, "invoice-issued-390")
    phone.close()
    desk.close()
