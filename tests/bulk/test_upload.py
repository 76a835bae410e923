"""A unit's order list from a spreadsheet: every bad row is named with its reason and nothing is
saved, or the whole file is taken."""

import io

from openpyxl import Workbook
from sqlalchemy import func

from app.bulk.models import IntentLine, PlannedDelivery
from app.extensions import db
from tests.bulk.conftest import draft_intent

HEADER = "商品编码,数量,交付日期,交付地址\n"


def _upload(client, url, name, data: bytes):
    return client.post(f"{url}/upload", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_ten_bad_rows_get_ten_row_numbered_reasons_and_nothing_is_saved(app, units):
    client, _number, url = draft_intent(app, units)
    with app.app_context():
        before = db.session.execute(db.select(IntentLine.sku_id, IntentLine.quantity).order_by(IntentLine.id)).all()
    good = f"{units['mandarin_code']},5,2026-12-15,县人民医院\n"
    bad = [
        "NOPE,5,,\n",
        f"{units['mandarin_code']},0,,\n",
        f"{units['mandarin_code']},-3,,\n",
        f"{units['mandarin_code']},abc,,\n",
        ",5,,\n",
        f"{units['mandarin_code']},5,2026-13-45,医院\n",
        f"{units['mandarin_code']},5,2025-01-01,医院\n",
        f"{units['mandarin_code']},5,2026-12-15,\n",
        f"{units['mandarin_code']},100001,,\n",
        f"{units['oil_code']},2.5,,\n",
    ]
    body = HEADER + good + "".join(bad) + good
    answer = _upload(client, url, "清单.csv", body.encode("utf-8"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "有 10 行需要修改" in page
    for row in range(3, 13):
        assert f"第 {row} 行：" in page
    for reason in (
        "商品编码 NOPE 不存在",
        "数量应为 1 到 100000 的整数（现为“0”）",
        "缺少商品编码",
        "格式不对",
        "不在合同交付期",
        "也请填写交付地址",
        "（现为“2.5”）",
    ):
        assert reason in page, reason
    with app.app_context():
        assert (
            db.session.execute(db.select(IntentLine.sku_id, IntentLine.quantity).order_by(IntentLine.id)).all()
            == before
        )


def test_a_5000_line_spreadsheet_is_taken_whole(app, units):
    client, _number, url = draft_intent(app, units)
    book = Workbook()
    sheet = book.active
    sheet.append(["商品编码", "数量", "交付日期", "交付地址"])
    for n in range(5000):
        code = units["mandarin_code"] if n % 2 else units["oil_code"]
        sheet.append([code, 1 + n % 3, f"2026-12-{10 + n % 3}", f"县人民医院 {n % 3 + 1} 号楼"])
    data = io.BytesIO()
    book.save(data)
    answer = _upload(client, url, "清单.xlsx", data.getvalue())
    assert answer.status_code == 303, answer.get_data(as_text=True)[-600:]
    with app.app_context():
        quantities = dict(db.session.execute(db.select(IntentLine.sku_id, IntentLine.quantity)).all())
        assert sum(quantities.values()) == sum(1 + n % 3 for n in range(5000))
        assert db.session.scalar(db.select(func.count()).select_from(PlannedDelivery)) == 3


def test_a_file_that_is_not_a_spreadsheet_says_so(app, units):
    client, _number, url = draft_intent(app, units)
    answer = _upload(client, url, "清单.xlsx", b"not really a workbook")
    assert answer.status_code == 400 and "无法读取这个 Excel 文件" in answer.get_data(as_text=True)
    missing = _upload(client, url, "清单.csv", "名称,件数\n蜜橘,3\n".encode())
    assert "缺少必需的列：商品编码、数量" in missing.get_data(as_text=True)
