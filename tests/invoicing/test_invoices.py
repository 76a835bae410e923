"""Invoices: asked for on a paid order or contract, checked, issued by the county office with
its number and PDF, downloaded by whoever bought — and by nobody else."""

import io

import pytest

from app.extensions import db
from app.invoicing.models import InvoiceRequest
from tests import factories
from tests.bulk.conftest import CREDIT_A, contract_in_delivery, signed_in, units  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture()
def paid_order(app):
    with app.app_context():
        sku = factories.product("雪峰蜜橘", stock=10).skus[0].id
        factories.user(email="buyer@example.com")
        factories.user(email="other@example.com")
        factories.user(email="staff@example.com", role="staff")
        db.session.commit()
    buyer = signed_in(app, "buyer@example.com")
    number = factories.buy(buyer, sku, 2).location.rsplit("/", 1)[1]
    staff = signed_in(app, "staff@example.com")
    assert staff.post(f"/staff/orders/{number}/cash", data={"amount": "79.60"}).status_code == 303
    return {"number": number, "buyer": buyer, "staff": staff}


def _issue(staff, request_id: int, number: str = "04400123", pdf: bytes = PDF):
    data = {"number": number, "pdf": (io.BytesIO(pdf), "invoice.pdf")}
    return staff.post(
        f"/staff/invoices/{request_id}/issue", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def test_a_buyer_asks_the_office_issues_and_only_the_buyer_downloads(app, paid_order):
    buyer, staff, number = paid_order["buyer"], paid_order["staff"], paid_order["number"]
    url = f"/orders/{number}/invoice"
    assert "¥79.60" in buyer.get(url).get_data(as_text=True)
    wrong = buyer.post(url, data={"kind": "normal", "holder": "company", "title": "某公司", "taxpayer_id": "123"})
    assert wrong.status_code == 400 and "18 位统一社会信用代码" in wrong.get_data(as_text=True)
    nameless = buyer.post(url, data={"kind": "normal", "holder": "company", "title": "某公司"})
    assert "单位抬头需要填写纳税人识别号" in nameless.get_data(as_text=True)
    assert buyer.post(url, data={"kind": "normal", "holder": "person", "title": "张女士"}).status_code == 303
    again = buyer.post(url, data={"kind": "normal", "holder": "person", "title": "张女士"})
    assert again.status_code == 400 and "已经申请过发票" in again.get_data(as_text=True)
    with app.app_context():
        request_id = db.session.scalar(db.select(InvoiceRequest.id))
    assert "张女士" in staff.get("/staff/invoices").get_data(as_text=True)
    assert "请上传电子发票的 PDF 文件" in _issue(staff, request_id, pdf=b"not a pdf").get_data(as_text=True)
    assert "已登记开票" in _issue(staff, request_id).get_data(as_text=True)
    page = buyer.get(url).get_data(as_text=True)
    assert "已开票" in page and "04400123" in page
    with buyer.get(f"/invoices/{request_id}.pdf") as download:  # a stored file streams: close it
        assert download.status_code == 200 and download.data == PDF
    assert signed_in(app, "other@example.com").get(f"/invoices/{request_id}.pdf").status_code == 404
    assert signed_in(app, "other@example.com").get(url).status_code == 404


def test_a_unit_asks_for_a_special_invoice_on_its_contract(app, units):
    made = contract_in_delivery(app, units, terms="pay_by_due")
    staff = signed_in(app, "staff@example.com")
    with app.app_context():
        from app.orders.models import Order

        total = db.session.scalar(db.select(Order.total_fen).where(Order.number == made["order_number"]))
    staff.post(
        f"/staff/orders/{made['order_number']}/cash", data={"amount": f"{total / 100:.2f}", "reference": "工行 1"}
    )
    admin = signed_in(app, "admin@hospital.example")
    url = f"/units/{units['hospital']}/intents/{made['number']}/invoice"
    form = admin.get(url).get_data(as_text=True)
    assert CREDIT_A in form  # the unit's own code, filled in
    special = {"kind": "special", "holder": "company", "title": "洞口县人民医院", "taxpayer_id": CREDIT_A}
    refused = admin.post(url, data=special)
    assert "地址电话和开户行账号" in refused.get_data(as_text=True)
    asked = admin.post(
        url, data={**special, "address_phone": "洞口县文昌街道 0739-7221234", "bank_account": "工行洞口支行 1901"}
    )
    assert asked.status_code == 303
    with app.app_context():
        request = db.session.scalar(db.select(InvoiceRequest))
        assert (request.amount_fen, request.kind, request.intent_id is not None) == (total, "special", True)
        request_id = request.id
    _issue(staff, request_id, number="12345678901234567890")
    dashboard = admin.get(f"/units/{units['hospital']}").get_data(as_text=True)
    assert f"已开票 ¥{total / 100:,.2f}" in dashboard
    with admin.get(f"/invoices/{request_id}.pdf") as download:
        assert download.data == PDF
    assert signed_in(app, "admin@school.example").get(f"/invoices/{request_id}.pdf").status_code == 404
