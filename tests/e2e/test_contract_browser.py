"""A supporting unit's prepaid bank-transfer contract from draft to fulfilled, through the pages
only: the unit drafts and submits it, staff confirm, deliver, record the transfer and ship, the
unit accepts; the transfer's reference stays visible, and the contract PDF says where to pay and
the amount in Chinese capitals."""

import io

import pypdfium2
import pytest

from app.domain.money import capital_amount
from tests.bulk.conftest import units  # noqa: F401 - the fixture, shared with the HTTP-level flow
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
REFERENCE = "工行转账 20261201-0007"


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_a_prepaid_bank_transfer_contract_from_draft_to_fulfilled(
    app,
    browser,
    units,
    live_server,  # noqa: F811
    screenshot,
):
    base = live_server
    unit = browser.new_context(viewport=PHONE).new_page()
    sign_in(unit, base, "admin@hospital.example")
    unit.goto(f"{base}/units/{units['hospital']}/intents/new")
    unit.get_by_label("交付期开始").fill("2026-12-01")
    unit.get_by_label("交付期结束").fill("2027-01-31")
    unit.get_by_label("付款方式").select_option(label="先付款后发货（银行转账）")
    unit.get_by_label("验收后付款期限（天）").fill("0")
    unit.get_by_label("本单位采购单号（可选）").fill("YY-2026-119")
    _submit(unit, "下一步：填写商品数量")
    contract_url = unit.url
    number = contract_url.rsplit("/", 1)[1]
    unit.locator(f"#q-{units['mandarin']}").fill("30")
    _submit(unit, "保存数量")
    # The browser shows the issued PDF in its viewer; the same address, read with the unit's cookies.
    _submit(unit, "合同 PDF")
    pdf = unit.context.request.get(unit.url)
    assert pdf.headers["content-type"] == "application/pdf"
    text = pypdfium2.PdfDocument(io.BytesIO(pdf.body()))[0].get_textpage().get_text_range().replace(" ", "")
    total = 30 * 3980
    assert app.config["PAYEE_BANK"] in text and app.config["PAYEE_ACCOUNT"].replace(" ", "") in text
    assert "人民币" + capital_amount(total) in text
    unit.goto(contract_url)
    unit.get_by_label("计划交付日期").fill("2026-12-05")
    unit.get_by_label("交付地址").fill("洞口县人民医院食堂")
    unit.get_by_label("收货人", exact=True).fill("小周")
    unit.get_by_label("收货人手机").fill("13700001111")
    _submit(unit, "添加计划交付")
    _submit(unit, "提交给县扶贫办确认")
    assert "待确认" in unit.locator("main").inner_text()

    staff = browser.new_context(viewport=DESK).new_page()
    sign_in(staff, base, "staff@example.com")
    staff.goto(f"{base}/staff/intents/{number}")
    _submit(staff, "确认合同")
    # The unit's planned delivery fills in the delivery's recipient and address.
    assert staff.get_by_label("收货人手机").input_value() == "13700001111"
    _submit(staff, "生成交付单并预留库存")
    delivery = staff.locator(".list-group-item a").first
    order_number = delivery.inner_text()
    # Prepaid: shipping before the money has arrived is refused, with the way out named.
    staff.get_by_label("承运方").fill("县邮政")
    staff.get_by_label("运单号").fill("YZ20261201007")
    _submit(staff, "发货")
    assert "还没有收到货款" in staff.locator("body").inner_text()
    delivery.click()
    staff.wait_for_url(f"**/staff/orders/{order_number}")
    assert "记录银行转账收款" in staff.locator("main").inner_text()
    staff.get_by_label("收款金额（元）").fill(f"{total / 100:.2f}")
    staff.get_by_label("收款凭证或备注").fill(REFERENCE)
    _submit(staff, "确认已收款")
    staff.goto(f"{base}/staff/intents/{number}")
    staff.get_by_label("承运方").fill("县邮政")
    staff.get_by_label("运单号").fill("YZ20261201007")
    _submit(staff, "发货")
    assert "凭证号 " + REFERENCE in staff.locator("main").inner_text()
    # Everything is on its way: no empty delivery form is offered any more.
    assert staff.get_by_role("button", name="生成交付单并预留库存").count() == 0
    screenshot(staff, "contract-transfer-staff-1280")

    unit.goto(contract_url)
    _submit(unit, "验收")
    body = unit.locator("main").inner_text()
    assert "已履约" in body and "凭证号 " + REFERENCE in body
    assert unit.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(unit, "contract-transfer-fulfilled-390")
