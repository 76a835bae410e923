"""Every refusal a service can give, called the way a page or a job would call it: the service
raises its area's refusal with the code the pages explain, and nothing it was asked to do is
left half done (the caller's transaction is rolled back and the data is as it was)."""

from datetime import timedelta

import pytest

from app.accounts import administration
from app.accounts.refusals import AccountError
from app.audit.services import Actor
from app.bulk import services as units
from app.bulk.refusals import UnitError
from app.catalog import management as catalogue
from app.catalog.refusals import CatalogueError
from app.clock import today
from app.domain import roles
from app.extensions import db
from app.pos import management as fairs
from app.pos.refusals import SetupError
from app.registry import management as links
from app.registry.refusals import LinkError
from app.trace.refusals import LotError
from app.trace.services import LotDraft, create_lot
from tests import factories
from tests.bulk.conftest import CREDIT_A

ACTOR = Actor(None, "test")


@pytest.fixture()
def world(app, ctx):
    township = factories.township(name="高沙镇")
    village = factories.village(township, "林田村")
    household = factories.household(village, head_name="李四光")
    producer = factories.producer(township, [household], [1])
    product = factories.product("雪峰蜜橘", producer, stock=5)
    bare = factories.product("空商品", producer)
    staff = factories.user(email="staff@example.com", role=roles.STAFF)
    buyer = factories.user(email="buyer@example.com")
    event = factories.event(code="FAIR1")
    db.session.commit()
    booth = fairs.create_booth(event, township.id, 50000, "", ACTOR)
    # A product with no SKU yet, as staff create one.
    for sku in bare.skus:
        db.session.delete(sku)
    db.session.commit()
    return {
        "township": township,
        "household": household,
        "producer": producer,
        "product": product,
        "bare": bare,
        "staff": staff,
        "buyer": buyer,
        "event": event,
        "booth": booth,
        "link": producer_link(producer),
    }


def producer_link(producer):
    from app.registry.models import BenefitLink

    return db.session.execute(db.select(BenefitLink).where(BenefitLink.producer_id == producer.id)).scalar_one()


def _cases(w):
    on = today()
    sku = w["product"].skus[0]
    staff_actor = Actor(w["staff"].id, "test")
    return [
        (CatalogueError, "price_range", lambda: catalogue.change_price(sku, 0, ACTOR)),
        (CatalogueError, "adjustment_range", lambda: catalogue.adjust_stock(sku, 0, "x", ACTOR)),
        (CatalogueError, "reason_required", lambda: catalogue.adjust_stock(sku, 1, " ", ACTOR)),
        (CatalogueError, "stock_too_low", lambda: catalogue.adjust_stock(sku, -6, "broken", ACTOR)),
        (CatalogueError, "image_too_large", lambda: catalogue.add_image(w["product"], b"x" * (4 << 20), "", ACTOR)),
        (CatalogueError, "image_unreadable", lambda: catalogue.add_image(w["product"], b"not a picture", "", ACTOR)),
        (
            CatalogueError,
            "validity_order",
            lambda: catalogue.add_certification(
                w["product"], catalogue.CertificationDraft("C-1", "Office", on, on - timedelta(days=1)), ACTOR
            ),
        ),
        (
            CatalogueError,
            "category_and_producer",
            lambda: catalogue.create_product(catalogue.ProductDraft("新品", "", "", 999_999, w["producer"].id), ACTOR),
        ),
        (
            CatalogueError,
            "sku_code_taken",
            lambda: catalogue.add_sku(w["product"], catalogue.SkuDraft(sku.code, "5 斤", "箱", 0, 100, 1), ACTOR),
        ),
        (
            CatalogueError,
            "price_range",
            lambda: catalogue.add_sku(w["product"], catalogue.SkuDraft("NEW-1", "5 斤", "箱", 0, 0, 1), ACTOR),
        ),
        (CatalogueError, "needs_a_sku", lambda: catalogue.set_on_sale(w["bare"], True, ACTOR)),
        (LinkError, "unknown_household", lambda: links.add_link(w["producer"], "NOPE", 1, on, on, ACTOR)),
        (
            LinkError,
            "weight_range",
            lambda: links.add_link(w["producer"], w["household"].registration_no, 0, on, on, ACTOR),
        ),
        (
            LinkError,
            "starts_in_the_past",
            lambda: links.add_link(w["producer"], w["household"].registration_no, 1, on - timedelta(days=1), on, ACTOR),
        ),
        (
            LinkError,
            "already_linked",
            lambda: links.add_link(w["producer"], w["household"].registration_no, 1, on, on, ACTOR),
        ),
        (LinkError, "weight_range", lambda: links.change_weight(w["link"], 1001, on, on, ACTOR)),
        (LinkError, "reweigh_date", lambda: links.change_weight(w["link"], 2, on - timedelta(days=1), on, ACTOR)),
        (LinkError, "end_date", lambda: links.end_link(w["link"], on - timedelta(days=2), on, ACTOR)),
        (
            SetupError,
            "event_code_taken",
            lambda: fairs.create_event(fairs.EventDraft("FAIR1", "展销", "consumption_week", on, on, ""), ACTOR),
        ),
        (
            SetupError,
            "event_dates",
            lambda: fairs.create_event(
                fairs.EventDraft("FAIR2", "展销", "consumption_week", on, on - timedelta(days=1), ""), ACTOR
            ),
        ),
        (SetupError, "township_required", lambda: fairs.create_booth(w["event"], 999_999, 0, "", ACTOR)),
        (SetupError, "township_has_booth", lambda: fairs.create_booth(w["event"], w["township"].id, 0, "", ACTOR)),
        (SetupError, "unknown_sku", lambda: fairs.set_allocation(w["booth"], "NO-SUCH", 5, ACTOR)),
        (SetupError, "no_clerk_account", lambda: fairs.add_clerk(w["booth"], "nobody@example.com", ACTOR)),
        (SetupError, "not_a_clerk", lambda: fairs.remove_clerk(w["booth"], w["buyer"].id, ACTOR)),
        (SetupError, "sale_not_found", lambda: fairs.reconcile_sale(999_999, "checked", ACTOR)),
        (LotError, "unknown_sku", lambda: create_lot(LotDraft("NO-SUCH", on, 10), ACTOR)),
        (
            LotError,
            "packed_before_harvest",
            lambda: create_lot(LotDraft(sku.code, on, 10, on - timedelta(days=1)), ACTOR),
        ),
        (AccountError, "bad_role", lambda: administration.set_role(w["buyer"], "emperor", staff_actor)),
        (AccountError, "own_account", lambda: administration.set_role(w["staff"], roles.CONSUMER, staff_actor)),
        (AccountError, "own_account", lambda: administration.set_active(w["staff"], False, staff_actor)),
        (
            AccountError,
            "invitee_has_account",
            lambda: administration.invite(
                "buyer@example.com", "买家", roles.CONSUMER, "k", lambda token: token, staff_actor
            ),
        ),
        (
            UnitError,
            "credit_code",
            lambda: units.register_unit(
                units.UnitDraft("单位", "agency", "123", "王", "13812345678", "洞口"), w["buyer"].id, ACTOR
            ),
        ),
        (
            UnitError,
            "contact_mobile",
            lambda: units.register_unit(
                units.UnitDraft("单位", "agency", CREDIT_A, "王", "123", "洞口"), w["buyer"].id, ACTOR
            ),
        ),
    ]


def test_each_refusal_has_its_code_and_changes_nothing(world):
    from app.audit.models import AuditEntry

    for kind, code, call in _cases(world):
        audit_rows = db.session.scalar(db.select(db.func.count(AuditEntry.id)))
        with pytest.raises(kind) as refused:
            call()
            pytest.fail(f"{kind.__name__} {code} was not raised")
        db.session.rollback()
        assert refused.value.code == code, (kind.__name__, code, refused.value.code)
        assert refused.value.message and refused.value.message != code
        assert db.session.scalar(db.select(db.func.count(AuditEntry.id))) == audit_rows, code


def test_a_unit_contract_is_refused_at_each_wrong_step(world):
    buyer = Actor(world["buyer"].id, "test")
    unit = units.register_unit(
        units.UnitDraft("洞口县人民医院", "agency", CREDIT_A, "李主任", "13812345678", "洞口"), world["buyer"].id, buyer
    )
    on = today()
    draft = units.IntentDraft("", "pay_by_due", 30, on + timedelta(days=10), on, "", "")
    with pytest.raises(UnitError) as window:
        units.create_intent(unit, draft, buyer)
    assert window.value.code == "window_order"
    db.session.rollback()
    with pytest.raises(UnitError) as event:
        units.create_intent(unit, units.IntentDraft("", "pay_by_due", 30, on, on, "NOPE", ""), buyer)
    assert event.value.code == "unknown_event"
    db.session.rollback()
    intent = units.create_intent(
        unit, units.IntentDraft("", "pay_by_due", 30, on, on + timedelta(days=30), "", ""), buyer
    )
    for step, code in ((lambda: units.submit_intent(intent, buyer), "no_lines"),):
        with pytest.raises(UnitError) as refused:
            step()
        assert refused.value.code == code
        db.session.rollback()
    units.set_lines(intent, {world["product"].skus[0].id: 2}, buyer)
    with pytest.raises(UnitError) as no_plan:
        units.submit_intent(intent, buyer)
    assert no_plan.value.code == "no_planned_delivery"
    db.session.rollback()
    with pytest.raises(UnitError) as outside:
        units.add_planned_delivery(intent, on + timedelta(days=99), "食堂", "", "", buyer)
    assert outside.value.code == "planned_outside_window"
    db.session.rollback()
    units.add_planned_delivery(intent, on + timedelta(days=3), "食堂", "", "", buyer)
    units.submit_intent(intent, buyer)
    with pytest.raises(UnitError) as approved:
        units.confirm_intent(intent, ACTOR)
    assert approved.value.code == "unit_not_approved"
    db.session.rollback()
    with pytest.raises(UnitError) as reason:
        units.decline_intent(intent, ACTOR, " ")
    assert reason.value.code == "decline_reason"
    db.session.rollback()
    with pytest.raises(UnitError) as locked:
        units.set_lines(intent, {world["product"].skus[0].id: 3}, buyer)
    assert locked.value.code == "not_a_draft"
