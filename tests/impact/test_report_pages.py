"""Report pages, exports and the public impact pages through HTTP."""

import csv
import io
import re
import time

import openpyxl
import pytest

from app.accounts.models import User
from app.domain import roles
from app.extensions import db
from app.orders.models import Order
from app.payments import services as payments
from app.registry.models import Household
from tests import factories
from tests.impact.test_reports import sold  # noqa: F401  (fixture)


@pytest.fixture()
def staff(app, sold):  # noqa: F811
    with app.app_context():
        factories.user(email="office@example.com", role="staff")
        db.session.commit()
    client = app.test_client()
    factories.login(client, "office@example.com")
    return client


def test_report_page_shows_exact_figures_and_chart_data(staff):
    page = staff.get("/staff/reports?dimension=township").get_data(as_text=True)
    assert "¥79.60" in page and 'id="chart-data"' in page and "chart.umd.min.js" in page
    # Every script and stylesheet is our own: no address names another host (the page's random
    # tokens are left out, which may hold the letters "cdn").
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []


def test_report_filters_are_validated(staff):
    response = staff.get("/staff/reports?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400 and "结束日期不能早于开始日期" in response.get_data(as_text=True)
    assert staff.get("/staff/reports?dimension=nonsense").status_code == 400


def test_csv_and_xlsx_exports_carry_the_filters_and_sum_to_the_report(staff):
    text = factories.run_export(staff, "/staff/reports/export.csv?channel=online").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "记账时间" and len(rows) == 4
    assert sum(round(float(r[-1]) * 100) for r in rows[1:]) == 7960
    # A filter with no rows gives the headers, not an error.
    empty = factories.run_export(staff, "/staff/reports/export.csv?channel=booth").decode("utf-8")
    assert len(list(csv.reader(io.StringIO(empty)))) == 1
    book = openpyxl.load_workbook(io.BytesIO(factories.run_export(staff, "/staff/reports/export.xlsx")), read_only=True)
    values = list(book.active.iter_rows(values_only=True))
    book.close()
    assert values[0][0] == "记账时间" and round(sum(v[-1] for v in values[1:]) * 100) == 7960


def test_exports_and_reports_never_show_full_household_names(app, staff):
    with app.app_context():
        names = set(db.session.execute(db.select(Household.head_name)).scalars())
    for path in ("/staff/reports?dimension=household", "/impact", "/impact/data.json", "/impact/board"):
        body = staff.get(path).get_data(as_text=True)
        assert not [n for n in names if n in body], path
    exported = factories.run_export(staff, "/staff/reports/export.csv").decode("utf-8")
    assert not [n for n in names if n in exported]


def test_event_report_sentence(staff):
    page = staff.get("/staff/reports/events/PAD2026").get_data(as_text=True)
    assert "国家扶贫日：销售 ¥79.60，来自 1 个乡镇，带动 2 个村的 3 户贫困户（11 人）" in page
    assert staff.get("/staff/reports/events/NOPE").status_code == 404


def test_reports_are_for_staff_only(app, sold):  # noqa: F811
    anonymous = app.test_client()
    assert anonymous.get("/staff/reports").status_code == 302
    assert anonymous.post("/staff/reports/export.csv").status_code == 302
    with app.app_context():
        factories.user(email="c@example.com")
        db.session.commit()
    consumer = app.test_client()
    factories.login(consumer, "c@example.com")
    assert consumer.get("/staff/reports").status_code == 403


def test_public_impact_page_and_board_are_aggregates(client, sold):  # noqa: F811
    data = client.get("/impact/data.json?event=PAD2026").get_json()
    assert (data["sales_fen"], data["households"], data["people"], data["villages"]) == (7960, 3, 11, 2)
    assert client.get("/impact").status_code == 200
    board = client.get("/impact/board?event=PAD2026").get_data(as_text=True)
    assert 'data-refresh-seconds="30"' in board and "¥79.60" in board
    assert client.get("/impact?event=NOPE").status_code == 404


def test_the_boards_figures_are_kept_and_show_a_new_sale_within_the_stated_seconds(app, make_app, test_settings, sold):  # noqa: F811
    # The venue boards ask every 30 s; the figures are kept for everyone, as the pages are.
    shop = make_app({**test_settings, "CACHE_TYPE": "SimpleCache", "SHARED_PAGE_SECONDS": 1})
    board = shop.test_client(use_cookies=False)
    first = board.get("/impact/data.json")
    assert first.get_json()["sales_fen"] == 7960 and first.headers["Cache-Control"] == "public, no-cache"
    assert "Set-Cookie" not in first.headers
    with shop.app_context():
        staff_id = db.session.execute(db.select(User.id).where(User.role == roles.STAFF)).scalar_one()
        unpaid = db.session.execute(db.select(Order.number).where(Order.payment_status == "unpaid")).scalar_one()
        payments.record_offline_payment(unpaid, 3980, "", staff_id)
    # Sales do not move the catalogue version: the kept figures may stand for the stated second …
    assert board.get("/impact/data.json").get_json()["sales_fen"] == 7960
    time.sleep(1.1)
    # … and one rebuild longer: the first request past it is answered from the copy and builds
    # the figures again once its answer is sent (the server closes it) …
    board.get("/impact/data.json").close()
    # … so the next one has the new sale.
    assert board.get("/impact/data.json").get_json()["sales_fen"] == 7960 + 3980
