"""Members of one unit cannot reach another unit's contracts, deliveries, documents or orders:
every route that takes such an id answers 403 or 404 to them."""

import io

from app.bulk.models import Document, PurchaseIntent
from app.extensions import db
from tests.bulk.conftest import contract_in_delivery, draft_intent, signed_in

ID_ARGUMENTS = {"unit_id", "number", "order_number", "document_id"}


def _hospital_objects(app, units) -> dict:
    return {**contract_in_delivery(app, units), "unit_id": units["hospital"], "action": "cancel"}


def _requests(app, values) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") or not set(rule.arguments) & ID_ARGUMENTS:
            continue
        path = rule.rule
        for name in rule.arguments:
            # Outside /units, a <number> is an order's: the delivery's own order number.
            value = str(values["order_number" if name == "number" and not rule.rule.startswith("/units") else name])
            for pattern in (f"<int:{name}>", f"<{name}>", f"<any(submit, withdraw, cancel):{name}>"):
                path = path.replace(pattern, value)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_another_units_member_gets_403_or_404_everywhere(app, units):
    values = _hospital_objects(app, units)
    requests = _requests(app, values)
    assert len(requests) >= 18
    assert ("GET", f"/orders/{values['order_number']}") in requests and (
        "GET",
        f"/pay/{values['order_number']}",
    ) in requests
    outsider = signed_in(app, "admin@school.example")  # the school's own admin
    with app.app_context():
        before = (
            db.session.execute(db.select(PurchaseIntent.status, PurchaseIntent.po_number)).all(),
            db.session.scalar(db.select(db.func.count()).select_from(Document)),
        )
    for method, path in requests:
        with outsider.open(
            path,
            method=method,
            data={"reason": "x", "q-1": "9", "email": "x@example.com", "file": (io.BytesIO(b"x"), "a.csv")},
        ) as answer:
            assert answer.status_code in (403, 404), (method, path, answer.status_code)
    with app.app_context():
        after = (
            db.session.execute(db.select(PurchaseIntent.status, PurchaseIntent.po_number)).all(),
            db.session.scalar(db.select(db.func.count()).select_from(Document)),
        )
    assert after == before


def test_a_buyer_cannot_do_what_only_the_units_admin_may(app, units):
    _client, _number, url = draft_intent(app, units)
    buyer = signed_in(app, "buyer@hospital.example")
    assert buyer.post(f"/units/{units['hospital']}/pledge", data={"year": 2026, "amount": "1"}).status_code == 403
    assert buyer.post(f"/units/{units['hospital']}/members", data={"email": "x@example.com"}).status_code == 403
    assert buyer.post(f"{url}/submit").status_code == 403
