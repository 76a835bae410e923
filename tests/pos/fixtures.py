"""A fair: one booth of 高沙镇 selling two SKUs whose producer supports three households, and a
labelled lot of the mandarins."""

import itertools
import uuid as uuidlib
from datetime import date, datetime, timedelta, timezone

import pytest

from app.audit.services import Actor
from app.domain import roles
from app.extensions import db
from app.pos.devices import issue_device_token
from app.trace.services import LotDraft, create_lot
from tests import factories

_sequence = itertools.count(1)


@pytest.fixture()
def fair(app):
    return build_fair(app)


def build_fair(app) -> dict:
    with app.app_context():
        gaosha = factories.township(name="高沙镇", code="gaosha")
        village = factories.village(gaosha, "林田村")
        households = [factories.household(village, head_name=n) for n in ("李四光", "王秀英", "刘建国")]
        producer = factories.producer(gaosha, households, [2, 1, 1], valid_from=date(2020, 1, 1))
        mandarin = factories.product("雪峰蜜橘", producer, price_fen=3980, stock=100)
        tea = factories.product("洞口绿茶", producer, price_fen=6800, stock=100)
        clerk = factories.user(email="clerk@example.com", role=roles.CLERK, name="店员小陈")
        factories.user(email="other-clerk@example.com", role=roles.CLERK, name="店员小李")
        factories.user(email="staff@example.com", role=roles.STAFF, name="王干事")
        event = factories.event("WEEK2026")
        booth = factories.booth(
            event, gaosha, "WEEK2026-GAOSHA", clerks=[clerk], allocations=[(mandarin.skus[0], 50), (tea.skus[0], 20)]
        )
        db.session.commit()
        _device, token = issue_device_token(booth.code, "1 号平板", Actor(None, "test"))
        lot = create_lot(
            LotDraft(mandarin.skus[0].code, date(2026, 11, 10), 300, code="XF-261110A", inspection_note="农残快检合格"),
            Actor(None, "test"),
        )
        return {
            "token": token,
            "booth": booth.code,
            "mandarin": mandarin.skus[0].code,
            "tea": tea.skus[0].code,
            "households": [h.id for h in households],
            "lot": lot.code,
        }


def sale(
    sku: str, quantity: int = 1, price_fen: int = 3980, tender: str = "cash", sold_at: datetime | None = None, **changes
) -> dict:
    """A sale as the tablet sends it."""
    total = quantity * price_fen
    payment = (
        {"method": "cash", "tendered_fen": total + 2000, "change_fen": 2000}
        if tender == "cash"
        else {"method": "merchant_qr", "reference": "4200001234202610170001"}
    )
    sold_at = sold_at or datetime.now(timezone(timedelta(hours=8)))
    body = {
        "uuid": str(uuidlib.uuid4()),
        "device_sequence": next(_sequence),
        "sold_at": sold_at.isoformat(),
        "lines": [{"sku": sku, "quantity": quantity, "unit_price_fen": price_fen}],
        "total_fen": total,
        "tender": payment,
    }
    body.update(changes)
    return body


def sync(client, token: str, sales: list[dict]):
    return client.post("/api/v1/pos/sales", json={"sales": sales}, headers={"Authorization": f"Bearer {token}"})
