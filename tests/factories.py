"""Builders for test data; each adds to the session and flushes, the caller commits."""

import itertools
from datetime import date

from app.accounts.models import User
from app.catalog.models import Category, Certification, Product, ProductImage, Sku
from app.domain import roles
from app.domain.identity import id_check_char
from app.events.models import Event
from app.extensions import db
from app.orders import services as orders
from app.payments import services as payments
from app.pos.models import Booth, BoothAllocation
from app.registry.models import BenefitLink, Household, Producer, Township, Village

_seq = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def township(name="高沙镇", code=None, kind="town"):
    n = next(_seq)
    return _add(Township(code=code or f"t{n}", name=f"{name}{n}" if code is None else name, kind=kind, sort_order=n))


def village(township_=None, name=None):
    township_ = township_ or township()
    return _add(Village(township_id=township_.id, name=name or f"村{next(_seq)}"))


def id_number(serial: int) -> str:
    first17 = f"43052519800101{serial % 1000:03d}"
    return first17 + id_check_char(first17)


def household(village_=None, head_name=None, members=3, **fields):
    n = next(_seq)
    village_ = village_ or village()
    return _add(
        Household(
            registration_no=f"REG{n:06d}",
            village_id=village_.id,
            head_name=head_name or f"测试户主{n}",
            id_number=id_number(n),
            phone=f"139{n:08d}",
            members=members,
            **fields,
        )
    )


def producer(township_=None, households=(), weights=None, kind="cooperative", valid_from=date(2020, 1, 1)):
    township_ = township_ or township()
    p = _add(Producer(name=f"测试合作社{next(_seq)}", kind=kind, township_id=township_.id))
    for hh, weight in zip(households, weights or [1] * len(households), strict=False):
        _add(BenefitLink(producer_id=p.id, household_id=hh.id, weight=weight, valid_from=valid_from))
    return p


def category(name="时令水果"):
    n = next(_seq)
    return _add(Category(slug=f"cat-{n}", name=name, sort_order=n))


def product(
    name="雪峰蜜橘",
    producer_=None,
    category_=None,
    price_fen=3980,
    stock=100,
    certified_until=None,
    featured=False,
    subtitle="皮薄汁多",
):
    producer_ = producer_ or producer()
    category_ = category_ or category()
    n = next(_seq)
    p = _add(
        Product(
            slug=f"p-{n}",
            name=name,
            subtitle=subtitle,
            category_id=category_.id,
            producer_id=producer_.id,
            township_id=producer_.township_id,
            is_featured=featured,
            price_from_fen=price_fen,
        )
    )
    _add(
        Sku(
            product_id=p.id,
            code=f"SKU-{n}",
            name="5 斤装",
            unit="箱",
            net_weight_g=2500,
            price_fen=price_fen,
            stock=stock,
        )
    )
    _add(ProductImage(product_id=p.id, path=f"products/p-{n}.jpg", alt=name))
    if certified_until:
        _add(
            Certification(
                product_id=p.id,
                number=f"CERT-{n}",
                issuer="湖南省扶贫开发办公室",
                valid_from=date(2020, 1, 1),
                valid_to=certified_until,
            )
        )
    return p


def user(email=None, role=roles.CONSUMER, password="correct horse battery", name="测试用户"):
    u = User(email=email or f"user{next(_seq)}@example.com", name=name, role=role)
    u.set_password(password)
    return _add(u)


def event(code=None, starts_on=None, ends_on=None, kind="consumption_week", name="消费扶贫活动周"):
    from app.clock import today

    starts_on = starts_on or today()
    return _add(
        Event(
            code=code or f"EV{next(_seq)}",
            name=name,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on or starts_on,
            venue="蔡锷广场",
        )
    )


def booth(event_, township_, code=None, clerks=(), allocations=(), opening_float_fen=50000):
    """A booth with its clerks and (sku, quantity) allocations."""
    b = _add(
        Booth(
            code=code or f"B{next(_seq)}",
            event_id=event_.id,
            township_id=township_.id,
            name=f"{township_.name}展位",
            opening_float_fen=opening_float_fen,
            merchant_name="高沙镇橘农合作社",
        )
    )
    b.clerks.extend(clerks)
    for sku, quantity in allocations:
        _add(BoothAllocation(booth_id=b.id, sku_id=sku.id, allocated=quantity))
    db.session.flush()
    return b


# An order's address in the county, as the orders service takes it.
DELIVERY_ADDRESS = orders.Address("张女士", "13812345678", "湖南省", "邵阳市", "洞口县", "雪峰路 18 号")
ADDRESS = {
    "recipient": "张女士",
    "mobile": "13812345678",
    "province": "430000",
    "city": "430500",
    "county": "430525",
    "street": "文昌街道雪峰路 18 号",
}


def login(client, email, password="correct horse battery"):
    response = client.post("/account/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def buy(client, sku_id, quantity=1, payment_method="cod", **extra):
    """Add a SKU to the signed-in client's cart and check out; returns the checkout response."""
    client.post("/cart/add", data={"sku_id": sku_id, "quantity": quantity})
    client.get("/checkout")
    return client.post("/checkout", data={**ADDRESS, "payment_method": payment_method, **extra})


def paid_on_delivery(
    buyer_id: int, sku_id: int, quantity: int, staff_id: int, price_fen: int = 3980, event_code: str | None = None
):
    """An order placed through the orders service, paying on delivery (delivered in the county:
    no delivery fee), and its money recorded by staff at the door (so its ledger rows are
    written). Commits; returns the placed order."""
    basket = orders.basket_of([orders.CartItem(sku_id, quantity, price_fen)])
    placed = orders.place_order(buyer_id, basket, DELIVERY_ADDRESS, "", event_code, "cod", 99, 30)
    payments.record_offline_payment(placed.number, placed.total_fen, "", staff_id)
    return placed


def run_export(client, path: str) -> bytes:
    """Start an export from a staff page the way its button does, and download the file (without
    Redis the job has run by the time the answer comes back)."""
    answer = client.post(path)
    assert answer.status_code == 303, answer.status_code
    export_id = int(answer.headers["Location"].rsplit("/", 1)[-1])
    progress = client.get(f"/staff/jobs/exports/{export_id}.json").get_json()
    assert progress["status"] == "done", progress
    with client.get(progress["download"]) as download:
        assert download.status_code == 200
        return download.data


def rolled_up(rows: list[dict]) -> dict[tuple, list[int]]:
    """Roll-up rows (the keys of ROLLUP_KEYS, amount_fen and pairs) summed per key, as the ledger
    hands them to ``impact.services.roll_up``."""
    from app.impact.models import ROLLUP_KEYS
    from app.impact.services import RollUpTotals, add_to

    totals: RollUpTotals = {}
    for row in rows:
        add_to(totals, tuple(row[k] for k in ROLLUP_KEYS), row["amount_fen"], row["pairs"])
    return totals
