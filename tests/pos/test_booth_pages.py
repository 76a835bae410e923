"""Booth pages: pairing, the close-out, the public receipt, and who may see which booth."""

import re

import pytest
from sqlalchemy import func

from app.audit.models import AuditEntry
from app.extensions import db
from app.pos.models import BoothClose
from tests import factories
from tests.pos.fixtures import sale, sync


def _signed_in(app, email):
    client = app.test_client()
    factories.login(client, email)
    return client


def test_a_clerk_pairs_a_tablet_and_its_token_reads_the_catalogue(app, fair):
    clerk = _signed_in(app, "clerk@example.com")
    page = clerk.get("/pos/")
    assert page.status_code == 200 and "高沙镇" in page.get_data(as_text=True)
    answer = clerk.post("/pos/pair", data={"booth": fair["booth"], "label": "收银台"})
    assert answer.status_code == 200
    catalogue = clerk.get("/api/v1/pos/catalogue", headers={"Authorization": f"Bearer {answer.json['token']}"})
    assert catalogue.json["booth"]["code"] == fair["booth"]


def test_the_close_out_counts_cash_once_and_records_over_short(app, client, fair):
    sync(
        client,
        fair["token"],
        [sale(fair["mandarin"], 2), sale(fair["tea"], 1, 6800), sale(fair["mandarin"], 1, tender="merchant_qr")],
    )
    clerk = _signed_in(app, "clerk@example.com")
    url = f"/pos/booths/{fair['booth']}/close"
    page = clerk.get(url).get_data(as_text=True)
    assert "¥147.60" in page  # cash sales 2 × 39.80 + 68.00
    assert "¥647.60" in page  # … plus the ¥500 float: what the cash box should hold
    assert "受益贫困户" in page and "林田村" in page

    answer = clerk.post(url, data={"counted": "640.00", "note": "少了一张五元"}, follow_redirects=True)
    assert "长短款 -¥7.60" in answer.get_data(as_text=True)
    again = clerk.post(url, data={"counted": "647.60"}, follow_redirects=True)
    assert "不能重复日结" in again.get_data(as_text=True)
    with app.app_context():
        closing = db.session.execute(db.select(BoothClose)).scalar_one()
        assert (closing.expected_cash_fen, closing.counted_cash_fen, closing.over_short_fen) == (64760, 64000, -760)
        assert db.session.scalar(db.select(func.count()).where(AuditEntry.action == "close_booth_day")) == 1

    sync(client, fair["token"], [sale(fair["mandarin"])])  # a tablet that came back online late
    late = clerk.get(url).get_data(as_text=True)
    assert "日结后又上传了 1 笔销售" in late
    # The count still stands against what was expected at the close: 647.60 − 640.00 = −7.60.
    assert re.search(r"钱箱应有</td><td[^>]*>¥647.60", late) and "-¥7.60" in late
    assert re.search(r"日结后补传的现金销售</td><td[^>]*>¥39.80", late)


def test_a_clerk_is_not_greeted_on_the_z_report_by_a_message_from_sign_in(app, fair):
    clerk = app.test_client()
    factories.login(clerk, "clerk@example.com")  # leaves "欢迎回来" for the next page
    assert clerk.get("/pos/").status_code == 200  # the till, where the clerk goes first
    assert "欢迎回来" not in clerk.get(f"/pos/booths/{fair['booth']}/close").get_data(as_text=True)


@pytest.mark.parametrize(
    "counted, message", [("", "请填写清点出的现金金额"), ("12.345", "请输入金额"), ("-5", "请输入金额")]
)
def test_a_bad_cash_count_says_what_is_wrong(app, fair, counted, message):
    clerk = _signed_in(app, "clerk@example.com")
    answer = clerk.post(f"/pos/booths/{fair['booth']}/close", data={"counted": counted})
    assert answer.status_code == 200 and message in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(func.count()).select_from(BoothClose)) == 0


def test_a_clerk_of_another_booth_cannot_see_or_pair_this_booth(app, fair):
    other = _signed_in(app, "other-clerk@example.com")
    assert other.get(f"/pos/booths/{fair['booth']}/close").status_code == 404
    assert other.post("/pos/pair", data={"booth": fair["booth"]}).status_code == 404
    assert fair["booth"] not in other.get("/pos/").get_data(as_text=True)
    consumer_app_client = app.test_client()
    with app.app_context():
        factories.user(email="buyer@example.com")
        db.session.commit()
    factories.login(consumer_app_client, "buyer@example.com")
    assert consumer_app_client.get("/pos/").status_code == 403
    assert app.test_client().get("/pos/").status_code == 302


def test_the_public_receipt_shows_whom_the_sale_helped_with_masked_names(client, fair):
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 2)])
    receipt_url = answer.json["results"][0]["receipt_url"]
    page = client.get(receipt_url.replace("http://localhost", ""))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "¥79.60" in body and "李**" in body and "林田村" in body
    assert "李四光" not in body and "王秀英" not in body
    assert client.get("/receipt/00000000-0000-4000-8000-000000000000").status_code == 404


def test_the_service_worker_and_manifest_are_served_for_the_till(client):
    with client.get("/pos/sw.js") as worker:
        assert worker.status_code == 200 and "caches" in worker.get_data(as_text=True)
        assert worker.headers["Cache-Control"] == "no-store"  # a new till version is picked up at once
    manifest = client.get("/pos/manifest.webmanifest")
    assert manifest.json["start_url"] == "/pos/" and manifest.json["orientation"] == "landscape"


def test_staff_read_a_booth_sale_as_a_booth_sale(app, client, fair):
    staff = app.test_client()
    factories.login(staff, "staff@example.com")
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 2)])
    number = answer.json["results"][0]["order_number"]
    page = staff.get(f"/staff/orders/{number}").get_data(as_text=True)
    assert "展位现场销售" in page and fair["booth"] in page
    assert "展位平板" in page and "· booth" not in page  # who recorded it, in words
    assert "您的" not in page and "这笔订单的 ¥79.60 已按带贫协议分配给" in page
