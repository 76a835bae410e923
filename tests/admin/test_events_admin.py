"""County staff open events and booths, allocate stock, add clerks, pair and revoke tablets,
and settle flagged booth sales."""

import re

import pytest

from app.audit.models import AuditEntry
from app.extensions import db
from app.pos.models import Booth, BoothAllocation, BoothSale
from tests import factories
from tests.pos.fixtures import sale, sync


@pytest.fixture()
def staff(app, fair):
    client = app.test_client()
    factories.login(client, "staff@example.com")
    return client


def _audits(action: str) -> list[AuditEntry]:
    return db.session.execute(db.select(AuditEntry).where(AuditEntry.action == action)).scalars().all()


def test_staff_create_an_event_and_a_booth(app, staff):
    bad = staff.post(
        "/staff/events",
        data={"code": "x", "name": "", "kind": "fair", "starts_on": "2027-10-17", "ends_on": "2027-10-16"},
    )
    assert bad.status_code == 400
    assert "3 到 24 位字母" in bad.get_data(as_text=True) and "请填写此项" in bad.get_data(as_text=True)
    made = staff.post(
        "/staff/events",
        data={
            "code": "pad2027",
            "name": "2027 国家扶贫日展销",
            "kind": "poverty_alleviation_day",
            "starts_on": "2027-10-17",
            "ends_on": "2027-10-17",
            "venue": "蔡锷广场",
        },
    )
    assert made.status_code == 303 and made.location.endswith("/staff/events/PAD2027")
    with app.app_context():
        township_id = db.session.execute(db.select(Booth.township_id)).scalar()
    booth = staff.post(
        "/staff/events/PAD2027", data={"township": township_id, "opening_float": "300", "merchant_name": "合作社收款码"}
    )
    assert booth.status_code == 303 and booth.location.endswith("/staff/booths/PAD2027-GAOSHA")
    again = staff.post("/staff/events/PAD2027", data={"township": township_id, "opening_float": "300"})
    assert again.status_code == 400 and "已经有展位" in again.get_data(as_text=True)
    with app.app_context():
        assert len(_audits("create_event")) == 1 and len(_audits("create_booth")) == 1
        assert (
            db.session.execute(db.select(Booth.opening_float_fen).where(Booth.code == "PAD2027-GAOSHA")).scalar()
            == 30000
        )


def test_allocations_never_fall_below_what_was_sold_and_are_audited(app, client, staff, fair):
    sync(client, fair["token"], [sale(fair["tea"], 5, 6800)])
    url = f"/staff/booths/{fair['booth']}/allocations"
    assert "不存在" in staff.post(url, data={"a-sku": "NOPE", "a-quantity": "5"}).get_data(as_text=True)
    low = staff.post(url, data={"a-sku": fair["tea"], "a-quantity": "4"})
    assert low.status_code == 400 and "已售 5" in low.get_data(as_text=True)
    assert staff.post(url, data={"a-sku": fair["tea"], "a-quantity": "40"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(BoothAllocation.allocated).where(BoothAllocation.sold == 5)) == 40
        (entry,) = _audits("set_booth_allocation")
        assert '"allocated": 20' in entry.before and '"allocated": 40' in entry.after


def test_clerks_are_added_by_email_and_only_with_a_clerk_account(app, staff, fair):
    url = f"/staff/booths/{fair['booth']}/clerks"
    assert "没有店员账号" in staff.post(url, data={"c-email": "nobody@example.com"}).get_data(as_text=True)
    assert staff.post(url, data={"c-email": "other-clerk@example.com"}).status_code == 303
    assert "店员小李" in staff.get(f"/staff/booths/{fair['booth']}").get_data(as_text=True)


def test_a_token_is_shown_once_with_a_pairing_qr_and_revoking_it_stops_the_tablet(app, client, staff, fair):
    issued = staff.post(f"/staff/booths/{fair['booth']}/devices", data={"d-label": "2 号平板"})
    assert issued.status_code == 303  # a reload of the page that follows resends nothing
    page = staff.get(issued.headers["Location"])
    body = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store" and "<svg" in body
    token = re.search(r"#token=(dkpos_[\w-]+)", body).group(1)
    assert sync(client, token, [sale(fair["mandarin"])]).status_code == 200
    assert token not in staff.get(f"/staff/booths/{fair['booth']}").get_data(as_text=True)
    with app.app_context():
        from app.pos.models import Device

        device_id = db.session.execute(db.select(Device.id).where(Device.label == "2 号平板")).scalar_one()
    assert staff.post(f"/staff/booths/{fair['booth']}/devices/{device_id}/revoke").status_code == 303
    assert sync(client, token, [sale(fair["mandarin"])]).status_code == 401


def test_staff_settle_a_flagged_sale_without_changing_it(app, client, staff, fair):
    sync(client, fair["token"], [sale(fair["tea"], 25, 6800)])
    listing = staff.get("/staff/reconciliation").get_data(as_text=True)
    assert "超出分配" in listing
    with app.app_context():
        sale_id, total = db.session.execute(db.select(BoothSale.id, BoothSale.total_fen)).one()
    assert staff.post(f"/staff/reconciliation/{sale_id}", data={"note": ""}, follow_redirects=True).status_code == 200
    staff.post(f"/staff/reconciliation/{sale_id}", data={"note": "已从县仓库补调 5 盒"})
    assert "没有待核对的销售" in staff.get("/staff/reconciliation").get_data(as_text=True)
    with app.app_context():
        settled = db.session.get(BoothSale, sale_id)
        assert settled.reconciliation_note == "已从县仓库补调 5 盒" and settled.total_fen == total
        assert len(_audits("reconcile_booth_sale")) == 1


def test_the_live_board_adds_up_sales_by_booth_and_hour(client, staff, fair):
    sync(client, fair["token"], [sale(fair["mandarin"], 2), sale(fair["tea"], 1, 6800)])
    board = staff.get("/staff/events/WEEK2026/board.json").json
    assert board["count"] == 2 and board["total_fen"] == 2 * 3980 + 6800
    assert board["booths"][0]["total_fen"] == board["total_fen"]
    assert sum(h["total_fen"] for h in board["hours"]) == board["total_fen"]
    assert "实时看板" in staff.get("/staff/events/WEEK2026/board").get_data(as_text=True)
