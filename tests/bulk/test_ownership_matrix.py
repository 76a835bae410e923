"""One matrix over the routes that take someone's id — a consumer's order, a unit's contract,
delivery and documents, a booth, a household, the reports — and five visitors: nobody, another
consumer, another unit's member, a clerk of another booth, and county staff. Everyone but the
owner (and staff, where staff work) is turned away with 403 or 404, or sent to sign in."""

import pytest

from app.bulk.models import IntentLine
from app.domain import roles
from app.extensions import db
from tests import factories
from tests.bulk.conftest import contract_in_delivery, signed_in

REFUSED = (403, 404)


@pytest.fixture()
def owned(app, fair, units):
    """Objects with owners: the hospital's contract, delivery and document; a consumer's order;
    the 高沙镇 booth; a household."""
    contract = contract_in_delivery(app, units, quantity=2)
    with app.app_context():
        for email, role in (
            ("owner@example.com", roles.CONSUMER),
            ("nosy@example.com", roles.CONSUMER),
            ("clerk-b@example.com", roles.CLERK),
        ):
            factories.user(email=email, role=role)
        db.session.commit()
        sku_id = db.session.scalar(db.select(IntentLine.sku_id).limit(1))
        values = {
            "unit": units["hospital"],
            "intent": contract["number"],
            "delivery": contract["order_number"],
            "document": contract["document_id"],
            "booth": fair["booth"],
            "household": fair["households"][0],
        }
    owner = signed_in(app, "owner@example.com")
    placed = factories.buy(owner, sku_id)
    values["order"] = placed.location.rsplit("/", 1)[1]
    return values


def _routes(v: dict) -> list[tuple[str, str, tuple]]:
    """(method, path, who may: 'owner'/'staff' markers are checked separately)."""
    unit = f"/units/{v['unit']}"
    return [
        ("GET", f"/orders/{v['order']}", ()),
        ("POST", f"/orders/{v['order']}/cancel", ()),
        ("GET", f"/pay/{v['order']}", ()),
        ("GET", f"/pay/{v['order']}/return", ()),
        ("GET", unit, ("staff",)),
        ("GET", f"{unit}/intents/{v['intent']}", ("staff",)),
        ("POST", f"{unit}/intents/{v['intent']}/contract", ("staff",)),
        ("POST", f"{unit}/intents/{v['intent']}/cancel", ("staff",)),
        ("POST", f"{unit}/deliveries/{v['delivery']}/accept", ("staff",)),
        ("POST", f"{unit}/deliveries/{v['delivery']}/note", ("staff",)),
        ("GET", f"{unit}/documents/{v['document']}", ("staff",)),
        ("GET", f"/pos/booths/{v['booth']}/close", ("staff",)),
        ("GET", f"/staff/households/{v['household']}", ("staff",)),
        ("GET", f"/staff/intents/{v['intent']}", ("staff",)),
        ("GET", "/staff/reports", ("staff",)),
        ("POST", "/staff/reports/export.csv", ("staff",)),
    ]


def test_nobody_reaches_what_is_not_theirs(app, owned):
    visitors = {
        "anonymous": app.test_client(),
        "another consumer": signed_in(app, "nosy@example.com"),
        "another unit's member": signed_in(app, "admin@school.example"),
        "a clerk of another booth": signed_in(app, "clerk-b@example.com"),
        "county staff": signed_in(app, "staff@example.com"),
    }
    routes = _routes(owned)
    for who, client in visitors.items():
        for method, path, allowed in routes:
            with client.open(path, method=method) as answer:
                status = answer.status_code
                if who == "anonymous":
                    signing_in = status == 302 and "/account/login" in answer.location
                    assert signing_in or status in REFUSED, (who, method, path, status)
                elif who == "county staff" and "staff" in allowed:
                    assert status not in (401, 403, 500), (who, method, path, status)
                else:
                    assert status in REFUSED, (who, method, path, status)
    owner = signed_in(app, "owner@example.com")
    assert owner.get(f"/orders/{owned['order']}").status_code == 200
    hospital = signed_in(app, "admin@hospital.example")
    assert hospital.get(f"/units/{owned['unit']}/intents/{owned['intent']}").status_code == 200
