"""Every back-office route, every role: only county staff get in."""

import re

import pytest

from app.domain import roles
from app.extensions import db
from tests import factories
from tests.pos.fixtures import sale, sync

OUTSIDERS = (roles.CONSUMER, roles.UNIT_MEMBER, roles.CLERK, roles.PRODUCER, roles.VILLAGE_ADMIN)


@pytest.fixture()
def back_office(app, fair):
    """The fair plus one order and one flagged sale, so every id in a staff URL exists."""
    client = app.test_client()
    answer = sync(client, fair["token"], [sale(fair["tea"], 25, 6800)])  # over the allocation: flagged
    with app.app_context():
        from app.pos.models import BoothSale, Device

        booth_sale = db.session.execute(db.select(BoothSale)).scalar_one()
        values = {
            "number": answer.json["results"][0]["order_number"],
            "household_id": fair["households"][0],
            "user_id": 1,
            "device_id": db.session.execute(db.select(Device.id)).scalar(),
            "sale_id": booth_sale.id,
            "fmt": "csv",
            "event": "WEEK2026",
            "booth": fair["booth"],
            "lot": fair["lot"],
            "unit_id": 1,
            "order_number": "0",
            "document_id": 1,
            "product_id": 1,
            "sku_id": 1,
            "producer_id": 1,
            "link_id": 1,
            "category_id": 1,
            "message_id": 1,
            "export_id": 1,
            "statement_id": 1,
            "village_id": 1,
            "rule_id": 1,
            "request_id": 1,
        }
        for role in OUTSIDERS:
            factories.user(email=f"matrix-{role}@example.com", role=role)
        db.session.commit()
    return values


def staff_requests(app, values) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        arguments = {name: values[name] for name in rule.arguments if name not in ("code", "action")}
        if "code" in rule.arguments:
            arguments["code"] = (
                values["booth"]
                if "/booths/" in rule.rule
                else values["lot"]
                if "/lots/" in rule.rule
                else values["event"]
            )
        path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule.rule)  # a fixed choice of words: its first word
        for name, value in arguments.items():
            path = re.sub(rf"<(?:[^<>]+:)?{name}>", str(value), path)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_every_back_office_route_refuses_everyone_but_county_staff(app, back_office):
    requests = staff_requests(app, back_office)
    assert len(requests) >= 30
    anonymous = app.test_client()
    for method, path in requests:
        answer = anonymous.open(path, method=method)
        assert answer.status_code == 302 and "/account/login" in answer.location, (method, path)
    for role in OUTSIDERS:
        client = app.test_client()
        factories.login(client, f"matrix-{role}@example.com")
        for method, path in requests:
            assert client.open(path, method=method).status_code == 403, (role, method, path)
    staff = app.test_client()
    factories.login(staff, "staff@example.com")
    for method, path in requests:
        with staff.open(path, method=method) as answer:  # exports stream files: close them
            assert answer.status_code not in (401, 403, 500), (method, path, answer.status_code)
            assert "/account/login" not in (answer.location or ""), (method, path)
