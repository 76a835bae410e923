"""Lots: the public trace page, label sheets whose every QR code decodes, and sales that carry the lot."""

import io

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import func

from app.audit.models import AuditEntry
from app.extensions import db
from app.orders.models import OrderLine
from app.registry.models import Household
from app.trace.models import Lot
from tests import factories
from tests.e2e.conftest import SHOTS
from tests.pos.fixtures import sale, sync


@pytest.fixture()
def staff(app, fair):
    client = app.test_client()
    factories.login(client, "staff@example.com")
    return client


def test_the_trace_page_tells_the_story_without_personal_data(app, client, fair):
    sync(client, fair["token"], [sale(fair["mandarin"], 2)])
    page = client.get(f"/t/{fair['lot'].lower()}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    for fact in ("雪峰蜜橘", "2026-11-10", "农残快检合格", "林田村", "李**", "¥79.60"):
        assert fact in body, fact
    with app.app_context():
        personal = db.session.execute(db.select(Household.head_name, Household.id_number, Household.phone)).all()
    leaked = [value for row in personal for value in row if value and value in body]
    assert leaked == []


def test_an_unknown_lot_gets_a_friendly_404(client):
    page = client.get("/t/NO-SUCH-LOT")
    assert page.status_code == 404
    assert "找不到批次 NO-SUCH-LOT" in page.get_data(as_text=True)


def _decoded(pdf: bytes, picture_name: str) -> list[list[str]]:
    """The text of every QR code on every page; the first page is kept as a PNG to look at."""
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    images = [page.render(scale=3).to_pil() for page in document]
    SHOTS.mkdir(parents=True, exist_ok=True)
    images[0].save(SHOTS / f"{picture_name}.png")
    return [[code.text for code in zxingcpp.read_barcodes(image)] for image in images]


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
@pytest.mark.parametrize("layout, count, per_page", [("a4-3x8", 30, [24, 6]), ("thermal-60x40", 3, [1, 1, 1])])
def test_every_qr_code_on_a_label_sheet_decodes_to_its_lot(staff, fair, layout, count, per_page):
    # Without a queue (the tests, the demo) the print job runs right away in the process.
    with staff.get(f"/staff/lots/{fair['lot']}/labels.pdf?layout={layout}&count={count}") as answer:
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        pages = _decoded(answer.data, f"labels-{layout}")
    assert [len(codes) for codes in pages] == per_page
    assert {code for codes in pages for code in codes} == {f"http://localhost/t/{fair['lot']}"}


@pytest.mark.no_cover  # a sweep that adds no branch of its own (pytest.ini)
def test_a_sheet_of_over_100_labels_is_laid_out_by_a_job(staff, fair):
    small = staff.post(f"/staff/lots/{fair['lot']}/labels", data={"layout": "a4-3x8", "count": "30"})
    assert small.status_code == 303 and "/labels.pdf?" in small.headers["Location"]
    pdf = factories.run_export(staff, f"/staff/lots/{fair['lot']}/labels?layout=a4-3x8&count=150")
    pages = _decoded(pdf, "labels-job-a4-3x8")
    assert [len(codes) for codes in pages] == [24] * 6 + [6]
    refused = staff.get(f"/staff/lots/{fair['lot']}/labels.pdf?layout=a4-3x8&count=150", follow_redirects=True)
    assert "超过 100 张的标签在后台生成" in refused.get_data(as_text=True)


@pytest.mark.parametrize("query", ["layout=a4-3x8&count=0", "layout=a4-3x8&count=9999", "layout=A5&count=2", "count=x"])
def test_a_bad_label_request_says_what_to_fix(staff, fair, query):
    answer = staff.get(f"/staff/lots/{fair['lot']}/labels.pdf?{query}", follow_redirects=True)
    assert "请选择标签规格" in answer.get_data(as_text=True)


def test_staff_register_a_lot_with_an_automatic_code(app, staff, fair):
    bad = staff.post("/staff/lots", data={"sku": "NOPE", "harvested_on": "2026-11-20", "quantity": "0"})
    assert bad.status_code == 400
    body = bad.get_data(as_text=True)
    assert "数量应在 1 到 1000000 之间" in body
    made = staff.post("/staff/lots", data={"sku": fair["tea"], "harvested_on": "2026-11-20", "quantity": "120"})
    assert made.status_code == 303
    with app.app_context():
        lot = db.session.execute(db.select(Lot).where(Lot.quantity == 120)).scalar_one()
        assert lot.code == f"{fair['tea']}-261120A"
        assert db.session.scalar(db.select(func.count()).where(AuditEntry.action == "create_lot")) == 2


def test_booth_sales_carry_the_lot_and_staff_see_what_the_lot_sold(app, client, staff, fair):
    scanned = sale(fair["mandarin"], 3)
    scanned["lines"][0]["lot"] = fair["lot"].lower()
    wrong = sale(fair["tea"], 1, 6800)
    wrong["lines"][0]["lot"] = fair["lot"]
    answer = sync(client, fair["token"], [scanned, wrong])
    assert answer.json["results"][1]["flags"] == [f"批次 {fair['lot']} 不是 {fair['tea']} 的批次，销售已记账但未记批次"]
    with app.app_context():
        lots = dict(db.session.execute(db.select(OrderLine.sku_code, OrderLine.lot_id)).all())
        assert lots[fair["tea"]] is None and lots[fair["mandarin"]] is not None
    page = staff.get(f"/staff/lots/{fair['lot']}").get_data(as_text=True)
    assert "¥119.40" in page  # 3 boxes at ¥39.80, all of it attributed


def test_the_tablet_catalogue_lists_lot_codes(client, fair):
    catalogue = client.get("/api/v1/pos/catalogue", headers={"Authorization": f"Bearer {fair['token']}"}).json
    assert catalogue["items"][0]["lots"] == [fair["lot"]]
