"""Reports read the ledger and reconcile with paid sales minus refunds, to the fen."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func

from app.accounts.models import User
from app.domain import roles
from app.events.models import Event
from app.extensions import db
from app.impact import reports
from app.impact.ledger_check import find_discrepancies
from app.impact.models import Attribution
from app.impact.services import roll_up
from app.orders import services as orders
from app.payments import services as payments
from tests import factories
from tests.conftest import empty_tables

ADDRESS = factories.DELIVERY_ADDRESS


def _world():
    """Two townships, three producers (one without benefit links), four SKUs, a buyer, staff, an event."""
    gaosha, luoxi = factories.township(name="高沙镇"), factories.township(name="罗溪瑶族乡", kind="township")
    v1, v2, v3 = factories.village(gaosha), factories.village(gaosha), factories.village(luoxi)
    hh = [factories.household(v, members=m) for v, m in ((v1, 4), (v1, 2), (v2, 5), (v3, 3), (v3, 1))]
    producers = [
        factories.producer(gaosha, hh[:3], [3, 2, 2]),
        factories.producer(luoxi, hh[3:], [1, 4]),
        factories.producer(luoxi),
    ]
    skus = [
        factories.product(
            f"商品{i}",
            producers[i % 3],
            price_fen=p,
            stock=10_000,
            certified_until=date(2099, 1, 1) if i % 2 == 0 else None,
        ).skus[0]
        for i, p in enumerate((3980, 16800, 999, 1))
    ]
    buyer, staff = factories.user(), factories.user(role=roles.STAFF)
    db.session.add(
        Event(
            code="PAD2026",
            name="国家扶贫日",
            kind="poverty_alleviation_day",
            starts_on=date(2026, 10, 17),
            ends_on=date(2026, 10, 17),
        )
    )
    db.session.commit()
    return skus, buyer.id, staff.id


order_plans = st.lists(
    st.fixed_dictionaries(
        {
            "items": st.dictionaries(st.integers(0, 3), st.integers(1, 7), min_size=1, max_size=4),
            "paid": st.booleans(),
            "event": st.booleans(),
            "refunds": st.lists(st.tuples(st.integers(0, 3), st.integers(1, 100)), max_size=3),
            "refund_all": st.booleans(),
        }
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=order_plans)
def test_every_report_total_equals_paid_sales_minus_refunds(app, plans):
    with app.app_context():
        try:
            skus, buyer_id, staff_id = _world()
            expected = 0
            for plan in plans:
                items = [orders.CartItem(skus[i].id, q, skus[i].price_fen) for i, q in plan["items"].items()]
                placed = orders.place_order(
                    buyer_id,
                    orders.basket_of(items),
                    ADDRESS,
                    "",
                    "PAD2026" if plan["event"] else None,
                    "cod",
                    99,
                    30,
                )
                if not plan["paid"]:
                    continue
                payments.record_offline_payment(placed.number, placed.total_fen, "", staff_id)
                order = orders.get_order(placed.number)
                lines = sorted(order.lines, key=lambda line: line.id)
                for index, percent in plan["refunds"]:
                    line = lines[index % len(lines)]
                    amount = (line.line_total_fen - line.refunded_fen) * percent // 100
                    if amount:
                        payments.refund(
                            order.number, payments.RefundRequest({line.id: amount}, "部分退款"), "staff", staff_id, None
                        )
                if plan["refund_all"] and order.refunded_fen < order.paid_fen:
                    payments.refund(order.number, payments.RefundRequest({}, "全额退款"), "staff", staff_id, None)
                order = orders.get_order(order.number)
                expected += order.paid_fen - order.refunded_fen

            assert db.session.scalar(db.select(func.coalesce(func.sum(Attribution.amount_fen), 0))) == expected
            for dimension in reports.DIMENSIONS:
                report = reports.build_report(dimension, reports.ReportFilters(), staff=True)
                assert report.total.sales_fen == expected, dimension
                assert sum(r.sales_fen for r in report.rows) == expected, dimension
                assert sum(r.certified_fen + r.uncertified_fen for r in report.rows) == expected
                if dimension != "household" and dimension not in reports.LEDGER_DIMENSIONS:
                    assert sum(p.sales_fen for p in reports.sales_by(dimension, reports.ReportFilters())) == expected
            # The monthly chart groups days first, then months: the same months and sums as the report.
            assert [(p.label, p.sales_fen) for p in reports.sales_by("month", reports.ReportFilters())] == [
                (r.label, r.sales_fen) for r in reports.build_report("month", reports.ReportFilters()).rows
            ]
            # Reports grouped several ways share one totals row: households are counted once, not per group.
            by_township, by_month = reports.build_reports(("township", "month"), reports.ReportFilters(), staff=True)
            assert by_month.total == by_township.total == reports.build_report("village", reports.ReportFilters()).total
            assert find_discrepancies() == []
        finally:
            # Each generated example starts from empty tables, as each test does.
            db.session.remove()
            empty_tables()


day_sales = st.lists(
    st.tuples(st.integers(0, 130), st.integers(0, 3), st.integers(-2000, 5000), st.integers(0, 1)),
    min_size=1,
    max_size=30,
)
day_bounds = st.lists(
    st.tuples(st.none() | st.integers(-3, 133), st.none() | st.integers(-3, 133)), min_size=1, max_size=6
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sales=day_sales, bounds=day_bounds)
def test_reports_over_any_dates_read_whole_months_and_cut_days_exactly(app, sales, bounds):
    """Whole months come from the monthly roll-up and the days of months the dates cut into from
    the daily one: over any dates, the figures are those of the days themselves."""
    first_day = date(2026, 1, 30)  # across month ends of 28, 30 and 31 days
    with app.app_context():
        try:
            villages = [factories.village(), factories.village()]
            households = [factories.household(villages[n % 2]) for n in range(3)]
            db.session.flush()
            rows = [
                dict(
                    day=first_day + timedelta(days=offset),
                    township_id=villages[0].township_id,
                    village_id=households[who].village_id if who < 3 else 0,
                    household_id=households[who].id if who < 3 else 0,
                    producer_id=1,
                    product_id=1,
                    channel="online",
                    event_id=0,
                    certified=True,
                    amount_fen=fen,
                    pairs=pairs,
                )
                for offset, who, fen, pairs in sales
            ]
            roll_up(factories.rolled_up(rows))
            db.session.commit()
            for low, high in bounds:
                start = low is not None and first_day + timedelta(days=low) or None
                end = high is not None and first_day + timedelta(days=high) or None
                chosen = [r for r in rows if (start is None or r["day"] >= start) and (end is None or r["day"] <= end)]
                months, net = defaultdict(int), defaultdict(int)
                for r in chosen:
                    months[f"{r['day']:%Y-%m}"] += r["amount_fen"]
                    net[r["household_id"]] += r["amount_fen"]
                filters = reports.ReportFilters(start=start, end=end)
                by_month = reports.build_report("month", filters, staff=True)
                assert {r.label: r.sales_fen for r in by_month.rows} == dict(months), (start, end)
                assert by_month.total.households == sum(1 for h, fen in net.items() if h and fen > 0)
                assert by_month.total.household_times == sum(r["pairs"] for r in chosen if r["household_id"])
                assert [(p.label, p.sales_fen) for p in reports.sales_by("month", filters)] == sorted(months.items())
        finally:
            # Each generated example starts from empty tables, as each test does.
            db.session.remove()
            empty_tables()


@pytest.fixture()
def sold(app):
    """One paid cash order of ¥79.60 split 3:2:2 over three households (4+2+5 people), one unpaid order."""
    with app.app_context():
        skus, buyer_id, staff_id = _world()
        paid = factories.paid_on_delivery(buyer_id, skus[0].id, 2, staff_id, event_code="PAD2026")
        orders.place_order(
            buyer_id, orders.basket_of([orders.CartItem(skus[0].id, 1, 3980)]), ADDRESS, "", None, "cod", 99, 30
        )
        return paid.number


def test_township_report_figures_are_exact(app, sold):
    with app.app_context():
        report = reports.build_report("township", reports.ReportFilters(), staff=True)
        (row,) = report.rows
        assert (row.sales_fen, row.attributed_fen, row.households, row.household_times, row.people, row.villages) == (
            7960,
            7960,
            3,
            3,
            11,
            2,
        )
        assert row.certified_fen == 7960 and reports.uncertified_event_warnings(reports.ReportFilters()) == []


def test_the_product_report_names_a_renamed_product_once_by_its_catalogue_name(app, sold):
    from app.catalog.models import Product

    with app.app_context():
        db.session.execute(db.update(Product).where(Product.name == "商品0").values(name="雪峰冰糖橙"))
        db.session.commit()
        (row,) = reports.build_report("product", reports.ReportFilters(), staff=True).rows
        assert (row.label, row.sales_fen) == ("雪峰冰糖橙", 7960)


def test_period_and_channel_filters(app, sold):
    with app.app_context():
        assert (
            reports.build_report(
                "township", reports.ReportFilters(start=date(2000, 1, 1), end=date(2000, 1, 2))
            ).total.sales_fen
            == 0
        )
        assert reports.build_report("township", reports.ReportFilters(channel="booth")).total.sales_fen == 0
        assert reports.build_report("township", reports.ReportFilters(channel="online")).total.sales_fen == 7960


def test_household_dimension_is_for_staff_only(app, sold):
    with app.app_context():
        with pytest.raises(ValueError):
            reports.build_report("household", reports.ReportFilters(), staff=False)
        labels = [r.label for r in reports.build_report("household", reports.ReportFilters(), staff=True).rows]
        assert all("**" in label for label in labels)


def test_verify_ledger_finds_a_missing_row_and_exits_non_zero(app, runner, sold):
    assert runner.invoke(args=["verify-ledger"]).exit_code == 0
    with app.app_context():
        row = db.session.execute(db.select(Attribution).order_by(Attribution.id)).scalars().first()
        db.session.add(
            Attribution(
                order_line_id=row.order_line_id,
                order_id=row.order_id,
                producer_id=row.producer_id,
                township_id=row.township_id,
                channel=row.channel,
                kind="sale",
                amount_fen=1,
            )
        )
        db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert f"order {sold} line" in result.output and "expected 7960 fen, ledger 7961 fen" in result.output


def test_verify_ledger_finds_a_copied_township_or_event_that_names_nothing(app, runner, sold):
    # The ledger's township, village and event are copies without a foreign key of their own.
    with app.app_context():
        row = db.session.execute(db.select(Attribution).order_by(Attribution.id)).scalars().first()
        for column in ("township_id", "event_id"):
            db.session.add(
                Attribution(
                    **{c: getattr(row, c) for c in ("order_line_id", "order_id", "producer_id", "channel")},
                    **{"township_id": row.township_id, column: 999_999},
                    kind="sale",
                    amount_fen=0,
                )
            )
        db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert "ledger township_id: 1 rows name no existing row" in result.output
    assert "ledger event_id: 1 rows name no existing row" in result.output
    assert "village_id" not in result.output


def test_verify_ledger_finds_a_monthly_roll_up_that_drifted(app, runner, sold):
    from app.impact.models import LedgerMonth

    with app.app_context():
        row = db.session.execute(db.select(LedgerMonth).where(LedgerMonth.household_id != 0)).scalars().first()
        household, row.amount_fen = row.household_id, row.amount_fen + 5
        db.session.commit()
    result = runner.invoke(args=["verify-ledger"])
    assert result.exit_code == 1
    assert f"roll-up ledger_months, household {household}: ledger " in result.output
    assert "ledger_days" not in result.output


def test_an_uncertified_product_sold_at_an_event_is_warned_about(app):
    with app.app_context():
        skus, buyer_id, staff_id = _world()
        factories.paid_on_delivery(buyer_id, skus[1].id, 1, staff_id, 16800, "PAD2026")
        (warning,) = reports.uncertified_event_warnings(reports.ReportFilters())
        assert "国家扶贫日" in warning and "商品1" in warning and "¥168.00" in warning


def test_a_full_refund_takes_the_households_and_household_times_back_out(app, sold):
    with app.app_context():
        staff_id = db.session.execute(db.select(User.id).where(User.role == roles.STAFF)).scalar_one()
        payments.refund(sold, payments.RefundRequest({}, "退货"), "staff", staff_id, None)
        total = reports.build_report("township", reports.ReportFilters(), staff=True).total
        assert (total.sales_fen, total.households, total.household_times, total.people) == (0, 0, 0, 0)
        assert find_discrepancies() == []
