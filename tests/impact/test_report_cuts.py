"""Reports cut by booth, by supporting unit and by production lot, read from the ledger: each
cut's groups add up to the channel they belong to, on the page and in the export."""

import csv
import io

from app.extensions import db
from app.impact import reports
from app.pos.models import Booth
from tests import factories
from tests.bulk.conftest import contract_in_delivery, signed_in, units  # noqa: F401
from tests.pos.fixtures import sale, sync


def _by(dimension: str) -> dict:
    report = reports.build_report(dimension, reports.ReportFilters(), staff=True)
    return {row.label: row.sales_fen for row in report.rows}


def _channel(name: str) -> int:
    return _by("channel").get(name, 0)


def test_booth_and_lot_cuts_add_up_to_the_booth_channel(app, client, fair):
    sold = [sale(fair["mandarin"], 2), sale(fair["tea"], 1, 6800), sale(fair["mandarin"], 1)]
    sold[0]["lines"][0]["lot"] = fair["lot"]
    assert sync(client, fair["token"], sold).status_code == 200
    with app.app_context():
        buyer, staff = (
            factories.user(email="cut@example.com"),
            factories.user(email="cut-staff@example.com", role="staff"),
        )
        db.session.commit()
        sku = db.session.scalar(db.select(Booth)).allocations[0].sku_id
        factories.paid_on_delivery(buyer.id, sku, 1, staff.id)

        by_booth, by_lot = _by("booth"), _by("lot")
        booth_label = next(label for label in by_booth if fair["booth"] in label)
        assert by_booth[booth_label] == _channel("展销展位") == 2 * 3980 + 6800 + 3980
        assert by_booth["（非展位销售）"] == _channel("线上商城") == 3980
        assert by_lot[fair["lot"]] == 2 * 3980 and sum(by_lot.values()) == sum(by_booth.values())

    staff_client = app.test_client()
    factories.login(staff_client, "cut-staff@example.com")
    page = staff_client.get("/staff/reports?dimension=booth").get_data(as_text=True)
    assert fair["booth"] in page and "（非展位销售）" in page
    exported = factories.run_export(staff_client, "/staff/reports/export.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    in_booth = sum(round(float(r["金额（元）"]) * 100) for r in rows if r["展位"] == fair["booth"])
    with_lot = sum(round(float(r["金额（元）"]) * 100) for r in rows if r["批次"] == fair["lot"])
    assert (in_booth, with_lot) == (2 * 3980 + 6800 + 3980, 2 * 3980)


def test_the_unit_cut_adds_up_to_the_unit_purchases_channel(app, units):
    made = contract_in_delivery(app, units, terms="pay_by_due")
    staff = signed_in(app, "staff@example.com")
    with app.app_context():
        from app.orders.models import Order

        total = db.session.scalar(db.select(Order.total_fen).where(Order.number == made["order_number"]))
    assert staff.post(
        f"/staff/orders/{made['order_number']}/cash", data={"amount": f"{total / 100:.2f}", "reference": "工行 0001"}
    ).status_code in (302, 303)
    with app.app_context():
        assert _by("unit") == {"洞口县人民医院": total} and _channel("单位采购") == total
    page = staff.get("/staff/reports?dimension=unit").get_data(as_text=True)
    assert "洞口县人民医院" in page
