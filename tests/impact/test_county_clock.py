"""Every business date is the county's day of the moment (Asia/Shanghai), never its UTC date:
money that arrives at 23:30 UTC — 07:30 the next morning in Dongkou — is booked on the county's
day, under the benefit rule of that day, and the report for that day agrees with the Z report."""

from datetime import UTC, datetime, time, timedelta

import pytest

from app.clock import COUNTY_TZ, county_date
from app.extensions import db
from app.impact import reports
from app.impact.models import Attribution, LedgerDay
from app.payments import services as payments
from app.pos.models import Booth
from app.pos.queries import day_summary
from app.registry.models import BenefitLink
from tests import factories
from tests.pos.fixtures import sale, sync


def _morning_in_dongkou() -> datetime:
    """The latest 23:30 UTC that has passed: 07:30 in the county, a day later than in UTC."""
    now = datetime.now(UTC)
    moment = datetime.combine(now.date(), time(23, 30), UTC)
    return moment if moment <= now else moment - timedelta(days=1)


@pytest.fixture()
def rule_changes_overnight(app, fair):
    """The mandarins' benefit rule changes at the county's midnight: until the UTC date it was
    the fair's three households, from the county's day a new household alone."""
    moment = _morning_in_dongkou()
    county_day = county_date(moment)
    assert county_day == moment.date() + timedelta(days=1)
    with app.app_context():
        links = db.session.scalars(db.select(BenefitLink)).all()
        for link in links:
            link.valid_to = county_day - timedelta(days=1)
        newcomer = factories.household(head_name="赵新户")
        db.session.add(
            BenefitLink(producer_id=links[0].producer_id, household_id=newcomer.id, weight=1, valid_from=county_day)
        )
        db.session.commit()
        return {"moment": moment, "day": county_day, "newcomer": newcomer.id}


def _ledger(app) -> dict:
    with app.app_context():
        return {
            "households": set(db.session.scalars(db.select(Attribution.household_id).distinct())),
            "days": set(db.session.scalars(db.select(LedgerDay.day).distinct())),
        }


def test_an_online_payment_at_2330_utc_is_booked_on_the_county_day_under_its_rule(
    app, fair, rule_changes_overnight, monkeypatch
):
    changes = rule_changes_overnight
    monkeypatch.setattr(payments, "utcnow", lambda: changes["moment"])
    with app.app_context():
        buyer = factories.user(email="early@example.com")
        staff = factories.user(email="early-staff@example.com", role="staff")
        db.session.commit()
        sku = db.session.scalar(db.select(Booth)).allocations[0].sku_id
        factories.paid_on_delivery(buyer.id, sku, 1, staff.id)
    assert _ledger(app) == {"households": {changes["newcomer"]}, "days": {changes["day"]}}


def test_a_booth_sale_at_0730_county_time_matches_the_z_report_of_its_day(app, client, fair, rule_changes_overnight):
    changes = rule_changes_overnight
    answer = sync(client, fair["token"], [sale(fair["mandarin"], 2, sold_at=changes["moment"].astimezone(COUNTY_TZ))])
    assert answer.status_code == 200, answer.json
    assert _ledger(app) == {"households": {changes["newcomer"]}, "days": {changes["day"]}}
    with app.app_context():
        booth = db.session.scalar(db.select(Booth))
        z_report = day_summary(booth, changes["day"])
        by_day = reports.build_report(
            "channel", reports.ReportFilters(start=changes["day"], end=changes["day"], channel="booth"), staff=True
        )
        assert z_report["total_fen"] == by_day.total.sales_fen == 7960
        assert day_summary(booth, changes["day"] - timedelta(days=1))["total_fen"] == 0


def test_a_units_bank_transfer_recorded_at_0730_county_time_is_booked_on_that_day(
    app, fair, rule_changes_overnight, monkeypatch
):
    from app.audit.services import Actor
    from app.bulk import fulfilment
    from app.bulk import services as units
    from app.clock import today
    from tests.bulk.conftest import CREDIT_A

    changes = rule_changes_overnight
    monkeypatch.setattr(payments, "utcnow", lambda: changes["moment"])
    with app.app_context():
        admin = factories.user(email="unit-admin@example.com")
        staff = factories.user(email="unit-staff@example.com", role="staff")
        db.session.commit()
        actor, office = Actor(admin.id, "test"), Actor(staff.id, "test")
        unit = units.register_unit(
            units.UnitDraft("洞口县人民医院", "agency", CREDIT_A, "李主任", "13812345678", "洞口"), admin.id, actor
        )
        units.approve_unit(unit, office)
        on = today()
        intent = units.create_intent(
            unit, units.IntentDraft("", "pay_by_due", 30, on, on + timedelta(days=30), "", ""), actor
        )
        sku = db.session.scalar(db.select(Booth)).allocations[0].sku_id
        units.set_lines(intent, {sku: 2}, actor)
        units.add_planned_delivery(intent, on + timedelta(days=1), "食堂", "小周", "13700001111", actor)
        units.submit_intent(intent, actor)
        units.confirm_intent(intent, office)
        line = intent.lines[0]
        order = fulfilment.create_delivery(
            intent, fulfilment.DeliveryDraft({line.id: 2}, "小周", "13700001111", "食堂"), office
        )
        payments.record_offline_payment(order.number, order.total_fen, "工行转账 0730", staff.id)
    assert _ledger(app) == {"households": {changes["newcomer"]}, "days": {changes["day"]}}
